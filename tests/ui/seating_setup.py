"""Setting the demo restaurant's floor up for the seating UI tests, through the real
services: the manager's override of the inspection gate, sections staffed, and parties at
every stage of the meal for the screenshots."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from sqlalchemy import select

from db.store import Store
from models import DiningTable, PartyStage, Section, utcnow
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.errors import DomainError
from services.floor.guest_input import PartyDetails
from services.floor.seating import GuestsLeft, SeatParty, advance_party, guests_left, seat_party
from services.floor.stations import AssignSection, assign_section
from services.floor.table_reset import CloseTable, close_table
from services.service_day import ServiceSlot, current_slot, slots_on
from tests.demo_data import staff_by_number

MANAGER_PIN = "9999"  # 王建国 Wang Jianguo


def staff_ids(store: Store) -> dict[str, int]:
    """Everyone, signed in (the services act for sessions)."""
    return staff_by_number(store)


def _recent_services(store: Store, at: datetime) -> list[ServiceSlot]:
    """Every service today and yesterday (local): parties seated "an hour ago" just after
    midnight belong to yesterday's dinner."""
    with store.read() as s:
        slot = current_slot(s, at)
        assert slot is not None
        day = slot.service_date
        return [*slots_on(s, day - timedelta(days=1)), *slots_on(s, day)]


def open_gate_today(store: Store, at: datetime | None = None) -> None:
    """The manager overrides the pre-service inspection for every recent service, so the
    test does not depend on the hour it runs at."""
    manager = staff_ids(store)["M01"]
    for each in _recent_services(store, at or utcnow()):
        with contextlib.suppress(DomainError):  # already open for that service
            command = OverrideSeatingGate(manager_pin=MANAGER_PIN, reason="test")
            override_seating_gate(store, manager, command, at=each.opens)


def staff_sections(store: Store, plan: dict[str, str], at: datetime | None = None) -> None:
    """section code -> waiter number, for every recent service (through the supervisor)."""
    at = at or utcnow()
    ids = staff_ids(store)
    with store.read() as s:
        sections = {c.code: c.id for c in s.scalars(select(Section)).all()}
    for each in _recent_services(store, at):
        for code, waiter in plan.items():
            assign_section(
                store,
                ids["S02"],
                AssignSection(
                    section_id=sections[code],
                    waiter_id=ids[waiter],
                    period_id=each.period_id,
                    service_date=each.service_date,
                ),
                at=at,
            )


def table_ids(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {t.number: t.id for t in s.scalars(select(DiningTable)).all()}


def busy_floor(store: Store, plan: list[tuple[str, int, int, PartyStage | None]]) -> None:
    """(table number, guests, minutes ago, stage) for each party: seated that long ago and
    moved on to that stage; PartyStage.LEFT leaves the table waiting for a reset."""
    ids, tables = staff_ids(store), table_ids(store)
    now = utcnow()
    for number, size, minutes, stage in plan:
        at = now - timedelta(minutes=minutes)
        seated = seat_party(
            store,
            ids["G01"],
            SeatParty(
                table_ids=[tables[number]],
                guests=PartyDetails(size=size, children=1 if size > 4 else 0, high_chair=size > 4),
            ),
            at=at,
        )
        if stage is None:
            continue
        with store.write() as s:
            target = PartyStage.PAID if stage == PartyStage.LEFT else stage
            advance_party(s, seated.party_id, target, actor_id=ids["W01"])
        if stage == PartyStage.LEFT:
            left = GuestsLeft(party_id=seated.party_id)
            guests_left(store, ids["W01"], left, at=now - timedelta(minutes=4))


def out_of_service(store: Store, number: str, reason: str) -> None:
    command = CloseTable(table_id=table_ids(store)[number], reason=reason)
    close_table(store, staff_ids(store)["S02"], command)
