"""Staff: signing in with a personal PIN, lockout, sign-out, adding people, resetting PINs,
and the manager approvals that later capabilities ask for."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import Restaurant, Role, Staff, StaffRole, utcnow
from services import audit
from services.errors import DomainError, NotAllowed, NotFound
from services.people.pins import PIN_PATTERN, check_pin_format, hash_pin, pin_matches


class StaffCard(BaseModel):
    """What the sign-in screen shows of a person: never the PIN or its hash."""

    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    name: str
    roles: tuple[Role, ...]


class SignedIn(BaseModel):
    model_config = ConfigDict(frozen=True)

    staff_id: int
    number: str
    name: str
    roles: frozenset[Role]
    idle_logout_seconds: int

    def has_any(self, roles: frozenset[Role] | set[Role]) -> bool:
        return bool(self.roles & roles)


class NewStaff(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9-]+$")
    name: str = Field(min_length=1, max_length=80)
    roles: list[Role] = Field(min_length=1)
    pin: str

    @field_validator("pin")
    @classmethod
    def _pin_format(cls, pin: str) -> str:
        if not PIN_PATTERN.fullmatch(pin):
            raise ValueError("A PIN is 4 to 8 digits.")
        return pin


def _card(staff: Staff) -> StaffCard:
    ordered = tuple(r for r in Role if r in staff.role_set)
    return StaffCard(id=staff.id, number=staff.number, name=staff.name, roles=ordered)


def _settings(session: Session) -> Restaurant:
    restaurant = session.get(Restaurant, 1)
    if restaurant is None:
        raise DomainError("This database holds no restaurant yet: load one first.")
    return restaurant


def staff_for_sign_in(store: Store) -> list[StaffCard]:
    with store.read() as s:
        people = s.scalars(select(Staff).where(Staff.active).order_by(Staff.number)).all()
        return [_card(p) for p in people]


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def sign_in(store: Store, staff_id: int, pin: object, now: datetime | None = None) -> SignedIn:
    """Check a person's PIN. Every try is audited; too many wrong ones lock the person out.

    A wrong PIN is recorded and committed before the error is raised, so the count and the
    audit trail survive the refusal.
    """
    # Malformed input is not a guess: nothing is counted or written.
    pin = check_pin_format(pin)
    now = now or utcnow()
    refusal: DomainError | None = None
    with store.write() as s:
        settings = _settings(s)
        staff = s.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise NotFound("Unknown staff member.")
        if staff.locked_until is not None and staff.locked_until > now:
            audit.record(
                s,
                action="staff.sign_in_refused_locked",
                object_type="staff",
                object_id=staff.id,
                actor_id=staff.id,
            )
            refusal = DomainError(
                "{name} is locked out after too many wrong PINs. Try again in {minutes} min "
                "or ask a manager to reset the PIN.",
                name=staff.name,
                minutes=_minutes_left(staff.locked_until, now),
            )
        else:
            if staff.locked_until is not None:  # the lockout has run out: a fresh start
                staff.locked_until = None
                staff.failed_pin_attempts = 0
            if pin_matches(staff.pin_hash, pin):
                staff.failed_pin_attempts = 0
                audit.record(
                    s,
                    action="staff.signed_in",
                    object_type="staff",
                    object_id=staff.id,
                    actor_id=staff.id,
                )
                return SignedIn(
                    staff_id=staff.id,
                    number=staff.number,
                    name=staff.name,
                    roles=staff.role_set,
                    idle_logout_seconds=settings.idle_logout_seconds,
                )
            staff.failed_pin_attempts += 1
            attempt = staff.failed_pin_attempts
            audit.record(
                s,
                action="staff.sign_in_failed",
                object_type="staff",
                object_id=staff.id,
                actor_id=staff.id,
                attempt=attempt,
            )
            left = settings.pin_max_attempts - attempt
            if left <= 0:
                staff.locked_until = now + timedelta(seconds=settings.pin_lockout_seconds)
                audit.record(
                    s,
                    action="staff.locked_out",
                    object_type="staff",
                    object_id=staff.id,
                    actor_id=staff.id,
                    until=staff.locked_until.isoformat(),
                )
                refusal = DomainError(
                    "Wrong PIN. {name} is now locked out for {minutes} min.",
                    name=staff.name,
                    minutes=_minutes_left(staff.locked_until, now),
                )
            else:
                refusal = DomainError("Wrong PIN. {left} tries left.", left=left)
    raise refusal


def sign_out(store: Store, staff_id: int, reason: str = "manual") -> None:
    with store.write() as s:
        if s.get(Staff, staff_id) is None:
            raise NotFound("Unknown staff member.")
        audit.record(
            s,
            action="staff.signed_out",
            object_type="staff",
            object_id=staff_id,
            actor_id=staff_id,
            reason=reason,
        )


def add_staff(
    store: Store, new: NewStaff, actor_label: str = "console", actor_id: int | None = None
) -> StaffCard:
    with store.write() as s:
        if s.scalar(select(Staff.id).where(Staff.number == new.number)) is not None:
            raise DomainError("Staff number {number} is already taken.", number=new.number)
        staff = Staff(number=new.number, name=new.name, pin_hash=hash_pin(new.pin))
        staff.roles = [StaffRole(role=r.value) for r in dict.fromkeys(new.roles)]
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
            roles=[r.value for r in new.roles],
        )
        return _card(staff)


def reset_pin(
    store: Store, number: str, pin: str, actor_label: str = "console", actor_id: int | None = None
) -> StaffCard:
    """Set a new PIN and lift any lockout."""
    check_pin_format(pin)
    with store.write() as s:
        staff = s.scalar(select(Staff).where(Staff.number == number))
        if staff is None:
            raise NotFound("No staff member has number {number}.", number=number)
        staff.pin_hash = hash_pin(pin)
        staff.failed_pin_attempts = 0
        staff.locked_until = None
        audit.record(
            s,
            action="staff.pin_reset",
            object_type="staff",
            object_id=staff.id,
            actor_id=actor_id,
            actor_label=actor_label,
        )
        return _card(staff)


def require_role(session: Session, staff_id: int, *roles: Role) -> Staff:
    """The acting person, if one of their roles allows the action; else NotAllowed."""
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.active:
        raise NotFound("Unknown staff member.")
    if not staff.role_set & set(roles):
        raise NotAllowed(
            "{name} may not do this: it needs the role {roles}.",
            name=staff.name,
            roles=" / ".join(r.value for r in roles),
        )
    return staff


def approving_manager(session: Session, pin: object, acting_id: int | None = None) -> Staff:
    """The manager whose PIN was just entered to approve something (both people are recorded
    by the caller). A wrong PIN is refused; locked-out managers cannot approve."""
    pin = check_pin_format(pin)
    now = utcnow()
    managers = session.scalars(
        select(Staff).join(StaffRole).where(Staff.active, StaffRole.role == Role.MANAGER.value)
    ).all()
    for manager in managers:
        if manager.locked_until is not None and manager.locked_until > now:
            continue
        if pin_matches(manager.pin_hash, pin):
            return manager
    raise NotAllowed("That PIN is not a manager's: approval refused.")


def change_own_pin(
    store: Store, staff_id: int, current_pin: object, new_pin: object, repeated_pin: object
) -> None:
    """A person replaces their own PIN (the demo PINs are in the README, so this matters)."""
    current_pin = check_pin_format(current_pin)
    new_pin = check_pin_format(new_pin)
    repeated_pin = check_pin_format(repeated_pin)
    if new_pin != repeated_pin:
        raise DomainError("The new PIN and its repetition differ.")
    if new_pin == current_pin:
        raise DomainError("The new PIN is the same as the current one.")
    with store.write() as s:
        staff = s.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise NotFound("Unknown staff member.")
        if not pin_matches(staff.pin_hash, current_pin):
            audit.record(
                s,
                action="staff.pin_change_refused",
                object_type="staff",
                object_id=staff.id,
                actor_id=staff.id,
            )
            refused = True
        else:
            staff.pin_hash = hash_pin(new_pin)
            audit.record(
                s,
                action="staff.pin_changed",
                object_type="staff",
                object_id=staff.id,
                actor_id=staff.id,
            )
            refused = False
    if refused:
        raise DomainError("The current PIN is wrong; the PIN was not changed.")
