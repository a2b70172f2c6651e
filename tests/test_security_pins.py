"""Guessing PINs: every route that takes a PIN is counted, audited and locked out alike,
on SQLite and PostgreSQL, also when several tablets guess at once; and no PIN hash is
ever checked while the write lock is held."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from db.store import Store
from models import AuditEvent, Role, Staff, utcnow
from services.checklists.sign_off import SignOff, sign_off_run
from services.errors import DomainError, NotAllowed, NotFound
from services.people import pins
from services.people import staff as staff_service
from services.people.approvals import manager_approval, still_manager
from services.people.staff import ChangePin, SignIn
from tests.team_support import Team

MAX = 5  # the restaurant's pin_max_attempts (default)


@pytest.fixture
def team(store: Store) -> dict[str, int]:
    return Team(
        store,
        tuple(
            (number, f"Person {number}", (role,), pin)
            for number, role, pin in [
                ("M1", Role.MANAGER, "9090"),
                ("M2", Role.MANAGER, "8080"),
                ("W1", Role.WAITER, "1212"),
                ("S1", Role.SUPERVISOR, "3434"),
            ]
        ),
    ).ids


def _count(store: Store, action: str) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).where(AuditEvent.action == action)) or 0


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Argon2 check made, by the PIN tried."""
    made: list[str] = []
    real = pins.pin_matches
    lock = threading.Lock()

    def counting(pin_hash: str, pin: str) -> bool:
        with lock:
            made.append(pin)
        return real(pin_hash, pin)

    monkeypatch.setattr(pins, "pin_matches", counting)
    return made


# Each route: (try it with a PIN as W1 or S1, the person whose count it uses, the right
# PIN, the audit action of a refusal).
Route = tuple[Callable[[Store, dict[str, int], str], object], str, str, str]


def _sign_in(store: Store, team: dict[str, int], pin: str) -> object:
    return staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin=pin))


def _approval(store: Store, team: dict[str, int], pin: str) -> object:
    return manager_approval(store, team["W1"], pin, purpose="void")


def _change_pin(store: Store, team: dict[str, int], pin: str) -> object:
    command = ChangePin(current_pin=pin, new_pin="56565", repeated_pin="56565")
    return staff_service.change_own_pin(store, team["W1"], command)


def _sign_off(store: Store, team: dict[str, int], pin: str) -> object:
    # The PIN is checked first: a right one then finds no such run (NotFound).
    return sign_off_run(store, team["S1"], SignOff(run_id=999_999, pin=pin))


ROUTES: dict[str, Route] = {
    "sign_in": (_sign_in, "W1", "1212", "staff.sign_in_failed"),
    "approval": (_approval, "W1", "9090", "staff.approval_refused"),
    "change_pin": (_change_pin, "W1", "1212", "staff.pin_change_refused"),
    "sign_off": (_sign_off, "S1", "3434", "checklist.sign_off_pin_refused"),
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_brute_force_stops_after_the_limit_on_every_pin_route(
    store: Store, team: dict[str, int], checks: list[str], route: str
) -> None:
    attempt, _who, right, refused_action = ROUTES[route]
    guesses = [f"{n:04d}" for n in range(20)]  # none of them anyone's PIN
    for guess in guesses:
        with pytest.raises(DomainError):
            attempt(store, team, guess)
    # Only the first MAX guesses were ever checked (against each manager, for an
    # approval); the rest were refused unchecked.
    assert sorted(set(checks)) == guesses[:MAX]
    assert _count(store, refused_action) == MAX
    # Locked: the right PIN is refused too, without being checked.
    with pytest.raises(DomainError, match="locked"):
        attempt(store, team, right)
    assert right not in checks


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_the_right_pin_starts_the_count_again(
    store: Store, team: dict[str, int], route: str
) -> None:
    attempt, who, right, _action = ROUTES[route]
    for _ in range(MAX - 1):
        with pytest.raises(
            DomainError, match=r"tries left|try left|not a manager's|not the PIN|wrong"
        ):
            attempt(store, team, "0000")
    with suppress(NotFound):  # the sign-off route: the PIN was right, the run does not exist
        attempt(store, team, right)
    with store.read() as s:
        person = s.get(Staff, team[who])
        assert person is not None
        assert person.failed_pin_attempts == 0 and person.failed_approval_attempts == 0


def test_an_approval_lockout_holds_for_its_time_and_is_the_askers(
    store: Store, team: dict[str, int]
) -> None:
    now = utcnow()
    for _ in range(MAX - 1):
        with pytest.raises(NotAllowed, match="not a manager's: approval refused"):
            manager_approval(store, team["W1"], "3434", purpose="void", now=now)
    with pytest.raises(NotAllowed, match="now locked for 5 min"):
        manager_approval(store, team["W1"], "3434", purpose="void", now=now)
    with pytest.raises(NotAllowed, match="locked after too many"):
        manager_approval(store, team["W1"], "9090", purpose="void", now=now + timedelta(minutes=4))
    assert _count(store, "staff.approvals_locked_out") == 1
    assert _count(store, "staff.approval_refused_locked") == 1
    # Someone else still asks approvals, and W1 still signs in: the lockout is W1's approvals.
    assert manager_approval(store, team["S1"], "8080", purpose="void").manager_name == "Person M2"
    assert staff_service.sign_in(store, SignIn(staff_id=team["W1"], pin="1212")).number == "W1"
    later = now + timedelta(minutes=6)
    approval = manager_approval(store, team["W1"], "9090", purpose="void", now=later)
    assert approval.manager_id == team["M1"]


def test_a_refused_approval_is_recorded_though_the_command_is_rolled_back(
    store: Store, team: dict[str, int]
) -> None:
    class Undone(Exception):
        pass

    with pytest.raises(NotAllowed):
        try:
            with store.write() as s:
                s.add(AuditEvent(at=utcnow(), action="x", object_type="x", detail="{}"))
                raise Undone
        except Undone:
            manager_approval(store, team["W1"], "0000", purpose="discount")
    with store.read() as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.detail)).all()
    refusals = [d for a, d in events if a == "staff.approval_refused"]
    assert len(refusals) == 1 and '"purpose": "discount"' in refusals[0]
    assert "0000" not in " ".join(d for _a, d in events)  # the PIN itself is never written


def test_a_malformed_pin_is_refused_and_not_counted(store: Store, team: dict[str, int]) -> None:
    for pin in ("12", "abcd", None, 1234, "1" * 9):
        with pytest.raises(DomainError, match="4 to 8 digits"):
            manager_approval(store, team["W1"], pin, purpose="void")
    with store.read() as s:
        assert s.get(Staff, team["W1"]).failed_approval_attempts == 0  # type: ignore[union-attr]


def test_a_manager_changed_between_the_two_steps_cannot_approve(
    store: Store, team: dict[str, int]
) -> None:
    approval = manager_approval(store, team["W1"], "9090", purpose="void")
    with store.write() as s:
        manager = s.get(Staff, approval.manager_id)
        assert manager is not None
        manager.active = False
    with pytest.raises(NotAllowed, match="can no longer approve"), store.write() as s:
        still_manager(s, approval.manager_id)


def test_a_locked_out_manager_cannot_approve(store: Store, team: dict[str, int]) -> None:
    with store.write() as s:
        manager = s.get(Staff, team["M1"])
        assert manager is not None
        manager.locked_until = utcnow() + timedelta(minutes=5)
    with pytest.raises(NotAllowed, match="not a manager's"):
        manager_approval(store, team["W1"], "9090", purpose="void")


# -- several tablets at once ------------------------------------------------------------


@pytest.mark.parametrize("route", ["sign_in", "approval"])
def test_eight_tablets_guessing_at_once_get_no_more_than_the_limit(
    store: Store, team: dict[str, int], checks: list[str], route: str
) -> None:
    attempt = ROUTES[route][0]
    tablets = [Store(store.url) for _ in range(8)]
    outcomes: list[BaseException | None] = []
    lock = threading.Lock()
    start = threading.Barrier(len(tablets))

    def guess(tablet: Store, n: int) -> None:
        start.wait()
        for k in range(4):
            try:
                attempt(tablet, team, f"{n}{k}00")
                result: BaseException | None = None
            except BaseException as exc:  # every outcome is looked at below
                result = exc
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=guess, args=(t, n)) for n, t in enumerate(tablets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for tablet in tablets:
        tablet.dispose()
    assert len(outcomes) == 32
    # Every try ended in a sentence for the person: no StaleDataError, no lock timeout.
    assert all(isinstance(o, DomainError) for o in outcomes), [
        f"{type(o).__name__}: {str(o)[:200]}" for o in outcomes if not isinstance(o, DomainError)
    ]
    assert len(set(checks)) <= MAX
    locked = [o for o in outcomes if "locked" in str(o)]
    assert len(locked) >= 32 - MAX


# -- no Argon2 under the write lock ------------------------------------------------------


@contextmanager
def _second_writer(url: str) -> Iterator[Callable[[], None]]:
    """A write from another connection that must not wait for anyone."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)

        def write() -> None:
            conn.execute("BEGIN IMMEDIATE")  # fails at once if another writer holds the lock
            conn.execute("UPDATE staff SET name = name")
            conn.execute("ROLLBACK")

        try:
            yield write
        finally:
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as conn:

            def write() -> None:
                conn.execute(text("SET LOCAL lock_timeout = '1ms'"))
                conn.execute(text("UPDATE staff SET name = name"))  # every row: none locked
                conn.rollback()

            yield write
    finally:
        engine.dispose()


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_no_pin_is_checked_while_the_write_lock_is_held(
    store: Store, team: dict[str, int], monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    attempt, _who, right, _action = ROUTES[route]
    real = pins.pin_matches
    seen: list[str] = []
    with _second_writer(store.url) as write:

        def checking(pin_hash: str, pin: str) -> bool:
            write()  # raises "database is locked" / lock timeout if a writer holds the lock
            seen.append(pin)
            return real(pin_hash, pin)

        monkeypatch.setattr(pins, "pin_matches", checking)
        with pytest.raises(DomainError):
            attempt(store, team, "0000")
        with suppress(NotFound):  # the sign-off route's missing run, after the PIN was accepted
            attempt(store, team, right)
    assert seen and "0000" in seen and right in seen


def test_pins_never_reach_the_audit_log(store: Store, team: dict[str, int]) -> None:
    for route in ROUTES.values():
        with pytest.raises(DomainError):
            route[0](store, team, "7531")
    with store.read() as s:
        details = " ".join(s.scalars(select(AuditEvent.detail)).all())
    assert details and "7531" not in details
