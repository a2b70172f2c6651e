"""The audit log: append an event inside the caller's transaction; read the newest events.

Every event is hash-chained to the one before it (db/chain.py), in the same
transaction, so `python main.py verify` shows any event changed, removed or inserted
later, even by someone the database could not stop.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

import db.seals  # noqa: F401 - registers the flush hook that seals sent order lines
from db.chain import ChainSpec, link, register
from db.store import Store
from models import AuditEvent, Staff, utcnow


def _content(event: AuditEvent) -> tuple[object, ...]:
    return (
        event.at,
        event.actor_id,
        event.actor_label,
        event.approver_id,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
    )


AUDIT_CHAIN = register(ChainSpec(name="audit_event", model=AuditEvent, content=_content))


def record(
    session: Session,
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    actor_id: int | None = None,
    actor_label: str = "",
    approver_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        approver_id=approver_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    )
    link(session, AUDIT_CHAIN, event)
    session.add(event)
    return event


class AuditLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor: str
    approver: str
    action: str
    object_type: str
    object_id: str
    detail: str


def recent_events(store: Store, viewer_id: int, limit: int = 200) -> list[AuditLine]:
    """The newest events first. Only a manager may read the log."""
    from services.permissions import Action, require  # permissions imports models only

    limit = max(1, min(int(limit), 1000))
    actor = aliased(Staff)
    approver = aliased(Staff)
    with store.read() as s:
        require(s, viewer_id, Action.READ_AUDIT_LOG)
        rows = s.execute(
            select(AuditEvent, actor.name, approver.name)
            .outerjoin(actor, AuditEvent.actor_id == actor.id)
            .outerjoin(approver, AuditEvent.approver_id == approver.id)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).all()
        return [
            AuditLine(
                id=e.id,
                at=e.at,
                actor=actor_name or e.actor_label,
                approver=approver_name or "",
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                detail=e.detail,
            )
            for e, actor_name, approver_name in rows
        ]
