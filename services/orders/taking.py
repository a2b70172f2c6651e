"""Taking the order at the table (第7条): adding a line, changing or removing a line not yet
sent. Sending is in services/order_sending.py, voiding a sent line in services/order_voids.py.

Each add is its own insert, made idempotent by an id the tablet makes: two waiters adding to
one table both keep their lines (odoo/odoo#138664), and a retried add is one line. A change
or a removal names the line's version as the tablet saw it; if another tablet changed the
line since, it is refused with a Conflict and the screen reloads, never overwriting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import Course, OrderLine, Party, PartyStage
from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_, Plural
from services.menu.catalog import CheckedLine, check_line_choice, check_note, check_quantity
from services.orders.views import ORDERING_STAGES, OrderView, order_in
from services.permissions import Action, require
from services.service_day import aware
from services.text import RecordId

# Who takes orders: the waiters, and the supervisor or manager helping out on the floor.
MAX_SEAT = 99
LINE_CHANGED = N_("This line was just changed on another tablet; the order has been reloaded.")
# A client-made id: a uuid, as the tablet makes it (never typed by a person).
ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,40}$")]


def _seat(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEAT:
        raise DomainError("A seat is a guest's number from 1, or the whole table.")
    return value


Quantity = Annotated[int, BeforeValidator(check_quantity)]
Seat = Annotated[int | None, BeforeValidator(_seat)]
Note = Annotated[str, BeforeValidator(check_note)]
# Ids and versions the screen took from what it showed: services/text.py's one rule.
Id = RecordId


class AddLine(BaseModel):
    """A dish for a seat (or the table), with its choices and a note for the kitchen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_line_id: ClientId
    party_id: Id
    item_id: Id
    quantity: Quantity = 1
    modifier_ids: tuple[Id, ...] = ()
    seat: Seat = None
    # None: the course the dish belongs to on the menu.
    course_id: Id | None = None
    note: Note = ""


class ChangeLine(BaseModel):
    """A new line's quantity, seat, course, choices and note, as they should now be."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: Id
    version: Id
    quantity: Quantity
    modifier_ids: tuple[Id, ...] = ()
    seat: Seat = None
    course_id: Id
    note: Note = ""


class RemoveLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: Id
    version: Id


# ---- shared by the order services --------------------------------------------------------


@contextmanager
def line_guard() -> Iterator[None]:
    """Another tablet wrote the same line between our read and our write: say so plainly."""
    try:
        yield
    except StaleDataError as exc:
        raise Conflict(LINE_CHANGED) from exc


def ordering_party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("No party has id {id}.", id=party_id)
    if party.stage == PartyStage.PAID:
        raise DomainError("This party has paid: its order is closed.")
    if party.stage not in ORDERING_STAGES:
        raise DomainError("That party is not at a table.")
    return party


def line_to_change(session: Session, line_id: int, version: int) -> OrderLine:
    """The line as the tablet saw it, or a Conflict: gone or changed since."""
    line = session.get(OrderLine, line_id)
    if line is None or line.version != version:
        raise Conflict(LINE_CHANGED)
    return line


def check_seat(party: Party, seat: int | None) -> None:
    if seat is not None and seat > party.size:
        raise DomainError(
            Plural(
                "Seat {seat} is not at this table: the party has {size} guest.",
                "Seat {seat} is not at this table: the party has {size} guests.",
                "size",
            ),
            seat=seat,
            size=party.size,
        )


def _course_id(session: Session, course_id: int | None, checked: CheckedLine) -> int:
    if course_id is None:
        return checked.course_id
    if session.get(Course, course_id) is None:
        raise NotFound("That course is not on the menu.")
    return course_id


def _modifiers_json(checked: CheckedLine) -> str:
    return json.dumps([m.model_dump() for m in checked.modifiers], ensure_ascii=False)


def modifier_ids(line: OrderLine) -> list[int]:
    return [int(m["id"]) for m in json.loads(line.modifiers)]


def _line_facts(line: OrderLine) -> dict[str, object]:
    """What the audit log keeps of a line, enough to know what it was after it is gone."""
    return {
        "line": line.id,
        "item": line.item_id,
        "name": line.name_en,
        "quantity": line.quantity,
        "seat": line.seat,
        "course": line.course_id,
        "note": line.note,
        "modifiers": modifier_ids(line),
        "unit_price_minor": line.unit_price_minor,
    }


# ---- what a waiter does -------------------------------------------------------------------


def add_line(
    store: Store, actor_id: int, command: AddLine, at: datetime | None = None
) -> OrderView:
    """Tap a dish: it goes on the order as a new line, not yet sent."""
    at = aware(at)
    try:
        with store.write() as s:
            require(s, actor_id, Action.TAKE_ORDER)
            earlier = _added_before(s, command)
            if earlier is not None:
                return earlier
            party = ordering_party(s, command.party_id)
            checked = check_line_choice(
                s, command.item_id, command.quantity, list(command.modifier_ids)
            )
            check_seat(party, command.seat)
            line = OrderLine(
                client_line_id=command.client_line_id,
                party_id=party.id,
                item_id=checked.item_id,
                course_id=_course_id(s, command.course_id, checked),
                seat=command.seat,
                quantity=checked.quantity,
                name_en=checked.name_en,
                name_zh=checked.name_zh,
                station=checked.station,
                unit_price_minor=checked.unit_price_minor,
                modifiers=_modifiers_json(checked),
                allergens=",".join(a.value for a in checked.allergens),
                note=command.note,
                added_at=at,
                added_by_id=actor_id,
            )
            s.add(line)
            s.flush()
            audit.record(
                s,
                action="order.line_added",
                object_type="order_line",
                object_id=line.id,
                actor_id=actor_id,
                party=party.id,
                **_line_facts(line),
            )
            return order_in(s, party.id)
    except IntegrityError:
        # The same add reached the store twice at once (a retry racing the first try).
        with store.read() as s:
            earlier = _added_before(s, command)
        if earlier is None:
            raise
        return earlier


def _added_before(session: Session, command: AddLine) -> OrderView | None:
    line = session.scalar(
        select(OrderLine).where(OrderLine.client_line_id == command.client_line_id)
    )
    if line is None:
        return None
    if line.party_id != command.party_id:
        raise Conflict("That line was already added to another table's order.")
    return order_in(session, line.party_id)


def change_line(store: Store, actor_id: int, command: ChangeLine) -> OrderView:
    """Change a line that is not sent yet. A sent line is never changed: void it."""
    with line_guard(), store.write() as s:
        require(s, actor_id, Action.TAKE_ORDER)
        line = line_to_change(s, command.line_id, command.version)
        party = ordering_party(s, line.party_id)
        if line.sent:
            raise DomainError(
                "This line was already sent to the kitchen: void it and add the right one."
            )
        checked = check_line_choice(s, line.item_id, command.quantity, list(command.modifier_ids))
        check_seat(party, command.seat)
        before = _line_facts(line)
        line.course_id = _course_id(s, command.course_id, checked)
        line.seat = command.seat
        line.quantity = checked.quantity
        line.unit_price_minor = checked.unit_price_minor
        line.modifiers = _modifiers_json(checked)
        line.note = command.note
        s.flush()
        audit.record(
            s,
            action="order.line_changed",
            object_type="order_line",
            object_id=line.id,
            actor_id=actor_id,
            party=party.id,
            before=before,
            after=_line_facts(line),
        )
        return order_in(s, party.id)


def remove_line(store: Store, actor_id: int, command: RemoveLine) -> OrderView:
    """Take off a line that was never sent: the kitchen never saw it, so it goes (audited).
    A sent line is refused here, and by the database itself."""
    with line_guard(), store.write() as s:
        require(s, actor_id, Action.TAKE_ORDER)
        line = line_to_change(s, command.line_id, command.version)
        party = ordering_party(s, line.party_id)
        if line.sent:
            raise DomainError(
                "This line was already sent to the kitchen: void it instead, with a "
                "manager's approval."
            )
        audit.record(
            s,
            action="order.line_removed",
            object_type="order_line",
            object_id=line.id,
            actor_id=actor_id,
            party=party.id,
            **_line_facts(line),
        )
        s.delete(line)
        s.flush()
        return order_in(s, party.id)
