"""Every action as every role: exactly the roles ROLES_FOR names get through, on SQLite and
PostgreSQL; a person who left gets through nowhere; the audit log is read through the
real service."""

from __future__ import annotations

import itertools

import pytest

from db.store import Store
from models import Restaurant, Role, Staff
from services.audit import recent_events
from services.errors import NotAllowed
from services.people import staff as staff_service
from services.people.sessions import SessionEnded
from services.people.staff import NewStaff
from services.permissions import ROLES_FOR, Action, allowed, require
from tests.demo_data import acting
from tests.team_support import Team


@pytest.fixture
def crew(store: Store) -> dict[Role, int]:
    """One person holding each role alone, and one who has left."""
    roles = list(Role)
    people = tuple(
        (f"R{n}", f"Only {role.value}", (role,), "2468") for n, role in enumerate(roles, start=1)
    )
    ids = Team(store, people).ids
    return {role: ids[f"R{n}"] for n, role in enumerate(roles, start=1)}


def test_every_action_has_its_roles() -> None:
    assert set(ROLES_FOR) == set(Action)
    assert all(ROLES_FOR[a] for a in Action), "an action nobody may do"


def test_every_action_as_every_role(store: Store, crew: dict[Role, int]) -> None:
    outcomes: dict[tuple[Action, Role], bool] = {}
    with store.read() as s:
        for action, role in itertools.product(Action, Role):
            try:
                staff = require(s, crew[role], action)
                assert staff.id == crew[role]
                outcomes[action, role] = True
            except NotAllowed as refusal:
                assert refusal.params["name"] == f"Only {role.value}"
                outcomes[action, role] = False
    expected = {(a, r): r in ROLES_FOR[a] for a, r in itertools.product(Action, Role)}
    wrong = sorted(
        f"{a.value} as {r.value}" for a, r in expected if outcomes[a, r] != expected[a, r]
    )
    assert not wrong
    # The home screen's check agrees with the services' one.
    assert all(allowed({r}, a) == expected[a, r] for a, r in expected)


def test_a_person_with_several_roles_may_do_what_any_of_them_may(store: Store) -> None:
    with store.write() as s:
        s.add(Restaurant(name="Test", currency="CNY"))
    roles = [Role.GREETER, Role.CASHIER]
    both = NewStaff(number="GC", name="Two hats", roles=roles, pin="1357")
    person = acting(store, staff_service.add_staff(store, both).id)
    with store.read() as s:
        for action in Action:
            if ROLES_FOR[action] & set(roles):
                require(s, person, action)
            else:
                with pytest.raises(NotAllowed):
                    require(s, person, action)


def test_someone_who_left_may_do_nothing(store: Store, crew: dict[Role, int]) -> None:
    with store.write() as s:
        manager = s.get(Staff, crew[Role.MANAGER])
        assert manager is not None
        manager.active = False
    with store.read() as s:
        for action in Action:
            with pytest.raises(SessionEnded, match="no longer on the staff list"):
                require(s, crew[Role.MANAGER], action)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_roles_allowed_read_the_audit_log(
    store: Store, crew: dict[Role, int], role: Role
) -> None:
    if role in ROLES_FOR[Action.READ_AUDIT_LOG]:
        assert recent_events(store, crew[role])  # the staff.created events, at least
    else:
        with pytest.raises(NotAllowed, match="may not do this"):
            recent_events(store, crew[role])
