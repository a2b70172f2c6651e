"""The store keeps its promises: migrations, pragmas, the append-only audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from db import migrate
from db.store import Store
from models import AuditEvent
from services import audit


def test_migrated_database_is_at_head(db_url: str) -> None:
    assert migrate.current_revision(db_url) == migrate.head_revision()


def test_audit_log_refuses_update_and_delete(store: Store) -> None:
    with store.write() as s:
        event = audit.record(s, action="test.done", object_type="test", actor_label="pytest")
        s.flush()
        event_id = event.id
    for statement in (
        "UPDATE audit_event SET action = 'forged' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.write() as s:
            s.execute(text(statement), {"id": event_id})
    with store.read() as s:
        row = s.execute(select(AuditEvent)).scalar_one()
    assert row.action == "test.done"


def test_the_guard_triggers_are_in_place(store: Store) -> None:
    from db.guards import missing_triggers

    with store.read() as s:
        assert missing_triggers(s.connection()) == []


def test_a_read_only_store_refuses_to_write(sqlite_url: str) -> None:
    store = Store(sqlite_url, read_only=True)
    try:
        with store.read() as s:
            assert s.execute(text("SELECT count(*) FROM staff")).scalar_one() == 0
        with pytest.raises(RuntimeError, match="read-only"), store.write():
            pass
    finally:
        store.dispose()
