"""Signing in, lockout, PIN changes and manager approval, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import AuditEvent, Role, Staff, utcnow
from services.errors import DomainError, NotAllowed, NotFound
from services.people import staff as staff_service
from services.people.approvals import manager_approval
from services.people.staff import ChangePin, NewStaff, ResetPin, SignIn
from tests.team_support import Team


@pytest.fixture
def team(store: Store) -> dict[str, int]:
    people = (
        ("M1", "Manager Ma", (Role.MANAGER,), "9090"),
        ("W1", "Waiter Wu", (Role.WAITER,), "1212"),
        ("S1", "Supervisor Su", (Role.SUPERVISOR, Role.CASHIER), "3434"),
    )
    return Team(store, people).ids


def _audit(store: Store, action: str) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


def _staff(store: Store, staff_id: int) -> Staff:
    with store.read() as s:
        staff = s.get(Staff, staff_id)
        assert staff is not None
        return staff


def test_right_pin_signs_in_with_roles(store: Store, team: dict[str, int]) -> None:
    user = staff_service.sign_in(store, SignIn(staff_id=team["S1"], pin="3434"))
    assert user.name == "Supervisor Su"
    assert user.roles == {Role.SUPERVISOR, Role.CASHIER}
    assert _audit(store, "staff.signed_in") == 1


def test_pin_is_stored_only_as_a_slow_salted_hash(store: Store, team: dict[str, int]) -> None:
    staff = _staff(store, team["W1"])
    assert staff.pin_hash.startswith("$argon2id$")
    assert "1212" not in staff.pin_hash
    with store.read() as s:
        details = s.scalars(select(AuditEvent.detail)).all()
    assert not any("1212" in d for d in details)


@pytest.mark.parametrize("pin", ["", "12", "123456789", "12a4", "１２３４", None, 1234, "12 34"])
def test_malformed_pin_changes_nothing(store: Store, team: dict[str, int], pin: object) -> None:
    before = _audit(store, "staff.sign_in_failed")
    with pytest.raises(DomainError, match="A PIN is 4 to 8 digits"):
        staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin=pin))
    assert _audit(store, "staff.sign_in_failed") == before
    assert _staff(store, team["W1"]).failed_pin_attempts == 0


def test_unknown_person_is_refused(store: Store, team: dict[str, int]) -> None:
    with pytest.raises(NotFound):
        staff_service.sign_in(store, SignIn(staff_id=999_999, pin="1212"))


def test_five_wrong_pins_lock_out_until_the_time_runs_out(
    store: Store, team: dict[str, int]
) -> None:
    now = utcnow()
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError, match=f"{left} {'try' if left == 1 else 'tries'} left"):
            staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin="0000"), now=now)
    with pytest.raises(DomainError, match="locked out for 5 min"):
        staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin="0000"), now=now)
    # Locked: the right PIN is refused too, and the refusal is audited.
    with pytest.raises(DomainError, match="locked out"):
        staff_service.sign_in(
            store, SignIn(staff_id=team["W1"], pin="1212"), now=now + timedelta(minutes=4)
        )
    assert _audit(store, "staff.sign_in_failed") == 5
    assert _audit(store, "staff.sign_in_refused_locked") == 1
    # After the lockout the right PIN works and the count starts again.
    user = staff_service.sign_in(
        store, SignIn(staff_id=team["W1"], pin="1212"), now=now + timedelta(minutes=6)
    )
    assert user.number == "W1"
    assert _staff(store, team["W1"]).failed_pin_attempts == 0


def test_reset_pin_lifts_a_lockout(store: Store, team: dict[str, int]) -> None:
    for _ in range(5):
        with pytest.raises(DomainError):
            staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin="0000"))
    staff_service.reset_pin(store, ResetPin(number="W1", pin="5656"))
    assert staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin="5656")).number == "W1"
    assert _audit(store, "staff.pin_reset") == 1


def test_adding_a_taken_number_changes_nothing(store: Store, team: dict[str, int]) -> None:
    with pytest.raises(DomainError, match="already taken"):
        staff_service.add_staff(
            store, NewStaff(number="W1", name="Someone", roles=[Role.WAITER], pin="1111")
        )
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Staff)) == 3


def test_names_with_emoji_and_sql_are_kept_verbatim(store: Store, team: dict[str, int]) -> None:
    name = "Robert'); DROP TABLE staff;-- 🍜"
    card = staff_service.add_staff(
        store, NewStaff(number="W9", name=name, roles=[Role.WAITER], pin="4321")
    )
    assert _staff(store, card.id).name == name
    assert len(staff_service.staff_for_sign_in(store)) == 4


def test_change_own_pin(store: Store, team: dict[str, int]) -> None:
    with pytest.raises(DomainError, match="current PIN is wrong"):
        staff_service.change_own_pin(
            store, team["W1"], ChangePin(current_pin="0000", new_pin="7878", repeated_pin="7878")
        )
    with pytest.raises(DomainError, match="differ"):
        staff_service.change_own_pin(
            store, team["W1"], ChangePin(current_pin="1212", new_pin="7878", repeated_pin="7879")
        )
    staff_service.change_own_pin(
        store, team["W1"], ChangePin(current_pin="1212", new_pin="7878", repeated_pin="7878")
    )
    assert staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin="7878")).number == "W1"
    assert _audit(store, "staff.pin_changed") == 1
    assert _audit(store, "staff.pin_change_refused") == 1


def test_only_a_managers_pin_approves(store: Store, team: dict[str, int]) -> None:
    approval = manager_approval(store, team["W1"], "9090", purpose="test")
    assert approval.manager_name == "Manager Ma"
    with pytest.raises(NotAllowed, match="not a manager's"):
        manager_approval(store, team["W1"], "3434", purpose="test")  # a supervisor's PIN
    assert _audit(store, "staff.approval_refused") == 1


def test_require_role(store: Store, team: dict[str, int]) -> None:
    with store.read() as s:
        assert staff_service.require_role(s, team["S1"], Role.CASHIER).number == "S1"
        with pytest.raises(NotAllowed, match="Waiter Wu may not do this"):
            staff_service.require_role(s, team["W1"], Role.MANAGER)
