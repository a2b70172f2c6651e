"""Staff: signing in with a personal PIN, lockout, sign-out, adding people, resetting and
changing PINs. A manager's approval is in services/people/approvals.py."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.store import Store
from models import Role, Staff, StaffRole
from services import audit
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.i18n import N_
from services.people import pins, sessions
from services.people.approvals import (
    OWN_PIN_LOCKED,
    OWN_PIN_NOW_LOCKED,
    TRIES_LEFT,
    confirm_own_pin,
)
from services.people.guard import APPROVAL, SIGN_IN, claim_attempt, clear, record_refusal, settings
from services.people.pins import Pin
from services.people.sessions import Acting
from services.text import NAME_MAX, RecordId, checked_text, required_text


class StaffCard(BaseModel):
    """What the sign-in screen shows of a person: never the PIN or its hash."""

    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    name: str
    roles: tuple[Role, ...]


class SignedIn(BaseModel):
    """Who is signed in on this tablet. `staff_id` is the session's `Acting`: it reads as
    the person's id, and every service call made with it proves the session is live."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    staff_id: Acting
    number: str
    name: str
    roles: frozenset[Role]
    idle_logout_seconds: int

    def has_any(self, roles: frozenset[Role] | set[Role]) -> bool:
        return bool(self.roles & roles)


def _staff_number(value: object) -> str:
    number = checked_text(value, max_length=16, required=N_("Give the staff number."))
    if not STAFF_NUMBER.fullmatch(number):
        raise DomainError("A staff number is letters, digits and dashes, like W05.")
    return number


STAFF_NUMBER = re.compile(r"[A-Za-z0-9-]{1,16}")
StaffNumber = Annotated[str, BeforeValidator(_staff_number)]


def _roles(value: object) -> tuple[Role, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        raise DomainError("Choose at least one role.")
    try:
        roles = tuple(dict.fromkeys(Role(r) for r in value))
    except ValueError:
        raise DomainError("Choose the roles from what the screen shows.") from None
    if not roles:
        raise DomainError("Choose at least one role.")
    return roles


class NewStaff(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: StaffNumber
    name: Annotated[str, required_text(NAME_MAX, N_("Give the person's name."))]
    roles: Annotated[tuple[Role, ...], BeforeValidator(_roles)]
    pin: Pin


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    staff_id: RecordId
    pin: Pin


class SignOut(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: Literal["manual", "idle"] = "manual"


class ResetPin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: StaffNumber
    pin: Pin


class ChangePin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    current_pin: Pin
    new_pin: Pin
    repeated_pin: Pin


def _card(staff: Staff) -> StaffCard:
    ordered = tuple(r for r in Role if r in staff.role_set)
    return StaffCard(id=staff.id, number=staff.number, name=staff.name, roles=ordered)


def staff_for_sign_in(store: Store) -> list[StaffCard]:
    with store.read() as s:
        people = s.scalars(select(Staff).where(Staff.active).order_by(Staff.number)).all()
        return [_card(p) for p in people]


def sign_in(store: Store, command: SignIn, *, now: datetime | None = None) -> SignedIn:
    """Check a person's PIN. Every try is counted before the hash is checked and audited;
    too many wrong ones lock the person out (services/people/guard.py).

    The Argon2 check runs between two short write transactions, never inside one.
    """
    claim = claim_attempt(store, command.staff_id, SIGN_IN, locked_message=OWN_PIN_LOCKED, now=now)
    if not pins.pin_matches(claim.pin_hash, command.pin):
        record_refusal(store, claim, SIGN_IN)
        if claim.locked_until is not None:
            raise DomainError(OWN_PIN_NOW_LOCKED, name=claim.name, minutes=claim.minutes)
        raise DomainError(TRIES_LEFT, left=claim.left)
    with store.write() as s:
        limits = settings(s)
        staff = s.get(Staff, claim.staff_id)
        if staff is None or not staff.active:
            raise NotFound("Unknown staff member.")
        if staff.pin_hash != claim.pin_hash:
            # Reset on another tablet while this PIN was being checked.
            raise Conflict("The PIN was changed meanwhile: enter the new one.")
        clear(s, staff.id, SIGN_IN)
        acting = sessions.start(s, staff)
        audit.record(
            s,
            action="staff.signed_in",
            object_type="staff",
            object_id=staff.id,
            actor_id=staff.id,
            session_id=acting.session_id,
        )
        return SignedIn(
            staff_id=acting,
            number=staff.number,
            name=staff.name,
            roles=staff.role_set,
            idle_logout_seconds=limits.idle_logout_seconds,
        )


def sign_out(store: Store, staff_id: int, command: SignOut) -> None:
    """End this tablet's session. Signing out of a session that has already ended (the
    person was locked out or deactivated meanwhile) is not an error: the tablet goes back
    to sign-in either way."""
    with store.write() as s:
        try:
            staff = sessions.acting_staff(s, staff_id)
        except sessions.SessionEnded:
            return
        sessions.end(s, staff_id, command.reason)  # type: ignore[arg-type]
        audit.record(
            s,
            action="staff.signed_out",
            object_type="staff",
            object_id=staff.id,
            actor_id=staff.id,
            reason=command.reason,
            session_id=staff_id.session_id,  # type: ignore[attr-defined]
        )


def session_ended(store: Store, actor: object) -> str | None:
    """None while this tablet's session holds; else the sentence saying why it ended (the
    person was locked out, deactivated or given a new PIN on another tablet)."""
    with store.read() as s:
        try:
            sessions.acting_staff(s, actor)
        except NotAllowed as ended:
            return ended.message
    return None


def add_staff(
    store: Store, command: NewStaff, actor_label: str = "console", actor_id: int | None = None
) -> StaffCard:
    pin_hash = pins.hash_pin(command.pin)  # Argon2 before the write lock, not under it
    with store.write() as s:
        if s.scalar(select(Staff.id).where(Staff.number == command.number)) is not None:
            raise DomainError("Staff number {number} is already taken.", number=command.number)
        staff = Staff(number=command.number, name=command.name, pin_hash=pin_hash)
        staff.roles = [StaffRole(role=r.value) for r in command.roles]
        s.add(staff)
        s.flush()
        audit.record(
            s,
            action="staff.created",
            object_type="staff",
            object_id=staff.id,
            actor_id=actor_id,
            actor_label=actor_label,
            number=staff.number,
            roles=[r.value for r in command.roles],
        )
        return _card(staff)


def _locked_row(session: Session, staff: Select[tuple[Staff]]) -> Staff | None:
    """The person's row, locked until the transaction ends (a no-op under SQLite's BEGIN
    IMMEDIATE, which already serialises writers), so no stale-data error can come out."""
    return session.scalar(staff.with_for_update())


def reset_pin(
    store: Store, command: ResetPin, actor_label: str = "console", actor_id: int | None = None
) -> StaffCard:
    """Set a new PIN and lift every lockout (sign-in and approvals)."""
    pin_hash = pins.hash_pin(command.pin)
    with store.write() as s:
        staff = _locked_row(s, select(Staff).where(Staff.number == command.number))
        if staff is None:
            raise NotFound("No staff member has number {number}.", number=command.number)
        staff.pin_hash = pin_hash
        s.flush()
        clear(s, staff.id, SIGN_IN)
        clear(s, staff.id, APPROVAL)
        audit.record(
            s,
            action="staff.pin_reset",
            object_type="staff",
            object_id=staff.id,
            actor_id=actor_id,
            actor_label=actor_label,
        )
        sessions.end_all_audited(
            s, staff.id, "pin_reset", actor_id=actor_id, actor_label=actor_label
        )
        return _card(staff)


def require_role(session: Session, staff_id: int, *roles: Role) -> Staff:
    """The acting person, if `staff_id` is their live session and one of their roles allows
    the action; else NotAllowed."""
    staff = sessions.acting_staff(session, staff_id)
    if not staff.role_set & set(roles):
        raise NotAllowed(
            "{name} may not do this: it needs the role {roles}.",
            name=staff.name,
            roles=" / ".join(r.value for r in roles),
        )
    return staff


def change_own_pin(store: Store, staff_id: int, command: ChangePin) -> None:
    """A person replaces their own PIN (the demo PINs are in the README, so this matters).

    The current PIN is a PIN route like sign-in: counted, audited, locked out after too
    many wrong ones.
    """
    if command.new_pin != command.repeated_pin:
        raise DomainError("The new PIN and its repetition differ.")
    if command.new_pin == command.current_pin:
        raise DomainError("The new PIN is the same as the current one.")
    checked_hash = confirm_own_pin(
        store,
        staff_id,
        command.current_pin,
        purpose="change_pin",
        refused=N_("The current PIN is wrong; the PIN was not changed."),
        refused_action="staff.pin_change_refused",
    )
    new_hash = pins.hash_pin(command.new_pin)
    with store.write() as s:
        staff = _locked_row(s, select(Staff).where(Staff.id == staff_id))
        if staff is None or not staff.active:
            raise NotFound("Unknown staff member.")
        if staff.pin_hash != checked_hash:
            raise Conflict("The PIN was changed meanwhile: enter the new one.")
        staff.pin_hash = new_hash
        audit.record(
            s,
            action="staff.pin_changed",
            object_type="staff",
            object_id=staff.id,
            actor_id=staff.id,
        )
