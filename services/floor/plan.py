"""The floor as the greeter sees it: every table with its state, party, waiter and time.

A table's state is derived here from the party on it (and from an open out-of-service
record), never stored on the table. `floor_view` reads the whole floor in one query, so
every tablet can refresh it every few seconds.
"""

from __future__ import annotations

import enum
import re
from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.store import Store
from models import (
    AT_TABLE,
    DiningTable,
    Party,
    PartyStage,
    Section,
    SectionAssignment,
    Staff,
    TableClosure,
    TableOccupancy,
)
from services.floor.stations import StationStatus, service_now, station_status
from services.i18n import N_
from services.service_day import ServiceSlot, aware


class TableState(enum.StrEnum):
    FREE = "free"
    SEATED = "seated"
    ORDERED = "ordered"
    EATING = "eating"
    BILL_REQUESTED = "bill_requested"
    PAID = "paid"
    NEEDS_RESET = "needs_reset"
    OUT_OF_SERVICE = "out_of_service"


# English words for each state; screens translate them (marked N_ for the extractor).
STATE_WORDS: dict[TableState, str] = {
    TableState.FREE: N_("Free"),
    TableState.SEATED: N_("Seated"),
    TableState.ORDERED: N_("Ordered"),
    TableState.EATING: N_("Eating"),
    TableState.BILL_REQUESTED: N_("Bill requested"),
    TableState.PAID: N_("Paid"),
    TableState.NEEDS_RESET: N_("Needs reset"),
    TableState.OUT_OF_SERVICE: N_("Out of service"),
}


def table_state(stage: str | None, vacated: bool, closed: bool) -> TableState:
    """What a table is doing, from the party on it (if any) and an open closure."""
    if stage is None:
        return TableState.OUT_OF_SERVICE if closed else TableState.FREE
    if vacated or stage == PartyStage.LEFT:
        return TableState.NEEDS_RESET
    return TableState(stage)


def number_key(number: str) -> tuple[tuple[int, int | str], ...]:
    """Table numbers in the order people count them: 2 before 10, VIP1 after the digits."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", number)
        if part
    )


class TableView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    section_id: int
    section_en: str
    section_zh: str
    seats: int
    shape: str
    x: int
    y: int
    width: int
    height: int
    state: TableState
    out_of_service_reason: str = ""
    party_id: int | None = None
    party_name: str = ""
    party_size: int = 0
    children: int = 0
    high_chair: bool = False
    note: str = ""
    waiter_id: int | None = None
    waiter_name: str = ""
    waiter_number: str = ""
    seated_at: datetime | None = None
    # When the guests left it: how long it has been waiting for a reset.
    vacated_at: datetime | None = None
    # The other tables joined to this one for the same party.
    joined_with: tuple[str, ...] = ()


class SectionView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name_en: str
    name_zh: str
    waiter_id: int | None
    waiter_name: str
    waiter_number: str
    station: StationStatus | None
    late_minutes: int


class FloorView(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: ServiceSlot
    at: datetime
    tables: list[TableView]
    sections: list[SectionView]
    # Parties on the waitlist.
    waiting: int

    def table(self, table_id: int) -> TableView | None:
        return next((t for t in self.tables if t.id == table_id), None)


def floor_view(
    store: Store, service: ServiceSlot | None = None, at: datetime | None = None
) -> FloorView:
    """The whole floor. Pass back the `service` of the previous view to refresh in exactly
    one query (the service only changes when it closes)."""
    at = aware(at)
    party_waiter = aliased(Staff)
    section_waiter = aliased(Staff)
    with store.read() as s:
        if service is None or at >= service.closes:
            service = service_now(s, at)
        # Columns, not entities: Staff would load its roles in a second query.
        rows = s.execute(
            select(
                DiningTable.id,
                DiningTable.number,
                DiningTable.seats,
                DiningTable.shape,
                DiningTable.x,
                DiningTable.y,
                DiningTable.width,
                DiningTable.height,
                Section.id.label("section_id"),
                Section.name_en.label("section_en"),
                Section.name_zh.label("section_zh"),
                TableOccupancy.vacated_at,
                Party.id.label("party_id"),
                Party.name.label("party_name"),
                Party.size,
                Party.children,
                Party.high_chair,
                Party.note,
                Party.stage,
                Party.seated_at,
                party_waiter.id.label("waiter_id"),
                party_waiter.name.label("waiter_name"),
                party_waiter.number.label("waiter_number"),
                TableClosure.reason.label("closed_reason"),
                TableClosure.id.label("closure_id"),
                section_waiter.id.label("sw_id"),
                section_waiter.name.label("sw_name"),
                section_waiter.number.label("sw_number"),
                SectionAssignment.checked_in_at,
                # Carried on every row so the greeter's "n waiting" costs no second query.
                select(func.count())
                .where(Party.stage == PartyStage.WAITING.value)
                .scalar_subquery()
                .label("waiting"),
            )
            .join(Section, Section.id == DiningTable.section_id)
            .outerjoin(
                TableOccupancy,
                (TableOccupancy.table_id == DiningTable.id) & TableOccupancy.reset_at.is_(None),
            )
            .outerjoin(Party, Party.id == TableOccupancy.party_id)
            .outerjoin(party_waiter, party_waiter.id == Party.waiter_id)
            .outerjoin(
                TableClosure,
                (TableClosure.table_id == DiningTable.id) & TableClosure.reopened_at.is_(None),
            )
            .outerjoin(
                SectionAssignment,
                (SectionAssignment.section_id == Section.id)
                & (SectionAssignment.service_date == service.service_date)
                & (SectionAssignment.service_period_id == service.period_id),
            )
            .outerjoin(section_waiter, section_waiter.id == SectionAssignment.waiter_id)
            .order_by(Section.sort, Section.id, DiningTable.id)
        ).all()

    # Only guests still sitting count: a table they left behind shows "needs reset" alone.
    sitting = [r for r in rows if r.party_id is not None and r.vacated_at is None]
    by_party: dict[int, list[str]] = defaultdict(list)
    for r in sitting:
        by_party[r.party_id].append(r.number)
    tables: list[TableView] = []
    sections: dict[int, SectionView] = {}
    for r in rows:
        state = table_state(r.stage, r.vacated_at is not None, r.closure_id is not None)
        party = {}
        if r.party_id is not None and r.vacated_at is None:
            party = {
                "party_id": r.party_id,
                "party_name": r.party_name,
                "party_size": r.size,
                "children": r.children,
                "high_chair": r.high_chair,
                "note": r.note,
                "waiter_id": r.waiter_id,
                "waiter_name": r.waiter_name or "",
                "waiter_number": r.waiter_number or "",
                "seated_at": r.seated_at,
                "joined_with": tuple(
                    sorted((n for n in by_party[r.party_id] if n != r.number), key=number_key)
                ),
            }
        tables.append(
            TableView(
                id=r.id,
                number=r.number,
                section_id=r.section_id,
                section_en=r.section_en,
                section_zh=r.section_zh,
                seats=r.seats,
                shape=r.shape,
                x=r.x,
                y=r.y,
                width=r.width,
                height=r.height,
                state=state,
                out_of_service_reason=r.closed_reason or "",
                vacated_at=r.vacated_at,
                **party,
            )
        )
        if r.section_id not in sections:
            station, late = (None, 0)
            if r.sw_id is not None:
                station, late = station_status(r.checked_in_at, service.stations_due, at)
            sections[r.section_id] = SectionView(
                id=r.section_id,
                name_en=r.section_en,
                name_zh=r.section_zh,
                waiter_id=r.sw_id,
                waiter_name=r.sw_name or "",
                waiter_number=r.sw_number or "",
                station=station,
                late_minutes=late,
            )
    return FloorView(
        service=service,
        at=at,
        tables=tables,
        sections=list(sections.values()),
        waiting=rows[0].waiting if rows else 0,
    )


# ---- the same facts inside a write transaction, for the services that change the floor ----


class FreeTable(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    seats: int
    section_id: int
    section_sort: int
    section_en: str
    section_zh: str
    # Where it stands, so tables joined for a large party are neighbours.
    x: int = 0
    y: int = 0
    width: int = 1
    height: int = 1
    # A private room (包间): offered only when asked for or when nothing else fits.
    private_room: bool = False


# The sections whose tables are private rooms (包间). Sections carry no flag of their own
# yet (that is a schema change): until then the section coded "private" holds the rooms,
# as in the demo restaurant's floor.toml.
PRIVATE_ROOM_SECTIONS = frozenset({"private"})


def free_tables(session: Session) -> list[FreeTable]:
    """Tables with no party on them (not even one waiting for a reset) and in service."""
    busy = select(TableOccupancy.table_id).where(TableOccupancy.reset_at.is_(None))
    closed = select(TableClosure.table_id).where(TableClosure.reopened_at.is_(None))
    rows = session.execute(
        select(
            DiningTable.id,
            DiningTable.number,
            DiningTable.seats,
            DiningTable.section_id,
            Section.sort,
            Section.name_en,
            Section.name_zh,
            Section.code,
            DiningTable.x,
            DiningTable.y,
            DiningTable.width,
            DiningTable.height,
        )
        .join(Section, Section.id == DiningTable.section_id)
        .where(DiningTable.id.not_in(busy), DiningTable.id.not_in(closed))
    ).all()
    return [
        FreeTable(
            id=r.id,
            number=r.number,
            seats=r.seats,
            section_id=r.section_id,
            section_sort=r.sort,
            section_en=r.name_en,
            section_zh=r.name_zh,
            x=r.x,
            y=r.y,
            width=r.width,
            height=r.height,
            private_room=r.code in PRIVATE_ROOM_SECTIONS,
        )
        for r in rows
    ]


def section_waiters(session: Session, service: ServiceSlot) -> dict[int, tuple[int, str, str]]:
    """section id -> (waiter id, name, number) for the service."""
    rows = session.execute(
        select(SectionAssignment.section_id, Staff.id, Staff.name, Staff.number)
        .join(Staff, Staff.id == SectionAssignment.waiter_id)
        .where(
            SectionAssignment.service_date == service.service_date,
            SectionAssignment.service_period_id == service.period_id,
        )
    ).all()
    return {r.section_id: (r.id, r.name, r.number) for r in rows}


def waiter_covers(session: Session) -> dict[int, int]:
    """Guests each waiter is looking after right now (the parties at their tables)."""
    rows = session.execute(
        select(Party.waiter_id, func.sum(Party.size))
        .where(Party.stage.in_([s.value for s in AT_TABLE]), Party.waiter_id.is_not(None))
        .group_by(Party.waiter_id)
    ).all()
    return {waiter_id: int(total) for waiter_id, total in rows}


def total_seats(session: Session) -> int:
    return int(session.scalar(select(func.sum(DiningTable.seats))) or 0)
