"""Sections for the service: the supervisor puts a waiter on each section for a service, the
waiter checks in at the station, and everyone can see who is on and who is late
(第5条 2①: waiters are at their stations half an hour before opening)."""

from __future__ import annotations

import enum
import math
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import Role, Section, SectionAssignment, Staff, StaffRole
from services import audit
from services.errors import DomainError, NotAllowed, NotFound
from services.people.staff import require_role
from services.permissions import Action, require
from services.service_day import (
    ServiceSlot,
    aware,
    current_slot,
    local_today,
    slot_of,
    slots_on,
)
from services.text import RecordId


class StationStatus(enum.StrEnum):
    ON_TIME = "on_time"  # checked in by the time stations were due
    CAME_LATE = "came_late"  # checked in, but after that
    MISSING = "missing"  # stations are due and nobody checked in
    EXPECTED = "expected"  # not due yet


def station_status(
    checked_in_at: datetime | None, due: datetime, now: datetime
) -> tuple[StationStatus, int]:
    """The status and, when late, by how many whole minutes (rounded up: 30 s late is late)."""
    if checked_in_at is not None:
        late = checked_in_at - due
        if late > timedelta(0):
            return StationStatus.CAME_LATE, math.ceil(late.total_seconds() / 60)
        return StationStatus.ON_TIME, 0
    if now > due:
        return StationStatus.MISSING, math.ceil((now - due).total_seconds() / 60)
    return StationStatus.EXPECTED, 0


class StationLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    section_id: int
    section_en: str
    section_zh: str
    waiter_id: int | None
    waiter_name: str
    waiter_number: str
    checked_in_at: datetime | None
    status: StationStatus | None  # None: nobody assigned
    late_minutes: int


class Roster(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: ServiceSlot
    lines: list[StationLine]


class AssignSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    section_id: RecordId
    waiter_id: RecordId
    # The service being staffed; the current one (or the next today) when left out.
    period_id: RecordId | None = None
    service_date: date | None = None


class CheckIn(BaseModel):
    """The waiter who has arrived at the station: the person signed in on the tablet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    waiter_id: RecordId


class CheckedIn(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: ServiceSlot
    checked_in_at: datetime
    status: StationStatus
    late_minutes: int
    sections_en: list[str]
    sections_zh: list[str]


def service_now(session: Session, at: datetime | None = None) -> ServiceSlot:
    slot = current_slot(session, at)
    if slot is None:
        raise DomainError("No service periods are set up, so there is no service to staff.")
    return slot


def _service(
    session: Session, period_id: int | None, day: date | None, at: datetime
) -> ServiceSlot:
    """The service named, or the current one; on the restaurant's local date."""
    if period_id is None:
        if day is not None:
            raise DomainError("Choose the service as well as the date.")
        return service_now(session, at)
    slot = slot_of(session, period_id, day or local_today(session, at))
    if slot is None:
        raise NotFound("No service period has id {id}.", id=period_id)
    return slot


def assign_section(
    store: Store, actor_id: int, command: AssignSection, at: datetime | None = None
) -> StationLine:
    """Put a waiter on a section for a service, replacing whoever had it."""
    at = aware(at)
    with store.write() as s:
        require(s, actor_id, Action.ASSIGN_SECTIONS)
        section = s.get(Section, command.section_id)
        if section is None:
            raise NotFound("No section has id {id}.", id=command.section_id)
        waiter = s.get(Staff, command.waiter_id)
        if waiter is None or not waiter.active:
            raise NotFound("No staff member has id {id}.", id=command.waiter_id)
        if Role.WAITER not in waiter.role_set:
            raise DomainError("{name} is not a waiter.", name=waiter.name)
        service = _service(s, command.period_id, command.service_date, at)
        row = s.scalar(
            select(SectionAssignment).where(
                SectionAssignment.service_date == service.service_date,
                SectionAssignment.service_period_id == service.period_id,
                SectionAssignment.section_id == section.id,
            )
        )
        before = row.waiter_id if row is not None else None
        # A waiter already at the station for another section is there for this one too.
        arrived = s.scalar(
            select(SectionAssignment.checked_in_at).where(
                SectionAssignment.service_date == service.service_date,
                SectionAssignment.service_period_id == service.period_id,
                SectionAssignment.waiter_id == waiter.id,
                SectionAssignment.checked_in_at.is_not(None),
            )
        )
        if row is None:
            row = SectionAssignment(
                service_date=service.service_date,
                service_period_id=service.period_id,
                section_id=section.id,
            )
            s.add(row)
        if before != waiter.id:
            row.waiter_id = waiter.id
            row.assigned_by_id = actor_id
            row.assigned_at = at
            row.checked_in_at = arrived
            s.flush()
            audit.record(
                s,
                action="station.assigned",
                object_type="section_assignment",
                object_id=row.id,
                actor_id=actor_id,
                section=section.code,
                waiter=waiter.number,
                replaced=before,
                service=service.code,
                service_date=service.service_date.isoformat(),
            )
        status, late = station_status(row.checked_in_at, service.stations_due, at)
        return StationLine(
            section_id=section.id,
            section_en=section.name_en,
            section_zh=section.name_zh,
            waiter_id=waiter.id,
            waiter_name=waiter.name,
            waiter_number=waiter.number,
            checked_in_at=row.checked_in_at,
            status=status,
            late_minutes=late,
        )


def check_in(
    store: Store, actor_id: int, command: CheckIn, at: datetime | None = None
) -> CheckedIn:
    """The waiter is at the station for the current service (第5条 2①). Checking in twice
    keeps the first time: lateness is judged by when they really arrived. Each waiter
    checks in for themselves, signed in on the tablet."""
    at = aware(at)
    with store.write() as s:
        waiter = require_role(s, actor_id, Role.WAITER)
        if waiter.id != command.waiter_id:
            raise NotAllowed("Each waiter checks in for themselves.")
        service = service_now(s, at)
        rows = s.execute(
            select(SectionAssignment, Section)
            .join(Section, Section.id == SectionAssignment.section_id)
            .where(
                SectionAssignment.service_date == service.service_date,
                SectionAssignment.service_period_id == service.period_id,
                SectionAssignment.waiter_id == waiter.id,
            )
            .order_by(Section.sort)
        ).all()
        if not rows:
            raise DomainError(
                "{name} has no section for this service yet: ask the supervisor to assign one.",
                name=waiter.name,
            )
        first = min((a.checked_in_at for a, _ in rows if a.checked_in_at), default=None)
        arrived = first or at
        for assignment, _section in rows:
            if assignment.checked_in_at is None:
                assignment.checked_in_at = arrived
        status, late = station_status(arrived, service.stations_due, at)
        if first is None:
            audit.record(
                s,
                action="station.checked_in",
                object_type="staff",
                object_id=waiter.id,
                actor_id=waiter.id,
                service=service.code,
                service_date=service.service_date.isoformat(),
                late_minutes=late,
            )
        return CheckedIn(
            service=service,
            checked_in_at=arrived,
            status=status,
            late_minutes=late,
            sections_en=[section.name_en for _, section in rows],
            sections_zh=[section.name_zh for _, section in rows],
        )


def station_roster(
    store: Store, at: datetime | None = None, period_id: int | None = None
) -> Roster:
    """Every section for a service today (the current one unless `period_id` says which),
    with its waiter and whether they are on."""
    at = aware(at)
    with store.read() as s:
        service = _service(s, period_id, None, at)
        rows = s.execute(
            select(Section, SectionAssignment, Staff)
            .outerjoin(
                SectionAssignment,
                (SectionAssignment.section_id == Section.id)
                & (SectionAssignment.service_date == service.service_date)
                & (SectionAssignment.service_period_id == service.period_id),
            )
            .outerjoin(Staff, Staff.id == SectionAssignment.waiter_id)
            .order_by(Section.sort, Section.id)
        ).all()
        lines = []
        for section, assignment, waiter in rows:
            status, late = (None, 0)
            if assignment is not None:
                status, late = station_status(assignment.checked_in_at, service.stations_due, at)
            lines.append(
                StationLine(
                    section_id=section.id,
                    section_en=section.name_en,
                    section_zh=section.name_zh,
                    waiter_id=waiter.id if waiter else None,
                    waiter_name=waiter.name if waiter else "",
                    waiter_number=waiter.number if waiter else "",
                    checked_in_at=assignment.checked_in_at if assignment else None,
                    status=status,
                    late_minutes=late,
                )
            )
        return Roster(service=service, lines=lines)


def waiters(store: Store) -> list[tuple[int, str, str]]:
    """(id, number, name) of every active waiter, for the supervisor's choice."""
    with store.read() as s:
        rows = s.execute(
            select(Staff.id, Staff.number, Staff.name)
            .where(Staff.active, Staff.roles.any(StaffRole.role == Role.WAITER.value))
            .order_by(Staff.number)
        ).all()
        return [(r.id, r.number, r.name) for r in rows]


def service_periods_today(store: Store, at: datetime | None = None) -> list[ServiceSlot]:
    """Today's services, for choosing which one to staff."""
    at = aware(at)
    with store.read() as s:
        return slots_on(s, local_today(s, at))
