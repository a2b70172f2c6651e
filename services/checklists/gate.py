"""The seating gate: guests are seated only once the day's pre-service inspection (第3条)
for the current service is signed off, or a manager has overridden it with a reason.

Seating code calls `require_seating_open(session, at)` inside its own write transaction,
so the check and the seating are one unit of work.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    SeatingGateOverride,
    Staff,
    utcnow,
)
from services import audit
from services.checklists.templates import ChecklistKind
from services.errors import Conflict, DomainError
from services.i18n import N_
from services.people.approvals import manager_approval, still_manager
from services.people.sessions import acting_staff
from services.service_day import ServiceSlot, current_slot
from services.text import REASON_MAX, required_text


class SeatingClosed(DomainError):
    """Seating refused: the pre-service inspection is not signed and nobody overrode it."""


class GateOverrideInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    service_date: date
    service_code: str
    service_name_en: str
    service_name_zh: str
    requested_by_id: int
    requested_by: str
    manager_id: int
    manager: str
    reason: str
    at: datetime


class GateStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    open: bool
    # An English sentence with {fields}, translated by the screen like an error.
    why: str
    why_params: dict[str, Any]
    service_code: str = ""
    service_name_en: str = ""
    service_name_zh: str = ""
    service_date: date | None = None
    signed_by: str = ""
    signed_at: datetime | None = None
    override: GateOverrideInfo | None = None


def override_info(
    session: Session, row: SeatingGateOverride, slot: ServiceSlot
) -> GateOverrideInfo:
    requester = session.get(Staff, row.requested_by_id)
    manager = session.get(Staff, row.manager_id)
    return GateOverrideInfo(
        id=row.id,
        service_date=row.service_date,
        service_code=slot.code,
        service_name_en=slot.name_en,
        service_name_zh=slot.name_zh,
        requested_by_id=row.requested_by_id,
        requested_by=requester.name if requester else "",
        manager_id=row.manager_id,
        manager=manager.name if manager else "",
        reason=row.reason,
        at=row.at,
    )


def _find_override(session: Session, slot: ServiceSlot) -> SeatingGateOverride | None:
    return session.scalar(
        select(SeatingGateOverride).where(
            SeatingGateOverride.service_date == slot.service_date,
            SeatingGateOverride.service_period_id == slot.period_id,
        )
    )


def _inspection_runs(session: Session, slot: ServiceSlot) -> list[ChecklistRun]:
    return list(
        session.scalars(
            select(ChecklistRun)
            .where(
                ChecklistRun.kind == ChecklistKind.PRE_SERVICE_INSPECTION.value,
                ChecklistRun.service_date == slot.service_date,
                ChecklistRun.service_period_id == slot.period_id,
            )
            .order_by(ChecklistRun.id)
        ).all()
    )


def _progress(session: Session, run: ChecklistRun) -> tuple[int, int]:
    total = session.scalar(
        select(func.count()).select_from(ChecklistRunItem).where(ChecklistRunItem.run_id == run.id)
    )
    done = session.scalar(
        select(func.count(func.distinct(ChecklistTick.item_id))).where(
            ChecklistTick.run_id == run.id
        )
    )
    return int(done or 0), int(total or 0)


def gate_status(session: Session, at: datetime | None = None) -> GateStatus:
    """The gate as seen inside a caller's session (for services that show it)."""
    slot = current_slot(session, at)
    if slot is None:
        return GateStatus(
            open=False, why=N_("Seating is closed: no service periods are set up."), why_params={}
        )
    where = {
        "service_code": slot.code,
        "service_name_en": slot.name_en,
        "service_name_zh": slot.name_zh,
        "service_date": slot.service_date,
    }
    # Both names as fields of their own: the screen shows the reader's (issue 12: never
    # "2026-12-02 Lunch 午市 的餐前检查" on a Chinese screen).
    fields: dict[str, Any] = {
        "service": slot.name_en,
        "service_zh": slot.name_zh,
        "date": slot.service_date.isoformat(),
    }
    override = _find_override(session, slot)
    if override is not None:
        info = override_info(session, override, slot)
        return GateStatus(
            open=True,
            why=N_("Seating is open for {service}: manager {manager} overrode the inspection."),
            why_params={**fields, "manager": info.manager},
            override=info,
            **where,
        )
    runs = _inspection_runs(session, slot)
    if not runs:
        return GateStatus(
            open=False,
            why=N_(
                "Seating is closed: the pre-service inspection for {service} on {date} "
                "has not been started."
            ),
            why_params=fields,
            **where,
        )
    unsigned = [r for r in runs if r.signed_at is None]
    if unsigned:
        done, total = _progress(session, unsigned[0])
        return GateStatus(
            open=False,
            why=N_(
                "Seating is closed: the pre-service inspection for {service} on {date} "
                "is not signed off yet ({done} of {total} ticked)."
            ),
            why_params={**fields, "done": done, "total": total},
            **where,
        )
    last = max(runs, key=lambda r: r.signed_at or r.started_at)
    signer = session.get(Staff, last.signed_by_id) if last.signed_by_id else None
    signer_name = signer.name if signer else ""
    return GateStatus(
        open=True,
        why=N_(
            "Seating is open for {service}: the pre-service inspection was signed off by {name}."
        ),
        why_params={**fields, "name": signer_name},
        signed_by=signer_name,
        signed_at=last.signed_at,
        **where,
    )


def require_seating_open(session: Session, at: datetime | None = None) -> None:
    """Raise SeatingClosed unless the current service's inspection is signed or overridden."""
    status = gate_status(session, at)
    if not status.open:
        raise SeatingClosed(status.why, **status.why_params)


def seating_gate_status(store: Store, at: datetime | None = None) -> GateStatus:
    with store.read() as s:
        return gate_status(s, at)


def _typed_pin(value: object) -> str:
    # The PIN's own rules (digits, length, tries) are the approval's; here only that it is
    # something typed, so a wrong kind of value reads a sentence too.
    if not isinstance(value, str):
        raise DomainError("A PIN is 4 to 8 digits.")
    return value


class OverrideSeatingGate(BaseModel):
    """The manager's own PIN, typed on this tablet now, and why seating opens unsigned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manager_pin: Annotated[str, BeforeValidator(_typed_pin)]
    reason: Annotated[str, required_text(REASON_MAX, N_("Write a reason."))]


def override_seating_gate(
    store: Store, actor_id: int, command: OverrideSeatingGate, at: datetime | None = None
) -> GateOverrideInfo:
    """Open seating for the current service without a signed inspection (第3条): the
    manager's own PIN, entered now, and a reason; both people are recorded and audited."""
    reason = command.reason
    # The PIN is checked (and a wrong one counted) before the write transaction opens.
    approval = manager_approval(
        store, actor_id, command.manager_pin, purpose="seating_gate_override"
    )
    try:
        with store.write() as s:
            # Anyone signed in may ask; the manager's PIN is the permission.
            actor = acting_staff(s, actor_id)
            manager = still_manager(s, approval.manager_id)
            slot = current_slot(s, at)
            if slot is None:
                raise DomainError("Seating is closed: no service periods are set up.")
            status = gate_status(s, at)
            if status.open:
                raise DomainError(
                    "Seating is already open for {service}.",
                    service=slot.name_en,
                    service_zh=slot.name_zh,
                )
            row = SeatingGateOverride(
                service_period_id=slot.period_id,
                service_date=slot.service_date,
                requested_by_id=actor.id,
                manager_id=manager.id,
                reason=reason,
                at=at or utcnow(),
            )
            s.add(row)
            s.flush()
            audit.record(
                s,
                action="checklist.seating_gate_overridden",
                object_type="seating_gate_override",
                object_id=row.id,
                actor_id=actor.id,
                approver_id=manager.id,
                service=slot.code,
                service_date=slot.service_date.isoformat(),
                reason=reason,
            )
            return override_info(s, row, slot)
    except IntegrityError as exc:
        # Two tablets overriding the same service at once: the first one counts.
        raise Conflict("Another tablet overrode the seating gate at the same moment.") from exc
