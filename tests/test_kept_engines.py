"""The speed-ups the tests themselves use must not let one test see another's doing: an engine
kept from one test to the next (tests/kept_engines.py) and Argon2 checks remembered
(tests/pin_checks.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import event, func, select, text

from models import Restaurant
from services.people import pins
from tests.database_support import fresh_sqlite_copy
from tests.kept_engines import KeptEngines
from tests.pin_checks import RememberedChecks


def _restaurants(kept: KeptEngines, url: str) -> int:
    store = kept.store(url)
    try:
        with store.read() as s:
            return s.scalar(select(func.count()).select_from(Restaurant)) or 0
    finally:
        kept.put_back(store)


def test_the_next_test_at_the_same_place_gets_the_same_engine_and_a_fresh_database(
    sqlite_template: Path, tmp_path: Path
) -> None:
    kept = KeptEngines()
    place = tmp_path / "kept" / "tableside.db"
    first = kept.store(fresh_sqlite_copy(sqlite_template, place))
    with first.write() as s:
        s.add(Restaurant(name="Left behind", currency="CNY", timezone="Asia/Shanghai"))
    kept.put_back(first)

    second = kept.store(fresh_sqlite_copy(sqlite_template, place))
    assert second.engine is first.engine and kept.reused == 1
    with second.read() as s:
        assert s.scalar(select(func.count()).select_from(Restaurant)) == 0
    kept.put_back(second)
    kept.close()


def test_an_engine_a_test_hooked_into_is_never_lent_again(
    sqlite_template: Path, tmp_path: Path
) -> None:
    kept = KeptEngines()
    place = tmp_path / "kept" / "tableside.db"
    seen: list[str] = []
    hooked = kept.store(fresh_sqlite_copy(sqlite_template, place))
    event.listen(hooked.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    kept.put_back(hooked)

    url = fresh_sqlite_copy(sqlite_template, place)
    assert _restaurants(kept, url) == 0
    assert seen == []  # the listener stayed with the engine thrown away
    assert kept.reused == 0
    kept.close()


def test_a_connection_left_open_keeps_the_old_file_and_never_sees_the_new_one(
    sqlite_template: Path, tmp_path: Path
) -> None:
    place = tmp_path / "kept" / "tableside.db"
    fresh_sqlite_copy(sqlite_template, place)
    leaked = sqlite3.connect(place)
    leaked.execute("PRAGMA user_version = 7")  # a mark in the old file

    kept = KeptEngines()
    store = kept.store(fresh_sqlite_copy(sqlite_template, place))
    with store.read() as s:
        assert s.execute(text("PRAGMA user_version")).scalar() == 0
    kept.put_back(store)
    assert leaked.execute("PRAGMA user_version").fetchone() == (7,)
    leaked.close()
    kept.close()


def test_a_remembered_check_answers_as_argon2_does() -> None:
    checks = RememberedChecks(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    stored = checks.hash("2468")
    assert checks.hash("2468") != stored  # new hashes are still salted each time
    for _ in range(3):
        assert checks.verify(stored, "2468") is True
        with pytest.raises(VerifyMismatchError):
            checks.verify(stored, "1357")
    assert checks.real_checks == 2  # one real check per (hash, PIN) pair


def test_the_suite_checks_pins_through_the_remembered_checks() -> None:
    assert isinstance(pins._hasher, RememberedChecks)
    stored = pins.hash_pin("97531")
    assert pins.pin_matches(stored, "97531") and not pins.pin_matches(stored, "97530")
    assert not pins.pin_matches("not an argon2 hash", "97531")
