"""Shared pieces for the seating tests: the demo restaurant open for lunch, its people and
tables by what is painted on them, and a snapshot of the store to prove that a refusal
changed nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import (
    AuditEvent,
    DiningTable,
    FoundItem,
    Party,
    Section,
    SectionAssignment,
    TableClosure,
    TableOccupancy,
)
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.floor.guest_input import PartyDetails
from services.floor.seating import Seated, SeatParty, seat_party
from services.floor.stations import AssignSection, assign_section
from tests.database_support import install_demo, scene
from tests.demo_data import staff_by_number

# The demo restaurant is in Asia/Shanghai (UTC+8): lunch 11:00-14:00, dinner 17:00-21:30.
LUNCH = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)  # 12:00 local
MANAGER_PIN = "9999"  # 王建国 Wang Jianguo, the demo manager

SEATING_TABLES = (
    Party,
    TableOccupancy,
    TableClosure,
    SectionAssignment,
    FoundItem,
    AuditEvent,
)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


class Floor:
    """The demo restaurant at lunch: inspection overridden by the manager, and the three
    sections staffed (hall W01, window W02, private rooms W03). Built once per backend and
    arguments, then copied (a scene: tests/database_support.py)."""

    @scene
    def __init__(
        self, store: Store, at: datetime = LUNCH, staffed: bool = True, gate_open: bool = True
    ) -> None:
        self.store = store
        self.at = at
        install_demo(store)
        self.staff = staff_by_number(store)
        with store.read() as s:
            self.tables = {t.number: t.id for t in s.scalars(select(DiningTable)).all()}
            self.sections = {c.code: c.id for c in s.scalars(select(Section)).all()}
        if gate_open:
            command = OverrideSeatingGate(manager_pin=MANAGER_PIN, reason="test")
            override_seating_gate(store, self.staff["M01"], command, at=at)
        if staffed:
            for code, waiter in (("hall", "W01"), ("window", "W02"), ("private", "W03")):
                self.assign(code, waiter)

    @property
    def greeter(self) -> int:
        return self.staff["G01"]

    @property
    def supervisor(self) -> int:
        return self.staff["S02"]

    @property
    def manager(self) -> int:
        return self.staff["M01"]

    def assign(self, section: str, waiter: str, at: datetime | None = None) -> None:
        assign_section(
            self.store,
            self.supervisor,
            AssignSection(section_id=self.sections[section], waiter_id=self.staff[waiter]),
            at=at or self.at,
        )

    def seat(
        self, size: int, *numbers: str, at: datetime | None = None, **details: object
    ) -> Seated:
        return seat_party(
            self.store,
            self.greeter,
            SeatParty(
                table_ids=[self.tables[n] for n in numbers],
                guests=PartyDetails(size=size, **details),
            ),
            at=at or self.at,
        )

    def snapshot(self) -> dict[str, object]:
        """Row counts and every party's and occupancy's state, to compare before/after."""
        with self.store.read() as s:
            counts = {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in SEATING_TABLES
            }
            parties = s.execute(select(Party.id, Party.stage, Party.version)).all()
            occupancies = s.execute(
                select(TableOccupancy.id, TableOccupancy.vacated_at, TableOccupancy.reset_at)
            ).all()
        return {"counts": counts, "parties": sorted(parties), "occupancies": sorted(occupancies)}


@pytest.fixture
def floor(store: Store) -> Floor:
    return Floor(store)
