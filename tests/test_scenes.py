"""The scenes of tests/database_support.py: a copy is what a real build gives, row for row
and in the Python state, on both backends, and its people act under the sessions the build
opened, with none opened again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.store import Store
from models import Base, StaffSession
from tests import database_support
from tests.billing_support import Billing
from tests.database_pool import PgPool
from tests.database_support import Scenes, sqlite_copy
from tests.demo_data import signed_in


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two freshly migrated, empty stores of one backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        urls = [sqlite_copy(template, tmp_path / f"{n}.db") for n in ("built", "copied")]
        stores = Store(urls[0]), Store(urls[1])
        yield stores
    else:
        pool: PgPool = request.getfixturevalue("pg_pool")
        with pool.lease() as first, pool.lease() as second:
            stores = Store(first), Store(second)
            yield stores
    for s in stores:
        s.dispose()


@pytest.fixture
def scenes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scenes:
    """Scenes of this test's own, so the run's copies are neither used nor added to."""
    own = Scenes(tmp_path / "scenes")
    own.folder.mkdir()
    monkeypatch.setattr(database_support, "_scenes", own)
    return own


def _rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.read() as s:
        return {
            t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def _keys(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.read() as s:
        return {
            t.name: [
                tuple(r)
                for r in s.execute(select(*t.primary_key.columns).order_by(*t.primary_key.columns))
            ]
            for t in Base.metadata.sorted_tables
        }


def _sessions(billing: Billing) -> dict[str, tuple[int, int]]:
    return {number: (int(a), a.session_id) for number, a in billing.staff.items()}


def test_a_copy_is_the_real_build_row_for_row(
    two_stores: tuple[Store, Store], scenes: Scenes
) -> None:
    first, second = two_stores
    built = Billing(first)
    assert (scenes.built, scenes.copied) == (4, 0)  # the demo, Floor, Dining, Billing
    copied = Billing(second)
    assert (scenes.built, scenes.copied) == (4, 1)
    assert _rows(second) == _rows(first)
    assert _sessions(copied) == _sessions(built)
    assert copied.floor.store is second and copied.store is second
    same = ("party_id", "seated", "items", "modifiers", "methods", "accounts", "lines")
    assert {k: getattr(copied, k) for k in same} == {k: getattr(built, k) for k in same}
    # The copy's people are signed in: nobody signs in again, and the services take them.
    again = {int(a): a.session_id for a in signed_in(second).values()}
    assert again == {int(a): a.session_id for a in copied.staff.values()}
    for billing in (built, copied):
        done = billing.pay(billing.ready(), "cash")
        assert done.settled and done.invoice_number == 1
    # The same ids given next (the sequences came with the copy); the times are today's.
    assert _keys(second) == _keys(first)
    with second.read() as s:
        assert len(s.scalars(select(StaffSession.id)).all()) == len(copied.staff)


def test_other_arguments_and_old_copies_are_built_for_real(
    two_stores: tuple[Store, Store], scenes: Scenes, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_stores
    Billing(first)
    built = scenes.built
    Billing(second, size=2)  # another party: Dining and Billing again, the floor copied
    assert (scenes.built, scenes.copied) == (built + 2, 1)
    later = database_support.utcnow() + database_support.FRESH_FOR + timedelta(seconds=1)
    monkeypatch.setattr(database_support, "utcnow", lambda: later)
    Billing(first)  # Billing, Dining and Floor too old now: built again on the demo's copy
    assert (scenes.built, scenes.copied) == (built + 2 + 3, 2)
    kept = [s.database for s in scenes.saved.values()]
    assert len(set(kept)) == len(kept)  # each scene its own copy, none written over
