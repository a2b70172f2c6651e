"""A manager's approval, and a person's own PIN asked again, on a tablet at this moment.

Both are PIN routes like sign-in (services/people/guard.py): each try is counted before the
hash is checked, a wrong PIN is audited in its own short transaction (so the refusal stays
in the log even though the command it was for is rolled back), and too many wrong PINs lock
the route for the restaurant's lockout time. The Argon2 checks run outside any write
transaction, so the other tablets keep writing meanwhile.

Usage in a service (第7条 ⑤: a void needs the manager there and then):

    approval = manager_approval(store, actor_id, command.manager_pin, purpose="void")
    with store.write() as s:
        still_manager(s, approval.manager_id)
        ...
        audit.record(s, ..., actor_id=actor_id, approver_id=approval.manager_id)
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.store import Store
from models import Role, Staff, StaffRole, utcnow
from services.errors import DomainError, NotAllowed
from services.i18n import N_, Plural
from services.people import pins
from services.people.guard import (
    APPROVAL,
    SIGN_IN,
    claim_attempt,
    clear,
    record_refusal,
)
from services.people.sessions import acting_staff

NOT_A_MANAGER = N_("That PIN is not a manager's: approval refused.")
# A wrong PIN that still leaves tries (sign-in, and a PIN asked again).
TRIES_LEFT = Plural("Wrong PIN. {left} try left.", "Wrong PIN. {left} tries left.", "left")
APPROVALS_LOCKED = N_(
    "Approvals asked by {name} are locked after too many wrong manager PINs. "
    "Try again in {minutes} min."
)
NOW_LOCKED = N_(
    "That PIN is not a manager's. Approvals asked by {name} are now locked for {minutes} min."
)
OWN_PIN_LOCKED = N_(
    "{name} is locked out after too many wrong PINs. Try again in {minutes} min "
    "or ask a manager to reset the PIN."
)
OWN_PIN_NOW_LOCKED = N_("Wrong PIN. {name} is now locked out for {minutes} min.")


class Approval(BaseModel):
    """Which manager approved: record them as the approver next to the acting person."""

    model_config = ConfigDict(frozen=True)

    manager_id: int
    manager_name: str


def _managers(store: Store, now: datetime) -> list[tuple[int, str, str]]:
    """The active managers not locked out of signing in, with their hashes."""
    with store.read() as s:
        rows = s.execute(
            select(Staff.id, Staff.name, Staff.pin_hash)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(
                Staff.active,
                StaffRole.role == Role.MANAGER.value,
                or_(Staff.locked_until.is_(None), Staff.locked_until <= now),
            )
            .order_by(Staff.id)
        ).all()
    return [(r.id, r.name, r.pin_hash) for r in rows]


def _signed_in(store: Store, staff_id: int) -> None:
    """Only a live session may spend someone's PIN tries: a bare id could otherwise lock
    any person's approvals out from anywhere."""
    with store.read() as s:
        acting_staff(s, staff_id)


def manager_approval(
    store: Store, acting_id: int, pin: object, *, purpose: str, now: datetime | None = None
) -> Approval:
    """The manager whose PIN was just entered to approve `purpose` for `acting_id`.

    Call it BEFORE opening the command's write transaction. A malformed PIN is a
    DomainError and not counted; a wrong one is counted against the person asking and
    audited at once; too many lock that person's approvals out (pin_max_attempts,
    pin_lockout_seconds, as for sign-in).
    """
    pin = pins.check_pin_format(pin)
    now = now or utcnow()
    _signed_in(store, acting_id)
    claim = claim_attempt(
        store, acting_id, APPROVAL, locked_message=APPROVALS_LOCKED, now=now, purpose=purpose
    )
    found = next((m for m in _managers(store, now) if pins.pin_matches(m[2], pin)), None)
    if found is None:
        record_refusal(store, claim, APPROVAL, purpose=purpose)
        if claim.locked_until is not None:
            raise NotAllowed(NOW_LOCKED, name=claim.name, minutes=claim.minutes)
        raise NotAllowed(NOT_A_MANAGER)
    with store.write() as s:
        clear(s, acting_id, APPROVAL)
    return Approval(manager_id=found[0], manager_name=found[1])


def still_manager(session: Session, manager_id: int) -> Staff:
    """Inside the command's write transaction: the approving manager is still an active
    manager and not locked out (a manager may have been changed between the two steps)."""
    manager = session.get(Staff, manager_id)
    now = utcnow()
    if (
        manager is None
        or not manager.active
        or Role.MANAGER not in manager.role_set
        or (manager.locked_until is not None and manager.locked_until > now)
    ):
        raise NotAllowed("That manager can no longer approve: approval refused.")
    return manager


def confirm_own_pin(
    store: Store,
    staff_id: int,
    pin: object,
    *,
    purpose: str,
    refused: str = TRIES_LEFT,
    refused_action: str = "staff.pin_confirm_refused",
    now: datetime | None = None,
) -> str:
    """A person's own PIN asked again (a sign-off, the current PIN before a change).

    Counted with sign-in's guesses: it is the same secret. `refused` is the sentence for
    a wrong PIN; it may use {name} and {left}. Returns the hash that matched, so a caller
    that then changes the PIN can tell whether someone else changed it meanwhile.
    """
    pin = pins.check_pin_format(pin)
    _signed_in(store, staff_id)
    claim = claim_attempt(
        store, staff_id, SIGN_IN, locked_message=OWN_PIN_LOCKED, now=now, purpose=purpose
    )
    if not pins.pin_matches(claim.pin_hash, pin):
        record_refusal(store, claim, SIGN_IN, action=refused_action, purpose=purpose)
        if claim.locked_until is not None:
            raise DomainError(OWN_PIN_NOW_LOCKED, name=claim.name, minutes=claim.minutes)
        raise DomainError(refused, name=claim.name, left=claim.left)
    with store.write() as s:
        clear(s, staff_id, SIGN_IN)
    return claim.pin_hash
