"""The SQLite settings that keep acknowledged orders safe (see docs/reliability.md)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select, text

from db.store import Store
from models import AuditEvent
from services import audit


def test_every_connection_has_wal_full_sync_foreign_keys_and_a_busy_timeout(
    sqlite_url: str,
) -> None:
    store = Store(sqlite_url)
    with store.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    store.dispose()


def test_a_dangling_foreign_key_is_refused(sqlite_url: str) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    store = Store(sqlite_url)
    with pytest.raises(IntegrityError), store.write() as s:
        audit.record(s, action="x", object_type="staff", actor_id=424242)
    store.dispose()


def test_two_writers_that_read_first_queue_instead_of_failing(sqlite_url: str) -> None:
    """With plain BEGIN the second writer fails at once with 'database is locked'; with
    BEGIN IMMEDIATE it waits on the busy timeout and both writes land."""
    stores = [Store(sqlite_url), Store(sqlite_url)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(store: Store, label: str) -> None:
        try:
            start.wait()
            with store.write() as s:
                s.scalar(select(func.count()).select_from(AuditEvent))  # read, then write
                time.sleep(0.2)
                audit.record(s, action=f"test.{label}", object_type="test")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(st, str(i))) for i, st in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with stores[0].read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 2
    for st in stores:
        st.dispose()
