"""The test databases: the PostgreSQL server the tests use, copies of a template database
on each backend, and the demo restaurant loaded once a run and copied for each test.

Copies are what make the tests fast: migrating costs seconds and loading the demo hashes
nine PINs with the real Argon2 parameters (about 60 ms each), so both are done once per
run (per xdist worker) and every test gets a copy. On PostgreSQL the empty copies are
reused from test to test (tests/database_pool.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from db import migrate
from db.engine import sqlite_path
from db.store import Store
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
    "SKIP_PG",
    "DemoTemplates",
    "copy_sqlite",
    "drop_pg_database",
    "install_demo",
    "pg_admin",
    "pg_database",
    "pg_url_for",
    "sqlite_copy",
    "use_demo_templates",
]


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


class DemoTemplates:
    """The demo restaurant loaded once per backend (by the real loader, with the real PIN
    hashes); `install` fills a test's freshly migrated, empty store with a copy of it:
    SQLite through the backup API; PostgreSQL by one script that writes the same rows and
    sets every sequence where the loader left it (a fraction of the time a
    `CREATE DATABASE ... TEMPLATE` takes on a busy server)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: Path | None = None
        self.pg: str | None = None

    def install(self, store: Store) -> None:
        if store.is_sqlite:
            path = sqlite_path(store.url)
            assert path is not None, "the tests use SQLite files, not :memory:"
            if self.sqlite is None:
                load_demo(store)
                store.dispose()
                self.sqlite = self.folder / "demo.db"
                copy_sqlite(Path(path), self.sqlite)
            else:
                # No connection may be open while the file is replaced under it.
                store.dispose()
                copy_sqlite(self.sqlite, Path(path))
            return
        if self.pg is None:
            self.pg = self._load_pg(store)
            return
        with _owner_connection(store) as conn:
            conn.execute(self.pg)

    @staticmethod
    def _load_pg(store: Store) -> str:
        """Load the demo for real, then read back what it wrote as a script. The rows a
        migration wrote (alembic_version, seeded settings) are in every empty copy
        already: the script empties those tables and writes them as the demo has them.
        Triggers are off while it runs (owner_script): these rows were checked by the
        database as the loader wrote them, and no trigger writes on insert."""
        with _owner_connection(store) as conn:
            seeded = _tables_with_rows(conn)
        load_demo(store)
        with _owner_connection(store) as conn:
            rows = [copy_rows_sql(conn, t) for t in _tables_with_rows(conn)]
            body = [
                *(f"DELETE FROM {t};" for t in seeded),
                *(r for r in rows if r is not None),
                sequences_sql(conn),
            ]
        return owner_script("\n".join(body))


_templates: DemoTemplates | None = None


def use_demo_templates(templates: DemoTemplates | None) -> None:
    """Set by the session fixture in conftest.py, which also drops them at the end."""
    global _templates
    _templates = templates


def install_demo(store: Store) -> None:
    """Fill the test's empty store with the demo restaurant: a copy of the one loaded (by
    the real loader, real PIN hashes) the first time in this run."""
    if _templates is None:  # outside pytest's session (a script): load it for real
        load_demo(store)
        return
    _templates.install(store)
