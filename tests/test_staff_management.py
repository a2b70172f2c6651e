"""A manager manages the team on the tablet: add, roles, PIN reset, lockout, deactivate;
each needs a manager's PIN and is audited with both people. SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from db.store import Store
from models import AuditEvent, Role
from services.errors import Conflict, DomainError, NotAllowed
from services.people import management as m
from services.people import staff as staff_service
from tests.demo_data import demo, staff_id

_ = demo
MANAGER_PIN = "9999"


def _events(store: Store, action: str) -> list[AuditEvent]:
    """Oldest first. Without the ORDER BY, PostgreSQL returns rows in whatever order its
    pages hold them, and a reused test database's freed space can put a new row first."""
    with store.read() as s:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(s.scalars(query).all())


def _sign_in(store: Store, person: int, pin: str) -> staff_service.SignedIn:
    return staff_service.sign_in(store, staff_service.SignIn(staff_id=person, pin=pin))


def _line(store: Store, number: str) -> m.StaffLine:
    manager = staff_id(store, "M01")
    return next(p for p in m.staff_list(store, manager) if p.number == number)


def test_a_manager_adds_a_person_who_can_then_sign_in(demo: Store) -> None:
    manager = staff_id(demo, "M01")
    command = m.AddPerson(
        number="w05", name=" 吴静 Wu Jing ", roles=["waiter"], pin="5050", manager_pin="9999"
    )
    added = m.add_person(demo, manager, command)
    assert (added.number, added.name, added.roles) == ("W05", "吴静 Wu Jing", (Role.WAITER,))
    assert _sign_in(demo, added.id, "5050").name == "吴静 Wu Jing"
    (event,) = _events(demo, "staff.created")[-1:]
    assert event.actor_id == manager and event.approver_id == manager
    assert "5050" not in event.detail
    with pytest.raises(DomainError, match="already taken"):
        m.add_person(demo, manager, command)


def test_a_wrong_manager_pin_changes_nothing(demo: Store) -> None:
    manager = staff_id(demo, "M01")
    command = m.AddPerson(number="W06", name="Wu", roles=["waiter"], pin="5050", manager_pin="1111")
    with pytest.raises(NotAllowed, match="not a manager's"):
        m.add_person(demo, manager, command)
    assert all(p.number != "W06" for p in m.staff_list(demo, manager))
    assert _events(demo, "staff.created")[-1].detail.find("W06") == -1


def test_only_a_manager_manages_staff(demo: Store) -> None:
    supervisor = staff_id(demo, "S01")
    with pytest.raises(NotAllowed):
        m.staff_list(demo, supervisor)
    command = m.AddPerson(number="W07", name="Wu", roles=["waiter"], pin="5050", manager_pin="9999")
    with pytest.raises(NotAllowed):
        m.add_person(demo, supervisor, command)


def test_roles_are_set_and_the_last_manager_keeps_the_role(demo: Store) -> None:
    manager = staff_id(demo, "M01")
    chen = _line(demo, "S02")
    changed = m.set_roles(
        demo,
        manager,
        m.SetRoles(
            staff_id=chen.id,
            version=chen.version,
            roles=["waiter", "supervisor"],
            manager_pin="9999",
        ),
    )
    assert changed.roles == (Role.WAITER, Role.SUPERVISOR) and changed.version > chen.version
    detail = json.loads(_events(demo, "staff.roles_set")[0].detail)
    assert detail["before"] == ["supervisor"] and detail["after"] == ["waiter", "supervisor"]
    # The copy the other tablet still shows is stale now.
    with pytest.raises(Conflict):
        m.set_roles(
            demo,
            manager,
            m.SetRoles(
                staff_id=chen.id, version=chen.version, roles=["waiter"], manager_pin="9999"
            ),
        )
    me = _line(demo, "M01")
    with pytest.raises(DomainError, match="only manager"):
        m.set_roles(
            demo,
            manager,
            m.SetRoles(staff_id=me.id, version=me.version, roles=["cashier"], manager_pin="9999"),
        )
    with pytest.raises(DomainError, match="at least one role"):
        m.SetRoles(staff_id=me.id, version=me.version, roles=[], manager_pin="9999")


def test_a_locked_out_waiter_is_let_back_in_by_a_reset_or_a_lift(demo: Store) -> None:
    manager = staff_id(demo, "M01")
    waiter = staff_id(demo, "W01")
    for _attempt in range(5):
        with pytest.raises(DomainError):
            _sign_in(demo, waiter, "0000")
    line = _line(demo, "W01")
    assert line.locked
    lifted = m.lift_lockout(
        demo, manager, m.LiftLockout(staff_id=waiter, version=line.version, manager_pin="9999")
    )
    assert not lifted.locked
    assert _sign_in(demo, waiter, "1111").number == "W01"
    with pytest.raises(DomainError, match="not locked out"):
        m.lift_lockout(
            demo, manager, m.LiftLockout(staff_id=waiter, version=line.version, manager_pin="9999")
        )

    for _attempt in range(5):
        with pytest.raises(DomainError):
            _sign_in(demo, waiter, "0000")
    line = _line(demo, "W01")
    reset = m.reset_pin(
        demo,
        manager,
        m.ResetPin(staff_id=waiter, version=line.version, pin="2468", manager_pin="9999"),
    )
    assert not reset.locked
    with pytest.raises(DomainError):
        _sign_in(demo, waiter, "1111")
    assert _sign_in(demo, waiter, "2468").number == "W01"
    assert [e.approver_id for e in _events(demo, "staff.pin_reset")] == [manager]
    assert [e.object_id for e in _events(demo, "staff.lockout_lifted")] == [str(waiter)]


def test_someone_who_left_is_deactivated_never_deleted(demo: Store) -> None:
    manager = staff_id(demo, "M01")
    sun = _line(demo, "W03")
    gone = m.deactivate(
        demo, manager, m.Deactivate(staff_id=sun.id, version=sun.version, manager_pin="9999")
    )
    assert not gone.active
    assert "W03" not in {c.number for c in staff_service.staff_for_sign_in(demo)}
    assert _line(demo, "W03").active is False  # still listed, last
    assert m.staff_list(demo, manager)[-1].number == "W03"
    with pytest.raises(DomainError):
        _sign_in(demo, sun.id, "3333")
    me = _line(demo, "M01")
    with pytest.raises(DomainError, match="yourself"):
        m.deactivate(
            demo, manager, m.Deactivate(staff_id=me.id, version=me.version, manager_pin="9999")
        )


@pytest.mark.parametrize(
    ("field", "value", "sentence"),
    [
        ("number", "W 1", "letters, digits and dashes"),
        ("number", "", "Give the staff number."),
        ("name", "   ", "Give the person's name."),
        ("name", "x" * 81, "too long"),
        ("pin", "12", "4 to 8 digits"),
        ("roles", ["chef"], "from what the screen shows"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(field: str, value: object, sentence: str) -> None:
    fields: dict[str, object] = {
        "number": "W09",
        "name": "Wu",
        "roles": ["waiter"],
        "pin": "5050",
        "manager_pin": "9999",
    }
    fields[field] = value
    with pytest.raises(DomainError, match=sentence):
        m.AddPerson(**fields)
