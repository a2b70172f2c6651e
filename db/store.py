"""The store: one engine, and short transactions handed to service functions.

`store.write()` is the unit of work of a service function: one transaction that commits
when the block ends and rolls back if anything in it raises. `store.read()` is for
queries only and never holds the write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.engine import WRITE_OPTION, is_sqlite, make_engine, normalise_url


class Store:
    def __init__(self, url: str, engine: Engine | None = None, *, read_only: bool = False) -> None:
        """`read_only`: a store for commands that only read (verify); see make_engine."""
        self.url = normalise_url(url)
        self.read_only = read_only
        self.engine = engine or make_engine(self.url, read_only=read_only)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        _keep_what_it_loads(self._write_sessions)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        if self.read_only:
            raise RuntimeError("this store was opened read-only")
        session = self._write_sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read_sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


# A session's identity map holds its rows weakly: a row nobody refers to any more is
# dropped, and the next `session.get` of it reads it again. In a write transaction that
# was the acting person, the restaurant and the party read two or three times each
# (bench/README.md). A write session lives for one transaction, so it keeps what it loads
# until it closes (SQLAlchemy's "strong_reference_session" recipe, docs "Session
# Referencing Behavior"). Read sessions are left weak: `verify` streams millions of rows.
_KEPT = "kept_rows"


def _keep_what_it_loads(sessions: sessionmaker[Session]) -> None:
    @event.listens_for(sessions, "loaded_as_persistent")
    @event.listens_for(sessions, "pending_to_persistent")
    def _keep(session: Session, instance: Any) -> None:
        session.info.setdefault(_KEPT, []).append(instance)
