"""Seating a party at the door or from the waitlist, and the party's way through the meal
until the guests leave (第5条, 第6条 ⑥, 第10条).

The party is the thing orders and bills hang on; moving it to other tables is in
services/table_changes.py, resetting the tables it leaves in services/table_reset.py.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy.orm import Session

from db.store import Store
from models import AT_TABLE, DiningTable, Party, PartyStage
from services import audit
from services.checklists.gate import require_seating_open
from services.errors import DomainError, NotFound
from services.floor.guest_input import PartyDetails, TableIds
from services.floor.occupancy import (
    Moved,
    load_tables,
    occupy,
    one_party_per_table,
    party_at_table,
    require_free,
    require_room,
    sitting_at,
    table_numbers,
    tables_of,
)
from services.floor.plan import section_waiters
from services.floor.stations import service_now
from services.floor.waitlist import (
    check_fits_restaurant,
    check_nobody_jumped,
    waiting_line,
)
from services.permissions import Action, require
from services.service_day import ServiceSlot, aware
from services.text import RecordId

# Who moves a party through its meal: later, the ordering and billing services.


class SeatParty(BaseModel):
    """Seat either a party from the waitlist (party_id) or one at the door (guests)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table_ids: TableIds
    party_id: RecordId | None = None
    guests: PartyDetails | None = None

    @model_validator(mode="after")
    def _one_party(self) -> SeatParty:
        if (self.party_id is None) == (self.guests is None):
            raise DomainError("Seat either a party from the waitlist or a party at the door.")
        return self


class Seated(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    size: int
    tables: list[str]
    waiter_id: int
    waiter_name: str
    waiter_number: str
    high_chair: bool


def _section_waiter(
    session: Session, service: ServiceSlot, table: DiningTable
) -> tuple[int, str, str]:
    waiter = section_waiters(session, service).get(table.section_id)
    if waiter is None:
        section = table.section
        raise DomainError(
            "Nobody works the section {section} this service: ask the supervisor to assign "
            "a waiter first.",
            section=section.name_en,
            section_zh=section.name_zh,
        )
    return waiter


def seat_party(
    store: Store, actor_id: int, command: SeatParty, at: datetime | None = None
) -> Seated:
    """One tap at the door: the party sits, the section's waiter has a new table."""
    at = aware(at)
    with one_party_per_table(), store.write() as s:
        require(s, actor_id, Action.SEAT_PARTY)
        require_seating_open(s, at)
        service = service_now(s, at)
        tables = load_tables(s, command.table_ids)
        line = waiting_line(s)
        if command.party_id is not None:
            party = s.get(Party, command.party_id)
            if party is None:
                raise NotFound("No party has id {id}.", id=command.party_id)
            if party.stage != PartyStage.WAITING:
                raise DomainError("That party is not waiting for a table any more.")
            ahead = [p for p in line if (p.arrived_at, p.id) < (party.arrived_at, party.id)]
        else:
            guests = command.guests
            assert guests is not None  # the command's own validator made sure
            check_fits_restaurant(s, guests.size)
            party = Party(
                name=guests.name,
                size=guests.size,
                children=guests.children,
                high_chair=guests.high_chair,
                note=guests.note,
                arrived_at=at,
                greeted_by_id=actor_id,
            )
            ahead = line  # a party at the door arrived after everyone waiting
        require_free(s, tables)
        require_room(tables, party.size)
        check_nobody_jumped(s, service, {t.id for t in tables}, party.size, ahead)
        waiter_id, waiter_name, waiter_number = _section_waiter(s, service, tables[0])
        party.stage = PartyStage.SEATED.value
        party.seated_at = at
        party.waiter_id = waiter_id
        s.add(party)
        s.flush()
        occupy(s, party, tables, actor_id, at)
        audit.record(
            s,
            action="party.seated",
            object_type="party",
            object_id=party.id,
            actor_id=actor_id,
            tables=table_numbers(tables),
            size=party.size,
            children=party.children,
            high_chair=party.high_chair,
            waiter=waiter_number,
            from_waitlist=command.party_id is not None,
            waited_seconds=int((at - party.arrived_at).total_seconds()),
        )
        return Seated(
            party_id=party.id,
            size=party.size,
            tables=table_numbers(tables),
            waiter_id=waiter_id,
            waiter_name=waiter_name,
            waiter_number=waiter_number,
            high_chair=party.high_chair,
        )


def advance_party(
    session: Session, party_id: int, stage: PartyStage | str, *, actor_id: int
) -> PartyStage:
    """Move a party on through its meal: ordered, eating, bill requested, paid.

    For the ordering and billing services, inside their own transaction. A party never
    goes back: asking for a stage it has reached or passed (a second round of orders
    while eating) changes nothing. Returns the stage the party is at afterwards.
    """
    require(session, actor_id, Action.ADVANCE_MEAL)
    try:
        wanted = PartyStage(stage)
    except ValueError:
        raise DomainError("{stage} is not a stage of a meal.", stage=stage) from None
    if wanted not in AT_TABLE[1:]:
        raise DomainError("{stage} is not a stage of a meal.", stage=wanted.value)
    party = party_at_table(session, party_id)
    now = PartyStage(party.stage)
    if AT_TABLE.index(wanted) <= AT_TABLE.index(now):
        return now
    party.stage = wanted.value
    audit.record(
        session,
        action="party.advanced",
        object_type="party",
        object_id=party.id,
        actor_id=actor_id,
        stage=wanted.value,
        was=now.value,
    )
    return wanted


class GuestsLeft(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId


def guests_left(
    store: Store, actor_id: int, command: GuestsLeft, at: datetime | None = None
) -> Moved:
    """The guests have paid and gone (never hurried: 第10条 ①). Their tables need resetting."""
    at = aware(at)
    with one_party_per_table(), store.write() as s:
        require(s, actor_id, Action.SEE_GUESTS_OFF)
        party = party_at_table(s, command.party_id)
        if party.stage != PartyStage.PAID:
            raise DomainError(
                "This party has not paid yet: the table is cleared only after the guests "
                "have paid and left."
            )
        occupancies = sitting_at(s, party)
        for occupancy in occupancies:
            occupancy.vacated_at = at
        party.stage = PartyStage.LEFT.value
        party.left_at = at
        numbers = table_numbers(tables_of(s, occupancies))
        audit.record(
            s,
            action="party.left",
            object_type="party",
            object_id=party.id,
            actor_id=actor_id,
            tables=numbers,
            minutes_at_table=int((at - (party.seated_at or at)).total_seconds() // 60),
        )
        return Moved(party_id=party.id, tables=[], released=numbers)
