"""One engine per test database, kept from one test to the next, as the app keeps one
engine for a whole service day.

SQLAlchemy caches each statement's compiled SQL in its engine, keyed by the engine's
dialect, so a new engine compiles every statement again. A test that makes a fresh engine
therefore compiles all it runs: a whole-suite profile (py-spy, 2026-12-03) put SQL
compilation at 76 s of the run's 550 s of CPU, almost all of it the same statements
compiled again for the next test (36 s after this change, most of it each worker's first
compilation of each statement). The databases themselves are still fresh for every test: a copy
of the template (SQLite) or a database reset by the pool (PostgreSQL, tests/database_pool.py),
at the same URL each time, so the engine for that URL can be used again once it has
closed its connections.

An engine is used again only if the test left it as it was made: the same listeners on
the engine, its pool and its dialect, and the same execution options. A test that hooked
something into it (a fault injected before a commit, a statement counter) gets its engine
thrown away, and the next test a new one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from db.engine import normalise_url
from db.store import Store


def _shape(engine: Engine) -> tuple[object, ...]:
    """What a test could have added to an engine that would outlive it."""

    def counts(dispatch: Any) -> tuple[tuple[str, int], ...]:
        return tuple((name, len(getattr(dispatch, name))) for name in dispatch._event_names)

    return (
        counts(engine.dispatch),
        counts(engine.pool.dispatch),
        counts(engine.dialect.dispatch),
        type(engine.pool),
        dict(engine.get_execution_options()),
    )


class KeptEngines:
    """The engines of one worker that are free to lend, one per database URL."""

    def __init__(self) -> None:
        self._free: dict[str, tuple[Engine, tuple[object, ...]]] = {}
        self._shapes: dict[int, tuple[object, ...]] = {}  # engines lent, by id
        self.reused = 0

    def store(self, url: str) -> Store:
        kept = self._free.pop(normalise_url(url), None)
        if kept is None:
            store = Store(url)
            self._shapes[id(store.engine)] = _shape(store.engine)
            return store
        engine, shape = kept
        self._shapes[id(engine)] = shape
        self.reused += 1
        return Store(url, engine=engine)

    def put_back(self, store: Store) -> None:
        """Close the store's connections; keep its engine for the next test at that URL if
        the test left it as it was made."""
        store.dispose()
        shape = self._shapes.pop(id(store.engine), None)
        if shape is not None and _shape(store.engine) == shape:
            self._free[store.url] = (store.engine, shape)

    def close(self) -> None:
        for engine, _ in self._free.values():
            engine.dispose()
        self._free.clear()
