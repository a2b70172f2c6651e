"""Fails the supervisor passed up to the manager (第3条 ⑦: 不能解决的问题及时向上级反映).
They stay in the manager's attention list until the manager resolves them with a note."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import (
    ChecklistEscalation,
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    ServicePeriod,
    Staff,
    utcnow,
)
from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_
from services.permissions import Action, require
from services.text import NOTE_MAX, RecordId, required_text


class EscalationView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    run_id: int
    run_title_en: str
    run_title_zh: str
    service_name_en: str
    service_name_zh: str
    service_date: date
    item_position: int
    item_text_en: str
    item_text_zh: str
    critical: bool
    note: str
    photo: str | None
    raised_by: str
    raised_at: datetime
    resolved_by: str = ""
    resolved_at: datetime | None = None
    resolution_note: str = ""


class ResolveEscalation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    escalation_id: RecordId
    note: Annotated[
        str,
        required_text(NOTE_MAX, N_("Write a note saying how it was resolved."), multi_line=True),
    ]


def _view(s: Session, escalation: ChecklistEscalation) -> EscalationView:
    tick = s.get(ChecklistTick, escalation.tick_id)
    assert tick is not None  # the foreign key guarantees it
    item = s.get(ChecklistRunItem, tick.item_id)
    run = s.get(ChecklistRun, escalation.run_id)
    assert item is not None and run is not None
    period = s.get(ServicePeriod, run.service_period_id)
    raiser = s.get(Staff, escalation.raised_by_id)
    resolver = s.get(Staff, escalation.resolved_by_id) if escalation.resolved_by_id else None
    return EscalationView(
        id=escalation.id,
        run_id=run.id,
        run_title_en=run.title_en,
        run_title_zh=run.title_zh,
        service_name_en=period.name_en if period else "",
        service_name_zh=period.name_zh if period else "",
        service_date=run.service_date,
        item_position=item.position,
        item_text_en=item.text_en,
        item_text_zh=item.text_zh,
        critical=item.critical,
        note=tick.note,
        photo=tick.photo_path,
        raised_by=raiser.name if raiser else "",
        raised_at=escalation.raised_at,
        resolved_by=resolver.name if resolver else "",
        resolved_at=escalation.resolved_at,
        resolution_note=escalation.resolution_note,
    )


def open_escalations(store: Store, viewer_id: int) -> list[EscalationView]:
    """Unresolved escalations, oldest first: the manager works them in the order raised."""
    with store.read() as s:
        require(s, viewer_id, Action.RESOLVE_ESCALATION)
        rows = s.scalars(
            select(ChecklistEscalation)
            .where(ChecklistEscalation.resolved_at.is_(None))
            .order_by(ChecklistEscalation.raised_at, ChecklistEscalation.id)
        ).all()
        return [_view(s, e) for e in rows]


def resolve_escalation(store: Store, actor_id: int, command: ResolveEscalation) -> EscalationView:
    note = command.note
    try:
        with store.write() as s:
            manager = require(s, actor_id, Action.RESOLVE_ESCALATION)
            escalation = s.get(ChecklistEscalation, command.escalation_id)
            if escalation is None:
                raise NotFound("Unknown escalation.")
            if escalation.resolved_at is not None:
                resolver = s.get(Staff, escalation.resolved_by_id)
                raise DomainError(
                    "This escalation was already resolved by {name}.",
                    name=resolver.name if resolver else "",
                )
            escalation.resolved_by_id = manager.id
            escalation.resolved_at = utcnow()
            escalation.resolution_note = note
            s.flush()
            audit.record(
                s,
                action="checklist.escalation_resolved",
                object_type="checklist_escalation",
                object_id=escalation.id,
                actor_id=manager.id,
                run_id=escalation.run_id,
                note=note,
            )
            return _view(s, escalation)
    except StaleDataError as exc:
        raise Conflict(
            "Another tablet resolved this escalation at the same moment. The list was reloaded."
        ) from exc
