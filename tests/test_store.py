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
