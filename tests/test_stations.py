"""Sections for the service: the supervisor assigns, the waiter checks in, the floor shows who
is on and who is late against being at the station half an hour before opening (第5条 2①).
And the floor refresh every tablet runs every few seconds is one query."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from db.store import Store
from models import ServicePeriod
from services.errors import DomainError, NotAllowed, NotFound
from services.floor.plan import floor_view
from services.floor.stations import (
    AssignSection,
    CheckIn,
    StationStatus,
    assign_section,
    check_in,
    service_periods_today,
    station_roster,
)
from services.service_day import ServiceSlot
from tests.seating_support import LUNCH, Floor, minutes

# 10:00 in Shanghai: lunch opens at 11:00, so stations are due at 10:30.
MORNING = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def morning(store: Store) -> Floor:
    return Floor(store, at=MORNING)


def roster(floor: Floor, at: datetime) -> dict[str, tuple[str, StationStatus | None, int]]:
    lines = station_roster(floor.store, at=at).lines
    return {line.section_en: (line.waiter_number, line.status, line.late_minutes) for line in lines}


def test_who_is_on_and_who_is_late(morning: Floor) -> None:
    floor = morning
    assert roster(floor, MORNING) == {
        "Main hall": ("W01", StationStatus.EXPECTED, 0),
        "Window": ("W02", StationStatus.EXPECTED, 0),
        "Private rooms": ("W03", StationStatus.EXPECTED, 0),
    }
    on_time = check_in(
        floor.store,
        floor.staff["W01"],
        CheckIn(waiter_id=floor.staff["W01"]),
        at=MORNING + minutes(20),
    )
    assert on_time.status == StationStatus.ON_TIME and on_time.sections_en == ["Main hall"]
    late = check_in(
        floor.store,
        floor.staff["W02"],
        CheckIn(waiter_id=floor.staff["W02"]),
        at=MORNING + minutes(41),
    )
    assert late.status == StationStatus.CAME_LATE and late.late_minutes == 11
    assert roster(floor, MORNING + minutes(45)) == {
        "Main hall": ("W01", StationStatus.ON_TIME, 0),
        "Window": ("W02", StationStatus.CAME_LATE, 11),
        "Private rooms": ("W03", StationStatus.MISSING, 15),
    }
    # The floor shows the same, from its one query.
    view = floor_view(floor.store, at=MORNING + minutes(45))
    assert [(s.waiter_number, s.station, s.late_minutes) for s in view.sections] == [
        ("W01", StationStatus.ON_TIME, 0),
        ("W02", StationStatus.CAME_LATE, 11),
        ("W03", StationStatus.MISSING, 15),
    ]
    # Checking in again keeps the first time.
    again = check_in(
        floor.store,
        floor.staff["W02"],
        CheckIn(waiter_id=floor.staff["W02"]),
        at=MORNING + minutes(50),
    )
    assert again.checked_in_at == MORNING + minutes(41) and again.late_minutes == 11


def test_reassigning_a_section_keeps_a_waiter_who_is_already_here(morning: Floor) -> None:
    floor = morning
    check_in(
        floor.store,
        floor.staff["W01"],
        CheckIn(waiter_id=floor.staff["W01"]),
        at=MORNING + minutes(10),
    )
    floor.assign("private", "W01", at=MORNING + minutes(15))
    lines = roster(floor, MORNING + minutes(35))
    assert lines["Private rooms"] == ("W01", StationStatus.ON_TIME, 0)


def test_a_waiter_without_a_section_is_told_to_ask_the_supervisor(morning: Floor) -> None:
    before = morning.snapshot()
    with pytest.raises(DomainError, match="周婷 Zhou Ting has no section for this service yet"):
        check_in(
            morning.store, morning.staff["W04"], CheckIn(waiter_id=morning.staff["W04"]), at=MORNING
        )
    with pytest.raises(NotAllowed):
        check_in(morning.store, morning.greeter, CheckIn(waiter_id=morning.greeter), at=MORNING)
    assert morning.snapshot() == before


@pytest.mark.parametrize("loose", [True, 0, -3, 2**31, 2**63, "7", 7.0, None])
def test_ids_that_no_screen_shows_are_refused_before_anything_is_written(loose: object) -> None:
    with pytest.raises(DomainError, match="Choose from what the screen shows"):
        CheckIn(waiter_id=loose)
    with pytest.raises(DomainError, match="Choose from what the screen shows"):
        AssignSection(section_id=loose, waiter_id=1)
    with pytest.raises(DomainError, match="Choose from what the screen shows"):
        AssignSection(section_id=1, waiter_id=1, period_id=loose if loose is not None else 0)


def test_the_roster_and_the_checklists_hold_one_service_type(morning: Floor) -> None:
    service = station_roster(morning.store, at=MORNING).service
    today = service_periods_today(morning.store, at=MORNING)
    assert isinstance(service, ServiceSlot) and all(isinstance(s, ServiceSlot) for s in today)
    assert service == today[0] and service.label == "Lunch 午市"
    assert service.stations_due == service.opens - minutes(30)
    with pytest.raises(ValueError, match="frozen"):
        service.code = "dinner"  # type: ignore[misc]


def test_only_a_supervisor_assigns_and_only_waiters(morning: Floor) -> None:
    store, staff, sections = morning.store, morning.staff, morning.sections
    before = morning.snapshot()
    with pytest.raises(NotAllowed):
        assign_section(
            store, staff["W01"], AssignSection(section_id=sections["hall"], waiter_id=staff["W01"])
        )
    with pytest.raises(DomainError, match="赵敏 Zhao Min is not a waiter"):
        assign_section(
            store,
            staff["S01"],
            AssignSection(section_id=sections["hall"], waiter_id=staff["C01"]),
            at=MORNING,
        )
    with pytest.raises(NotFound, match="No section has id 99"):
        assign_section(
            store, staff["S01"], AssignSection(section_id=99, waiter_id=staff["W01"]), at=MORNING
        )
    with pytest.raises(NotFound, match="No service period has id 99"):
        assign_section(
            store,
            staff["S01"],
            AssignSection(section_id=sections["hall"], waiter_id=staff["W01"], period_id=99),
            at=MORNING,
        )
    assert morning.snapshot() == before


def test_dinner_is_staffed_separately_from_lunch(morning: Floor) -> None:
    with morning.store.read() as s:
        dinner = s.scalar(select(ServicePeriod.id).where(ServicePeriod.code == "dinner"))
    assert dinner is not None
    assign_section(
        morning.store,
        morning.supervisor,
        AssignSection(
            section_id=morning.sections["hall"],
            waiter_id=morning.staff["W04"],
            period_id=dinner,
            service_date=date(2026, 3, 3),
        ),
        at=MORNING,
    )
    evening = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 17:00 local
    assert roster(morning, evening)["Main hall"][0] == "W04"
    assert roster(morning, MORNING)["Main hall"][0] == "W01"


def test_the_floor_refresh_is_one_query(store: Store) -> None:
    floor = Floor(store)
    floor.seat(4, "1")
    floor.seat(14, "VIP1", "VIP2")
    first = floor_view(store, at=LUNCH)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        again = floor_view(store, service=first.service, at=LUNCH + minutes(1))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
    assert again.tables == first.tables and len(again.tables) == 26
