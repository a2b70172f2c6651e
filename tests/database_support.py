"""The test databases: the PostgreSQL server the tests use, copies of a template database
on each backend, and the states tests start from, each built once a run and copied.

Copies are what make the tests fast: migrating costs seconds, loading the demo hashes nine
PINs with the real Argon2 parameters (about 60 ms each), and the set-ups of the
*_support.py helpers (the floor open for lunch, a party seated, an order sent) go through
the real services, an Argon2 check among them. So the migration is done once per run (per
xdist worker) and every test gets a copy; on PostgreSQL the empty copies are reused from
test to test (tests/database_pool.py).

The set-ups are *scenes* (`Scenes`): `install_demo`, and every `__init__` marked `@scene`
(`Floor`, `Dining`, `Billing`, ...). The first time a scene is asked for on a backend with
given arguments it is built for real; its database and the Python state it made (ids, the
signed-in sessions) are kept, and later requests get a copy of both, equal row for row
(tests/test_scenes.py). A scene is keyed by its build and every argument but the store;
one given anything but plain values is built for real each time. Copies of the helpers'
scenes are used for FRESH_FOR after their build: rows stamped with the real clock (audit
events, sessions, the lines `Billing` sends) stay within that of what a real build gives.
"""

from __future__ import annotations

import copy
import functools
import inspect
import shutil
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from db import migrate
from db.engine import sqlite_path
from db.store import Store
from models import utcnow
from services.people.sessions import Acting
from services.restaurant.demo import load_demo
from tests.database_pool import (
    PG_URL,
    SKIP_PG,
    copy_rows_sql,
    drop_pg_database,
    owner_script,
    pg_admin,
    pg_database,
    pg_url_for,
    sequences_sql,
    user_tables,
)

__all__ = [
    "PG_URL",
    "SESSIONS",
    "SKIP_PG",
    "Scenes",
    "copy_sqlite",
    "drop_pg_database",
    "fresh_sqlite_copy",
    "install_demo",
    "pg_admin",
    "pg_database",
    "pg_url_for",
    "scene",
    "sqlite_copy",
    "use_scenes",
]

Build = TypeVar("Build", bound=Callable[..., None])

# The sessions tests/demo_data.py opened in each store, by staff id: the services act for
# a signed-in session, so a test acts as a person through one of these. A scene's copy
# brings its own.
SESSIONS: weakref.WeakKeyDictionary[Store, dict[int, Acting]] = weakref.WeakKeyDictionary()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a test's SQLite file. A closed one (nothing beside it or the target: no WAL,
    no shared memory, no hot journal) is copied as a file, in under a millisecond; else
    through the backup API, which the app uses for live files (15 ms here: it syncs)."""
    beside = ("-wal", "-shm", "-journal")
    if any(p.with_name(p.name + b).exists() for p in (source, target) for b in beside):
        migrate.backup_sqlite(source, target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def sqlite_copy(template: Path, target: Path) -> str:
    copy_sqlite(template, target)
    return f"sqlite:///{target}"


def fresh_sqlite_copy(template: Path, target: Path) -> str:
    """`sqlite_copy` over the last test's database at the same path. Its files are unlinked
    first, so a connection a test left open keeps the old file and never sees the new one
    written under it, and no stale WAL is ever read with the new file."""
    for name in (target.name, *(target.name + b for b in ("-wal", "-shm", "-journal"))):
        target.with_name(name).unlink(missing_ok=True)
    return sqlite_copy(template, target)


@contextmanager
def _owner_connection(store: Store) -> Iterator[psycopg.Connection]:
    """The store's own psycopg connection (the tests connect as the owner), committed at
    the end of the block."""
    raw = store.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, psycopg.Connection)
        yield conn
        raw.commit()
    finally:
        raw.close()


def _tables_with_rows(conn: psycopg.Connection) -> list[str]:
    tables = user_tables(conn)
    have = conn.execute(
        "SELECT " + ", ".join(f"EXISTS (SELECT 1 FROM {t})" for t in tables)
    ).fetchone()
    assert have is not None
    return [t for t, has in zip(tables, have, strict=True) if has]


class _Keep:
    """Where the store was in a scene's remembered Python state (see `Scenes.set_up`)."""


_STORE = _Keep()

# How long after its build a scene's copy is used. Audit events, sessions and the lines
# `Billing` sends are stamped with the real clock; a copy carries its build's stamps, so
# copies are kept at most this much older than what a real build would stamp, and a test
# that reads "today" or "minutes since" sees what a build a moment earlier would give.
FRESH_FOR = timedelta(minutes=2)


@dataclass
class _Scene:
    database: Path | str  # the SQLite file, or the PostgreSQL script that writes its rows
    state: object  # (the attributes the build set, the store's sessions), store left out
    used_until: datetime | None  # None: for the whole run


class Scenes:
    """The states the tests start from, each built once per backend by the real code and
    copied after that: the demo restaurant (`install_demo`) and the set-ups of the
    *_support.py helpers (`scene`), by the build and the arguments it was given.

    A copy is the database and the Python state together: the SQLite file (copied while
    no connection is open), or on PostgreSQL one script that empties every table, writes
    every row back and sets every sequence (triggers off, as `owner_script` runs it: the
    rows were checked by the database when the real build wrote them, and no trigger
    writes on insert); then a deep copy of the attributes the build set on its object, and
    the sessions tests/demo_data.py had opened in the store (SESSIONS), so the copy's
    people are signed in under the same live sessions and none is opened again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.saved: dict[tuple[object, ...], _Scene] = {}
        self.built = 0  # real builds, for tests/test_scenes.py
        self.copied = 0

    def set_up(
        self,
        store: Store,
        target: object | None,
        key: tuple[object, ...],
        build: Callable[[], None],
        fresh_for: timedelta | None,
    ) -> None:
        key = ("sqlite" if store.is_sqlite else "postgresql", *key)
        saved = self.saved.get(key)
        if saved is not None and (saved.used_until is None or utcnow() < saved.used_until):
            self._install(store, saved.database)
            attrs, known = copy.deepcopy(saved.state, {id(_STORE): store})
            if target is not None:
                vars(target).update(attrs)
            SESSIONS[store] = known
            self.copied += 1
            return
        before = dict(vars(target)) if target is not None else {}
        started = utcnow()
        build()
        self.built += 1
        # Only what this build set: a subclass's own attributes stay out of its parent's.
        attrs = {
            k: v
            for k, v in (vars(target) if target is not None else {}).items()
            if k not in before or before[k] is not v
        }
        state = copy.deepcopy((attrs, dict(SESSIONS.get(store, {}))), {id(store): _STORE})
        database = self._save(store, self.built)  # never another scene's file
        used_until = None if fresh_for is None else started + fresh_for
        self.saved[key] = _Scene(database, state, used_until)

    def _save(self, store: Store, number: int) -> Path | str:
        if store.is_sqlite:
            store.dispose()  # closed, so the file is whole without its WAL
            kept = self.folder / f"scene-{number}.db"
            copy_sqlite(_sqlite_file(store), kept)
            return kept
        with _owner_connection(store) as conn:
            rows = [copy_rows_sql(conn, t) for t in _tables_with_rows(conn)]
            body = [
                *(f"DELETE FROM {t};" for t in user_tables(conn)),
                *(r for r in rows if r is not None),
                sequences_sql(conn),
            ]
        return owner_script("\n".join(body))

    @staticmethod
    def _install(store: Store, database: Path | str) -> None:
        if isinstance(database, Path):
            store.dispose()  # no connection may be open while the file is replaced under it
            copy_sqlite(database, _sqlite_file(store))
            return
        with _owner_connection(store) as conn:
            conn.execute(database)


def _sqlite_file(store: Store) -> Path:
    path = sqlite_path(store.url)
    assert path is not None, "the tests use SQLite files, not :memory:"
    return Path(path)


_scenes: Scenes | None = None


def use_scenes(scenes: Scenes | None) -> None:
    """Set by the session fixture in conftest.py, which also drops them at the end."""
    global _scenes
    _scenes = scenes


# What a scene's arguments may be: values that say all there is to know about them.
_PLAIN = (int, float, str, bytes, bool, type(None), datetime, date, timedelta)


def _plain(value: object) -> bool:
    if isinstance(value, tuple | frozenset):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def _scene_of(build: Build, fresh_for: timedelta | None) -> Build:
    signature = inspect.signature(build)

    @functools.wraps(build)
    def set_up(*args: Any, **kwargs: Any) -> None:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        target, store = given.pop("self", None), given.pop("store")
        if _scenes is None or not all(_plain(v) for v in given.values()):
            build(*args, **kwargs)  # a script, or something no key can stand for: for real
            return
        key = (build.__module__, build.__qualname__, *sorted(given.items()))
        _scenes.set_up(store, target, key, lambda: build(*args, **kwargs), fresh_for)

    return set_up  # type: ignore[return-value]


def scene(build: Build) -> Build:
    """Make a set-up (an `__init__` taking `store`, or a function of `store`) a scene: built
    for real the first time it is asked for with these arguments on a backend, copied
    (`Scenes`) for FRESH_FOR after that. Arguments that are not plain values (a store, a
    list, an object) mean a build for real every time."""
    return _scene_of(build, FRESH_FOR)


# The demo is loaded once a run and copied for every test after, as before scenes.
@functools.partial(_scene_of, fresh_for=None)
def install_demo(store: Store) -> None:
    """Fill the test's empty store with the demo restaurant: a copy of the one loaded (by
    the real loader, real PIN hashes) the first time in this run."""
    load_demo(store)
