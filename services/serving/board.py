"""What a kitchen screen shows (第8条 ①: 按顺序，不插队): the fired tickets in turn.

Built in a fixed handful of queries whatever the number of tickets (the tickets with their
course, party and sender; their lines; the parties' tables now; the station thresholds):
no lazy load in a loop.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from models import (
    Course,
    DiningTable,
    MenuItem,
    OrderLine,
    Party,
    PartyCourse,
    Staff,
    StationTicket,
    StationTicketLine,
    StationTiming,
    TableOccupancy,
)
from services.floor.plan import number_key

# The stations order lines carry (menu_category.station in assets/demo/menu.toml).
STATIONS: tuple[str, ...] = ("hot_kitchen", "cold_kitchen", "pastry", "bar")
# When a station has set nothing: amber after 10 minutes, red after 20.
DEFAULT_AMBER_SECONDS = 10 * 60
DEFAULT_RED_SECONDS = 20 * 60


class KitchenItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_id: int
    name_en: str
    name_zh: str
    quantity: int
    seat: int | None
    choices: list[str]  # as printed: "Dried plums 话梅"
    # The same choices as (English, Chinese) pairs: a screen shows the reader's one.
    choice_names: list[tuple[str, str]] = []
    note: str
    allergens: list[str]
    hot: bool
    voided: bool  # shown struck through: do not make
    ready: bool


class KitchenTicket(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    station: str
    table_label: str  # the party's table now
    moved_from: str  # "" unless the party moved after the course fired
    order_ref: str
    guests: int
    course_name_en: str
    course_name_zh: str
    items: list[KitchenItem]
    sent_by: str
    fired_at: datetime
    rush: bool
    rush_by: str
    age_seconds: int
    age_level: str  # "ok" | "amber" | "red"
    bumped_at: datetime | None
    version: int
    party_id: int = 0
    course_id: int = 0


class KitchenBoard(BaseModel):
    model_config = ConfigDict(frozen=True)

    station: str | None  # None: every station, for the pass
    tickets: list[KitchenTicket]  # open: rush first, then the oldest fired first
    recent: list[KitchenTicket]  # the last bumped, newest first (for a recall)
    all_day: list[tuple[str, str, int]]  # (name_en, name_zh, portions still to cook)
    marker: int


def thresholds(session: Session) -> dict[str, tuple[int, int]]:
    return {
        row.station: (row.amber_seconds, row.red_seconds)
        for row in session.scalars(select(StationTiming)).all()
    }


def age_level(age: int, limits: tuple[int, int]) -> str:
    amber, red = limits
    return "red" if age >= red else "amber" if age >= amber else "ok"


def tables_now(session: Session, party_ids: set[int]) -> dict[int, str]:
    numbers: dict[int, list[str]] = defaultdict(list)
    for party_id, number in session.execute(
        select(TableOccupancy.party_id, DiningTable.number)
        .join(DiningTable, DiningTable.id == TableOccupancy.table_id)
        .where(
            TableOccupancy.party_id.in_(party_ids),
            TableOccupancy.reset_at.is_(None),
            TableOccupancy.vacated_at.is_(None),
        )
    ).all():
        numbers[party_id].append(number)
    return {pid: " + ".join(sorted(n, key=number_key)) for pid, n in numbers.items()}


def _choice_names(modifiers: str) -> list[tuple[str, str]]:
    return [(m["name_en"], m.get("name_zh", "")) for m in json.loads(modifiers)]


def _choices(modifiers: str) -> list[str]:
    return [f"{en} {zh}".strip() for en, zh in _choice_names(modifiers)]


def load_tickets(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    at: datetime,
    order_by: Sequence[ColumnElement[object]] = (),
    limit: int | None = None,
) -> list[KitchenTicket]:
    query = (
        select(StationTicket, PartyCourse.course_id, Course, Party.size, Staff.name)
        .join(PartyCourse, PartyCourse.id == StationTicket.party_course_id)
        .join(Course, Course.id == PartyCourse.course_id)
        .join(Party, Party.id == StationTicket.party_id)
        .join(Staff, Staff.id == StationTicket.fired_by_id)
        .where(*where)
        .order_by(*order_by, StationTicket.id)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    if not rows:
        return []
    ids = [row[0].id for row in rows]
    items: dict[int, list[KitchenItem]] = defaultdict(list)
    for tl, line, hot in session.execute(
        select(StationTicketLine, OrderLine, MenuItem.hot)
        .join(OrderLine, OrderLine.id == StationTicketLine.line_id)
        .join(MenuItem, MenuItem.id == OrderLine.item_id)
        .where(StationTicketLine.ticket_id.in_(ids))
        .order_by(OrderLine.seat, OrderLine.id)
    ).all():
        items[tl.ticket_id].append(
            KitchenItem(
                line_id=line.id,
                name_en=line.name_en,
                name_zh=line.name_zh,
                quantity=line.quantity,
                seat=line.seat,
                choices=_choices(line.modifiers),
                choice_names=_choice_names(line.modifiers),
                note=line.note,
                allergens=[a for a in line.allergens.split(",") if a],
                hot=bool(hot),
                voided=line.voided_at is not None,
                ready=tl.ready_at is not None,
            )
        )
    tables = tables_now(session, {row[0].party_id for row in rows})
    limits = thresholds(session)
    tickets = []
    for ticket, course_id, course, guests, sender in rows:
        now = tables.get(ticket.party_id, ticket.table_label)
        end = ticket.bumped_at or at
        age = max(0, int((end - ticket.fired_at).total_seconds()))
        tickets.append(
            KitchenTicket(
                id=ticket.id,
                station=ticket.station,
                table_label=now,
                moved_from=ticket.table_label if now != ticket.table_label else "",
                order_ref=ticket.order_ref,
                guests=guests,
                course_name_en=course.name_en,
                course_name_zh=course.name_zh,
                items=items[ticket.id],
                sent_by=sender,
                fired_at=ticket.fired_at,
                rush=ticket.rush,
                rush_by=ticket.rush_by,
                age_seconds=age,
                age_level=age_level(
                    age,
                    limits.get(ticket.station, (DEFAULT_AMBER_SECONDS, DEFAULT_RED_SECONDS)),
                ),
                bumped_at=ticket.bumped_at,
                version=ticket.version,
                party_id=ticket.party_id,
                course_id=course_id,
            )
        )
    return tickets


def ticket_view(session: Session, ticket_id: int, at: datetime) -> KitchenTicket:
    return load_tickets(session, [StationTicket.id == ticket_id], at)[0]


def all_day(tickets: list[KitchenTicket]) -> list[tuple[str, str, int]]:
    """Each dish still to cook across the open tickets, most portions first."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for ticket in tickets:
        for item in ticket.items:
            if not item.voided and not item.ready:
                counts[(item.name_en, item.name_zh)] += item.quantity
    return sorted(
        ((en, zh, n) for (en, zh), n in counts.items()), key=lambda row: (-row[2], row[0])
    )
