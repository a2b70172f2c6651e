"""Make an engine for a database URL, with the SQLite settings that keep orders safe.

SQLite (one tablet): WAL, synchronous=FULL (an acknowledged order survives a power cut),
foreign keys on, a busy timeout, and write transactions that begin IMMEDIATE so that two
writers queue on the busy timeout instead of failing with "database is locked"
(measured in docs/reliability.md). PostgreSQL (several tablets) through psycopg 3; there
a write transaction begins by taking one transaction-level advisory lock, so writers also
queue (the audit hash chain needs one writer at a time, and a single first lock cannot
deadlock), while reads never wait.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 5000

# Execution option that marks a connection as about to write.
WRITE_OPTION = "tableside_write"

# The PostgreSQL advisory lock every write transaction takes first (db/chain.py
# takes it too, for a session that did not come from Store.write).
PG_WRITE_LOCK = 724_012


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and make them use psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> str | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    return None if database in ("", ":memory:") else database


def make_engine(
    url: str, *, foreign_keys: bool = True, read_only: bool = False, **kwargs: Any
) -> Engine:
    """`read_only` (SQLite): open the file so that nothing is written to it or beside it,
    for commands that only read (verify); the WAL switch and the write settings are left
    out, since they would write."""
    url = normalise_url(url)
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        pg_engine = create_engine(url, **kwargs)

        @event.listens_for(pg_engine, "begin")
        def _on_pg_begin(connection: Any) -> None:
            if connection.get_execution_options().get(WRITE_OPTION):
                # One writer at a time, as BEGIN IMMEDIATE on SQLite: every write appends
                # to the audit hash chain, which must not fork, and taking this lock first
                # (before any row lock) means two writers can never deadlock over it.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

        return pg_engine

    path = sqlite_path(url)
    if read_only and path is not None:
        from db.migrate import read_only_uri  # migrate imports this module

        uri = read_only_uri(Path(path))
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), **kwargs
        )

        @event.listens_for(engine, "connect")
        def _read_only_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA query_only = ON")

        @event.listens_for(engine, "begin")
        def _read_only_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

        return engine

    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
