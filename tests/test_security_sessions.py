"""Services act for a signed-in session, never for a bare staff id (issue 11).

A session ends at sign-out (by hand or idle), at a lockout, a PIN reset or a
deactivation, and every command under an ended session is refused — on every tablet
the person was signed in on. Each test runs on SQLite and on the PostgreSQL server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import AuditEvent, Role, StaffSession
from services.audit import recent_events
from services.errors import DomainError, NotAllowed
from services.people import management
from services.people import staff as staff_service
from services.people.sessions import Acting, SessionEnded
from services.people.staff import ResetPin, SignIn, SignOut
from services.permissions import Action, require
from tests.team_support import Team

MANAGER_PIN = "9090"
WAITER_PIN = "1212"


@pytest.fixture
def team(store: Store) -> dict[str, int]:
    people = (
        ("M1", "Person M1", (Role.MANAGER,), MANAGER_PIN),
        ("M2", "Person M2", (Role.MANAGER,), "8080"),
        ("W1", "Person W1", (Role.WAITER,), WAITER_PIN),
    )
    return Team(store, people, signed_in=False).ids


def tablet(store: Store, staff_id: int, pin: str) -> Acting:
    """Sign in on a tablet, as the sign-in screen does."""
    return staff_service.sign_in(store, SignIn(staff_id=staff_id, pin=pin)).staff_id


def can_read_the_log(store: Store, who: object) -> bool:
    try:
        recent_events(store, who)  # type: ignore[arg-type]
    except NotAllowed:
        return False
    return True


def test_a_bare_staff_id_acts_for_nobody(store: Store, team: dict[str, int]) -> None:
    manager = team["M1"]
    with store.read() as s:
        for action in Action:
            with pytest.raises(NotAllowed, match="Sign in first"):
                require(s, manager, action)
    with pytest.raises(NotAllowed, match="Sign in first"):
        recent_events(store, manager)


def test_a_forged_or_borrowed_session_is_refused(store: Store, team: dict[str, int]) -> None:
    waiter = tablet(store, team["W1"], WAITER_PIN)
    manager = tablet(store, team["M1"], MANAGER_PIN)
    assert can_read_the_log(store, manager)
    guessed = Acting(team["M1"], manager.session_id, "a" * 43)
    borrowed = Acting(team["M1"], waiter.session_id, waiter._token)  # the waiter's own token
    for forged in (guessed, borrowed):
        with pytest.raises(NotAllowed, match="Sign in first"):
            recent_events(store, forged)
    assert can_read_the_log(store, manager)


def test_only_a_digest_of_the_token_is_stored(store: Store, team: dict[str, int]) -> None:
    acting = tablet(store, team["W1"], WAITER_PIN)
    with store.read() as s:
        row = s.get(StaffSession, acting.session_id)
        assert row is not None and row.ended_at is None
        assert acting._token not in row.token_digest and len(row.token_digest) == 64
    assert str(acting) == str(team["W1"]) and repr(acting) == repr(team["W1"])


@pytest.mark.parametrize("reason", ["manual", "idle"])
def test_signing_out_ends_that_tablets_session_only(
    store: Store, team: dict[str, int], reason: str
) -> None:
    first = tablet(store, team["M1"], MANAGER_PIN)
    second = tablet(store, team["M1"], MANAGER_PIN)  # the same manager on the bar's tablet
    staff_service.sign_out(store, first, SignOut(reason=reason))  # type: ignore[arg-type]
    with pytest.raises(SessionEnded, match="sign in again"):
        recent_events(store, first)
    assert staff_service.session_ended(store, first) is not None
    assert can_read_the_log(store, second)
    assert staff_service.session_ended(store, second) is None
    # Signing out again (the idle timer after a tap on "Sign out") is harmless.
    staff_service.sign_out(store, first, SignOut(reason="manual"))


def test_a_lockout_on_another_tablet_ends_every_session(store: Store, team: dict[str, int]) -> None:
    at_the_bar = tablet(store, team["M1"], MANAGER_PIN)
    for _ in range(6):  # someone guessing at the door's tablet, to the lockout and past it
        with pytest.raises(DomainError):
            staff_service.sign_in(store, SignIn(staff_id=team["M1"], pin="0001"))
    with pytest.raises(SessionEnded, match="too many wrong PINs"):
        recent_events(store, at_the_bar)
    with store.read() as s:
        ended = s.scalar(select(func.count()).where(AuditEvent.action == "staff.sessions_ended"))
    assert ended == 1


def test_a_lockout_by_wrong_own_pins_ends_the_session_it_was_typed_in(
    store: Store, team: dict[str, int]
) -> None:
    from services.people.staff import ChangePin

    waiter = tablet(store, team["W1"], WAITER_PIN)
    wrong = ChangePin(current_pin="0000", new_pin="5656", repeated_pin="5656")
    refusals: list[str] = []
    for _ in range(5):
        try:
            staff_service.change_own_pin(store, waiter, wrong)  # type: ignore[arg-type]
        except DomainError as refused:
            refusals.append(refused.message)
    assert "locked out" in refusals[-1] or "sign-in ended" in refusals[-1]
    assert staff_service.session_ended(store, waiter) is not None


def test_a_pin_reset_signs_the_person_out_everywhere(store: Store, team: dict[str, int]) -> None:
    waiter = tablet(store, team["W1"], WAITER_PIN)
    manager = tablet(store, team["M1"], MANAGER_PIN)
    staff_service.reset_pin(store, ResetPin(number="W1", pin="3434"))  # the console
    assert staff_service.session_ended(store, waiter) == (
        "Your sign-in ended: your PIN was reset. Sign in with the new one."
    )
    assert staff_service.session_ended(store, manager) is None
    again = tablet(store, team["W1"], "3434")
    lines = {line.number: line for line in management.staff_list(store, manager)}
    command = management.ResetPin(
        staff_id=team["W1"], version=lines["W1"].version, pin="5757", manager_pin=MANAGER_PIN
    )
    management.reset_pin(store, manager, command)  # the manager, on the staff screen
    assert staff_service.session_ended(store, again) is not None
    assert staff_service.session_ended(store, manager) is None


def test_a_deactivated_manager_can_do_nothing_more(store: Store, team: dict[str, int]) -> None:
    leaving = tablet(store, team["M2"], "8080")
    manager = tablet(store, team["M1"], MANAGER_PIN)
    assert can_read_the_log(store, leaving)
    lines = {line.number: line for line in management.staff_list(store, manager)}
    command = management.Deactivate(
        staff_id=team["M2"], version=lines["M2"].version, manager_pin=MANAGER_PIN
    )
    management.deactivate(store, manager, command)
    with pytest.raises(SessionEnded, match="no longer on the staff list"):
        recent_events(store, leaving)
    with store.read() as s:
        for action in Action:
            with pytest.raises(SessionEnded):
                require(s, leaving, action)


def test_an_ended_session_cannot_spend_anyones_pin_tries(
    store: Store, team: dict[str, int]
) -> None:
    """A manager's approval asked under a bare id or an ended session counts no guess: no
    one can lock a person's approvals out without being signed in as them."""
    from services.people.approvals import manager_approval

    waiter = tablet(store, team["W1"], WAITER_PIN)
    staff_service.sign_out(store, waiter, SignOut())  # type: ignore[arg-type]
    for who in (team["W1"], waiter):
        with pytest.raises(NotAllowed):
            manager_approval(store, who, "0000", purpose="void")
    with store.read() as s:
        refused = s.scalar(
            select(func.count()).where(AuditEvent.action == "staff.approval_refused")
        )
    assert refused == 0


def test_a_session_checked_once_in_a_transaction_is_still_checked_again(
    store: Store, team: dict[str, int]
) -> None:
    """One command asks more than once (a send also moves the party on): the second ask
    uses what the first read, yet a session ended or a person deactivated in between, in
    the same transaction, is refused at once; and another session is read for itself."""
    from services.people import sessions

    manager = tablet(store, team["M1"], MANAGER_PIN)
    waiter = tablet(store, team["W1"], WAITER_PIN)
    with store.write() as s:
        require(s, manager, Action.MANAGE_STAFF)
        require(s, manager, Action.MANAGE_STAFF)
        with pytest.raises(NotAllowed, match="may not do this"):
            require(s, waiter, Action.MANAGE_STAFF)  # not the manager's rows
        sessions.end(s, manager, "manual")
        with pytest.raises(SessionEnded, match="You signed out"):
            require(s, manager, Action.MANAGE_STAFF)
    with store.write() as s:
        staff = require(s, waiter, Action.TAKE_ORDER)
        staff.active = False
        with pytest.raises(SessionEnded, match="no longer on the staff list"):
            require(s, waiter, Action.TAKE_ORDER)
        s.rollback()
    with store.read() as s:
        assert require(s, waiter, Action.TAKE_ORDER).active
