"""The seating gate: closed until the current service's pre-service inspection is signed,
or a manager overrides it with a reason (recorded with both people and audited)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from db.store import Store
from models import AuditEvent
from services.checklists.gate import (
    OverrideSeatingGate,
    SeatingClosed,
    override_seating_gate,
    require_seating_open,
    seating_gate_status,
)
from services.checklists.sign_off import SignOff, sign_off_run
from services.errors import DomainError, NotAllowed
from services.service_day import current_slot
from tests.checklist_support import (
    AFTER_DINNER,
    BEFORE_LUNCH,
    BETWEEN_SERVICES,
    DURING_LUNCH,
    Kitchen,
    kitchen,
)

_ = kitchen  # a fixture, used by name


@pytest.mark.parametrize(
    ("at", "service", "day"),
    [
        (BEFORE_LUNCH, "lunch", date(2026, 3, 3)),
        (DURING_LUNCH, "lunch", date(2026, 3, 3)),
        (BETWEEN_SERVICES, "dinner", date(2026, 3, 3)),
        (AFTER_DINNER, "dinner", date(2026, 3, 3)),
        # 01:00 in Shanghai is already the next local day, though UTC is still the 3rd.
        (datetime(2026, 3, 3, 17, 0, tzinfo=UTC), "lunch", date(2026, 3, 4)),
    ],
)
def test_the_current_service_follows_the_restaurants_clock(
    kitchen: Kitchen, at: datetime, service: str, day: date
) -> None:
    with kitchen.store.read() as s:
        slot = current_slot(s, at)
    assert slot is not None and (slot.code, slot.service_date) == (service, day)


def test_seating_is_closed_until_the_inspection_is_signed(kitchen: Kitchen) -> None:
    store = kitchen.store
    status = seating_gate_status(store, BEFORE_LUNCH)
    assert not status.open and "has not been started" in status.why
    assert status.service_code == "lunch" and status.service_date == date(2026, 3, 3)
    with store.read() as s, pytest.raises(SeatingClosed, match="not been started"):
        require_seating_open(s, BEFORE_LUNCH)

    run = kitchen.start()
    status = seating_gate_status(store, BEFORE_LUNCH)
    assert not status.open and status.why_params["done"] == 0
    assert status.why_params["total"] == len(run.items)

    run = kitchen.pass_all(run)
    # Every item ticked is not enough: the supervisor must sign.
    with store.read() as s, pytest.raises(SeatingClosed, match="not signed off"):
        require_seating_open(s, DURING_LUNCH)

    sign_off_run(store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888"), at=BEFORE_LUNCH)
    with store.read() as s:
        require_seating_open(s, DURING_LUNCH)
    status = seating_gate_status(store, DURING_LUNCH)
    assert status.open and status.signed_by == "李娜 Li Na"
    # Dinner is another service: its own inspection is still due.
    with store.read() as s, pytest.raises(SeatingClosed):
        require_seating_open(s, BETWEEN_SERVICES)


def test_a_signed_cleaning_list_does_not_open_seating(kitchen: Kitchen) -> None:
    run = kitchen.pass_all(kitchen.start("pre_service_cleaning"))
    sign_off_run(kitchen.store, kitchen.supervisor, SignOff(run_id=run.id, pin="8888"))
    assert not seating_gate_status(kitchen.store, BEFORE_LUNCH).open


def test_a_manager_override_opens_seating_and_records_both_people(kitchen: Kitchen) -> None:
    store = kitchen.store
    info = override_seating_gate(
        store,
        kitchen.supervisor,
        OverrideSeatingGate(
            manager_pin="9999", reason="  Engineer fixing the AC; guests waiting  "
        ),
        DURING_LUNCH,
    )
    assert info.manager == "王建国 Wang Jianguo" and info.requested_by == "李娜 Li Na"
    assert info.reason == "Engineer fixing the AC; guests waiting"
    with store.read() as s:
        require_seating_open(s, DURING_LUNCH)
        event = s.scalar(
            select(AuditEvent).where(AuditEvent.action == "checklist.seating_gate_overridden")
        )
    assert event is not None
    assert (event.actor_id, event.approver_id) == (kitchen.supervisor, kitchen.manager)
    assert json.loads(event.detail)["reason"] == info.reason
    status = seating_gate_status(store, DURING_LUNCH)
    assert status.open and status.override is not None and "overrode" in status.why
    # Only for that service on that day.
    assert not seating_gate_status(store, BETWEEN_SERVICES).open


@pytest.mark.parametrize(
    ("pin", "reason", "error", "message"),
    [
        ("8888", "Guests waiting", NotAllowed, "not a manager's"),  # the supervisor's own PIN
        ("1111", "Guests waiting", NotAllowed, "not a manager's"),  # a waiter's
        ("0000", "Guests waiting", NotAllowed, "not a manager's"),
        ("99", "Guests waiting", DomainError, "4 to 8 digits"),
        ("9999", "", DomainError, "Write a reason"),
        ("9999", "   ", DomainError, "Write a reason"),
        ("9999", "x" * 501, DomainError, "at most 500 characters"),
    ],
)
def test_an_override_without_a_manager_or_a_reason_is_refused_and_changes_nothing(
    kitchen: Kitchen, pin: str, reason: str, error: type[DomainError], message: str
) -> None:
    before = kitchen.counts()
    with pytest.raises(error, match=message):
        command = OverrideSeatingGate(manager_pin=pin, reason=reason)
        override_seating_gate(kitchen.store, kitchen.supervisor, command, DURING_LUNCH)
    # A wrong manager PIN is itself recorded (services/people); nothing about the gate is.
    kitchen.assert_unchanged(before)
    assert not seating_gate_status(kitchen.store, DURING_LUNCH).open


def test_an_override_of_an_open_gate_is_refused(kitchen: Kitchen) -> None:
    late = OverrideSeatingGate(manager_pin="9999", reason="Late delivery")
    override_seating_gate(kitchen.store, kitchen.supervisor, late, DURING_LUNCH)
    before = kitchen.counts()
    with pytest.raises(DomainError, match="already open"):
        again = OverrideSeatingGate(manager_pin="9999", reason="Again")
        override_seating_gate(kitchen.store, kitchen.manager, again, DURING_LUNCH)
    assert kitchen.counts() == before


def test_a_restaurant_without_services_keeps_seating_closed(store: Store) -> None:
    with store.read() as s, pytest.raises(SeatingClosed, match="no service periods"):
        require_seating_open(s, DURING_LUNCH)
