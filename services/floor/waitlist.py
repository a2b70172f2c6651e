"""Which tables for which party: proposals at the door, and the waitlist, served strictly
in order of arrival (第6条 ⑥: first come, first served, no double standard).

The rule itself is in services/table_offers.py. The greeting screen shows what it offers,
and `seat_party` refuses any seating that would take what the line offers a party that
was here first, so a larger later party can never jump a smaller earlier one that fits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import Party, PartyStage
from services import audit
from services.errors import DomainError, NotFound
from services.floor.guest_input import PartyDetails, party_size
from services.floor.plan import (
    FreeTable,
    free_tables,
    number_key,
    section_waiters,
    total_seats,
    waiter_covers,
)
from services.floor.stations import service_now
from services.floor.table_offers import InLine, LineServed, join_for, offer_tables, rank_tables
from services.permissions import Action, require
from services.service_day import ServiceSlot, aware
from services.text import RecordId


class TableOffer(BaseModel):
    """One table, or tables to push together, with the waiter who would serve them."""

    model_config = ConfigDict(frozen=True)

    table_ids: list[int]
    numbers: list[str]
    seats: int
    section_en: str
    section_zh: str
    waiter_id: int
    waiter_name: str
    waiter_number: str
    waiter_covers: int

    @property
    def number(self) -> str:
        """What the greeter says: "12", or "5 + 9" for joined tables."""
        return " + ".join(self.numbers)


class WaitingParty(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    size: int
    children: int
    high_chair: bool
    note: str
    arrived_at: datetime
    offer: TableOffer | None


class Proposals(BaseModel):
    model_config = ConfigDict(frozen=True)

    size: int
    tables: list[TableOffer]
    # Only when no single table fits: tables to join, one choice per section.
    joined: list[TableOffer]
    # Nobody has a section this service: the greeter must get the supervisor first.
    no_waiters: bool
    # Earlier parties on the waitlist who were offered tables before this one.
    ahead: int


class _Floor:
    """What the offer rule needs, read once inside the caller's transaction."""

    def __init__(self, session: Session, service: ServiceSlot) -> None:
        self.tables = free_tables(session)
        waiters = section_waiters(session, service)
        self.staffing = {section: w[0] for section, w in waiters.items()}
        self.names = {w[0]: (w[1], w[2]) for w in waiters.values()}
        self.covers = waiter_covers(session)

    def serve(self, parties: Sequence[Party]) -> LineServed:
        line = [InLine(p.id, p.size) for p in parties]
        return offer_tables(line, self.tables, self.staffing, self.covers)

    def offer(self, tables: Sequence[FreeTable], covers: Mapping[int, int]) -> TableOffer:
        first = tables[0]
        waiter = self.staffing[first.section_id]
        name, number = self.names[waiter]
        return TableOffer(
            table_ids=[t.id for t in tables],
            numbers=sorted((t.number for t in tables), key=number_key),
            seats=sum(t.seats for t in tables),
            section_en=first.section_en,
            section_zh=first.section_zh,
            waiter_id=waiter,
            waiter_name=name,
            waiter_number=number,
            waiter_covers=covers.get(waiter, 0),
        )


def waiting_line(session: Session) -> list[Party]:
    return list(
        session.scalars(
            select(Party)
            .where(Party.stage == PartyStage.WAITING.value)
            .order_by(Party.arrived_at, Party.id)
        ).all()
    )


def check_nobody_jumped(
    session: Session, service: ServiceSlot, taking: set[int], size: int, ahead: Sequence[Party]
) -> None:
    """Refuse to let a party of `size` take the tables `taking` if that leaves a party that
    was here first without the tables the line would have offered it."""
    if not ahead or not taking:
        return
    floor = _Floor(session, service)
    before = floor.serve(ahead).offers
    taken = [t for t in floor.tables if t.id in taking]
    floor.tables = [t for t in floor.tables if t.id not in taking]
    # The waiter who gets this party is busier afterwards: the line sees that too.
    waiter = floor.staffing.get(taken[0].section_id) if taken else None
    if waiter is not None:
        floor.covers[waiter] = floor.covers.get(waiter, 0) + size
    after = floor.serve(ahead).offers
    for party in ahead:
        if party.id in before and party.id not in after:
            raise DomainError(
                "{name}, a party of {size}, was here first and fits table {number}: "
                "seat them first.",
                name=party.name,
                size=party.size,
                number=" + ".join(sorted((t.number for t in before[party.id]), key=number_key)),
            )


def propose_tables(store: Store, size: object, at: datetime | None = None) -> Proposals:
    """Tables for a party that has just walked in, after everyone already waiting."""
    size = party_size(size)
    at = aware(at)
    with store.read() as s:
        floor = _Floor(s, service_now(s, at))
        served = floor.serve(waiting_line(s))
        ranked = rank_tables(size, served.left, floor.staffing, served.load)
        joined = [] if ranked else join_for(size, served.left, floor.staffing, served.load)
        return Proposals(
            size=size,
            tables=[floor.offer([t], served.load) for t in ranked],
            joined=[floor.offer(c, served.load) for c in joined],
            no_waiters=not floor.staffing,
            ahead=len(served.offers),
        )


def waitlist(store: Store, at: datetime | None = None) -> list[WaitingParty]:
    """Everyone waiting, in order of arrival, each with the tables the line offers them."""
    at = aware(at)
    with store.read() as s:
        floor = _Floor(s, service_now(s, at))
        line = waiting_line(s)
        offers = floor.serve(line).offers
        return [
            WaitingParty(
                id=p.id,
                name=p.name,
                size=p.size,
                children=p.children,
                high_chair=p.high_chair,
                note=p.note,
                arrived_at=p.arrived_at,
                offer=floor.offer(offers[p.id], floor.covers) if p.id in offers else None,
            )
            for p in line
        ]


def check_fits_restaurant(session: Session, size: int) -> None:
    seats = total_seats(session)
    if size > seats:
        raise DomainError(
            "A party of {size} is more than the restaurant's {seats} seats.",
            size=size,
            seats=seats,
        )


def add_to_waitlist(
    store: Store, actor_id: int, guests: PartyDetails, at: datetime | None = None
) -> WaitingParty:
    """Nothing fits now: the party waits, and keeps its place by its arrival time."""
    at = aware(at)
    if not guests.name.strip():
        raise DomainError("Write a name for the waitlist, so the party can be called.")
    with store.write() as s:
        require(s, actor_id, Action.SEAT_PARTY)
        check_fits_restaurant(s, guests.size)
        party = Party(
            name=guests.name,
            size=guests.size,
            children=guests.children,
            high_chair=guests.high_chair,
            note=guests.note,
            stage=PartyStage.WAITING.value,
            arrived_at=at,
            greeted_by_id=actor_id,
        )
        s.add(party)
        s.flush()
        audit.record(
            s,
            action="party.waitlisted",
            object_type="party",
            object_id=party.id,
            actor_id=actor_id,
            size=party.size,
            name=party.name,
        )
        return WaitingParty(
            id=party.id,
            name=party.name,
            size=party.size,
            children=party.children,
            high_chair=party.high_chair,
            note=party.note,
            arrived_at=party.arrived_at,
            offer=None,
        )


class LeaveWaitlist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId


def leave_waitlist(
    store: Store, actor_id: int, command: LeaveWaitlist, at: datetime | None = None
) -> None:
    """The party went away before a table was free."""
    at = aware(at)
    with store.write() as s:
        require(s, actor_id, Action.SEAT_PARTY)
        party = s.get(Party, command.party_id)
        if party is None:
            raise NotFound("No party has id {id}.", id=command.party_id)
        if party.stage != PartyStage.WAITING:
            raise DomainError("{name} is not on the waitlist any more.", name=party.name)
        party.stage = PartyStage.LEFT_WAITLIST.value
        party.left_at = at
        audit.record(
            s,
            action="party.left_waitlist",
            object_type="party",
            object_id=party.id,
            actor_id=actor_id,
            waited_seconds=int((at - party.arrived_at).total_seconds()),
        )
