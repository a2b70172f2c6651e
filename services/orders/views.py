"""A party's order as the order screen, the read-back and the tickets see it (第7条).

Every service that changes an order answers with a fresh `OrderView` read in its own
transaction, so the screen always redraws from what the store holds, never from a copy it
kept and changed itself.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from itertools import groupby

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.store import Store
from models import (
    AT_TABLE,
    Allergen,
    Course,
    DiningTable,
    OrderLine,
    OrderSend,
    Party,
    PartyStage,
    Restaurant,
    Staff,
    TableOccupancy,
)
from services.errors import NotFound
from services.floor.plan import number_key
from services.menu.catalog import ChosenModifier
from services.printing.tickets import Person, TicketLine, TicketModifier
from services.service_day import restaurant_zone

# A party is ordering from seating until it has paid.
ORDERING_STAGES: tuple[PartyStage, ...] = AT_TABLE[:-1]


class LineView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    version: int
    item_id: int
    name_en: str
    name_zh: str
    station: str
    course_id: int
    course_code: str
    course_name_en: str
    course_name_zh: str
    course_sort: int
    seat: int | None  # None: for the whole table
    quantity: int
    unit_price_minor: int
    modifiers: tuple[ChosenModifier, ...]
    allergens: tuple[Allergen, ...]
    note: str
    added_by: str
    added_at: datetime
    send_number: int | None
    sent_at: datetime | None
    voided_at: datetime | None
    voided_by: str
    void_approved_by: str
    void_reason: str

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.quantity

    @property
    def sent(self) -> bool:
        return self.send_number is not None

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    def ticket_line(self) -> TicketLine:
        return TicketLine(
            seat=self.seat,
            course_code=self.course_code,
            course_name_en=self.course_name_en,
            course_name_zh=self.course_name_zh,
            course_sort=self.course_sort,
            quantity=self.quantity,
            name_en=self.name_en,
            name_zh=self.name_zh,
            modifiers=tuple(
                TicketModifier(
                    name_en=m.name_en, name_zh=m.name_zh, price_delta_minor=m.price_delta_minor
                )
                for m in self.modifiers
            ),
            note=self.note,
            allergens=self.allergens,
            unit_price_minor=self.unit_price_minor,
            line_total_minor=self.total_minor,
        )


class SeatGroup(BaseModel):
    model_config = ConfigDict(frozen=True)

    seat: int | None
    lines: tuple[LineView, ...]


class CourseGroup(BaseModel):
    """The read-back (第7条 ④): one course, its seats in order, the table's shared dishes
    last."""

    model_config = ConfigDict(frozen=True)

    course_code: str
    course_name_en: str
    course_name_zh: str
    seats: tuple[SeatGroup, ...]


class OrderView(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    stage: PartyStage
    table_label: str
    guests: int
    waiter_name: str
    waiter_number: str
    order_date: date  # the restaurant's local date the party sat down
    seated_at: datetime | None
    sends: int
    currency: str
    currency_exponent: int
    timezone: str
    lines: tuple[LineView, ...]

    @property
    def total_minor(self) -> int:
        """What the guests owe for so far: every line not voided, sent or not yet."""
        return sum(line.total_minor for line in self.lines if not line.voided)

    @property
    def new_lines(self) -> tuple[LineView, ...]:
        return tuple(line for line in self.lines if not line.sent)

    @property
    def new_total_minor(self) -> int:
        return sum(line.total_minor for line in self.new_lines)

    def line(self, line_id: int) -> LineView | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def read_back(self) -> tuple[CourseGroup, ...]:
        """The new lines by course (in the order they go out), then by seat."""
        ordered = sorted(
            self.new_lines,
            key=lambda line: (line.course_sort, line.course_id, _seat_key(line.seat), line.id),
        )
        groups: list[CourseGroup] = []
        for _course, in_course in groupby(ordered, key=lambda line: line.course_id):
            course_lines = list(in_course)
            first = course_lines[0]
            seats = tuple(
                SeatGroup(seat=seat, lines=tuple(lines))
                for seat, lines in groupby(course_lines, key=lambda line: line.seat)
            )
            groups.append(
                CourseGroup(
                    course_code=first.course_code,
                    course_name_en=first.course_name_en,
                    course_name_zh=first.course_name_zh,
                    seats=seats,
                )
            )
        return tuple(groups)


def _seat_key(seat: int | None) -> int:
    return 1000 if seat is None else seat


class CourseChoice(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    code: str
    name_en: str
    name_zh: str
    sort: int


def staff_label(staff: Staff | None) -> str:
    return name_label(staff.name, staff.number) if staff is not None else ""


def name_label(name: str | None, number: str | None) -> str:
    """ "Zhang Wei (W01)", or "" where nobody is named (a line never voided)."""
    return f"{name} ({number})" if name is not None else ""


def person(staff: Staff) -> Person:
    return Person(name=staff.name, number=staff.number)


def table_label(session: Session, party_id: int) -> str:
    """The tables the party sits at now, "7" or "12 + 13" when tables are joined."""
    numbers = session.scalars(
        select(DiningTable.number)
        .join(TableOccupancy, TableOccupancy.table_id == DiningTable.id)
        .where(
            TableOccupancy.party_id == party_id,
            TableOccupancy.reset_at.is_(None),
            TableOccupancy.vacated_at.is_(None),
        )
    ).all()
    return " + ".join(sorted(numbers, key=number_key)) or "-"


def order_in(session: Session, party_id: int) -> OrderView:
    """The order inside the caller's transaction."""
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("No party has id {id}.", id=party_id)
    restaurant = session.get(Restaurant, 1)
    zone = restaurant_zone(session)
    # Names as columns, not Staff rows: loading a person's row also loads their roles, and
    # the order needs only "name (number)" of the waiter and of who added, voided, approved.
    waiter = (
        session.execute(select(Staff.name, Staff.number).where(Staff.id == party.waiter_id)).first()
        if party.waiter_id is not None
        else None
    )
    added_by, voided_by, approved_by = aliased(Staff), aliased(Staff), aliased(Staff)
    rows = session.execute(
        select(
            OrderLine,
            Course,
            OrderSend.number,
            OrderSend.sent_at,
            added_by.name,
            added_by.number,
            voided_by.name,
            voided_by.number,
            approved_by.name,
            approved_by.number,
        )
        .join(Course, Course.id == OrderLine.course_id)
        .join(added_by, added_by.id == OrderLine.added_by_id)
        .outerjoin(OrderSend, OrderSend.id == OrderLine.send_id)
        .outerjoin(voided_by, voided_by.id == OrderLine.voided_by_id)
        .outerjoin(approved_by, approved_by.id == OrderLine.void_approved_by_id)
        .where(OrderLine.party_id == party_id)
        .order_by(OrderLine.id)
    ).all()
    lines = tuple(
        LineView(
            id=line.id,
            version=line.version,
            item_id=line.item_id,
            name_en=line.name_en,
            name_zh=line.name_zh,
            station=line.station,
            course_id=course.id,
            course_code=course.code,
            course_name_en=course.name_en,
            course_name_zh=course.name_zh,
            course_sort=course.sort,
            seat=line.seat,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            modifiers=tuple(ChosenModifier(**m) for m in json.loads(line.modifiers)),
            allergens=tuple(Allergen(a) for a in line.allergens.split(",") if a),
            note=line.note,
            added_by=name_label(added_name, added_number),
            added_at=line.added_at,
            send_number=send_number,
            sent_at=sent_at,
            voided_at=line.voided_at,
            voided_by=name_label(voided_name, voided_number),
            void_approved_by=name_label(approved_name, approved_number),
            void_reason=line.void_reason,
        )
        for (
            line,
            course,
            send_number,
            sent_at,
            added_name,
            added_number,
            voided_name,
            voided_number,
            approved_name,
            approved_number,
        ) in rows
    )
    sends = len({line.send_number for line in lines if line.send_number is not None})
    seated = party.seated_at or party.arrived_at
    return OrderView(
        party_id=party.id,
        stage=PartyStage(party.stage),
        table_label=table_label(session, party.id),
        guests=party.size,
        waiter_name=waiter.name if waiter is not None else "",
        waiter_number=waiter.number if waiter is not None else "",
        order_date=seated.astimezone(zone).date(),
        seated_at=party.seated_at,
        sends=sends,
        currency=restaurant.currency if restaurant else "CNY",
        currency_exponent=restaurant.currency_exponent if restaurant else 2,
        timezone=str(zone),
        lines=lines,
    )


def order_view(store: Store, party_id: int) -> OrderView:
    with store.read() as s:
        return order_in(s, party_id)


def course_choices(store: Store) -> list[CourseChoice]:
    with store.read() as s:
        courses = s.scalars(select(Course).order_by(Course.sort, Course.id)).all()
        return [CourseChoice.model_validate(c) for c in courses]
