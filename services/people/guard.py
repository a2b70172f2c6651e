"""Counting PIN guesses, the same way for every route that takes a PIN.

Every PIN route (sign-in, a manager's approval, the current PIN on "Change my PIN", a
supervisor's sign-off) runs in three steps, so that the slow Argon2 check never runs
inside a write transaction and the count holds when several tablets guess at once:

1. `claim_attempt` — a short write transaction locks the person's row (SELECT … FOR
   UPDATE on PostgreSQL; BEGIN IMMEDIATE already serialises SQLite), refuses if the person
   is locked out, and counts this try BEFORE the hash is checked. The try that reaches the
   limit sets the lockout at once, so no more than the limit are ever checked in one
   lockout window, whatever the number of tablets.
2. the caller checks the hash, outside any transaction;
3. `record_refusal` (its own short transaction, so the refusal survives the caller's
   rolled-back command) or `clear` (inside the caller's transaction on success).

The counters are changed with plain UPDATE statements, not through the ORM, so they never
bump the staff row's version: a guess on one tablet cannot make another tablet's edit of
that person fail with a stale-data error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from db.store import Store
from models import Restaurant, Staff, utcnow
from services import audit
from services.errors import DomainError, NotAllowed, NotFound
from services.people import sessions


@dataclass(frozen=True)
class Counter:
    """Which pair of columns counts the guesses of one kind, and how its events are named."""

    failed: InstrumentedAttribute[int]
    locked_until: InstrumentedAttribute[datetime | None]
    failed_action: str
    locked_action: str
    refused_locked_action: str


SIGN_IN = Counter(
    Staff.failed_pin_attempts,
    Staff.locked_until,
    failed_action="staff.sign_in_failed",
    locked_action="staff.locked_out",
    refused_locked_action="staff.sign_in_refused_locked",
)
APPROVAL = Counter(
    Staff.failed_approval_attempts,
    Staff.approvals_locked_until,
    failed_action="staff.approval_refused",
    locked_action="staff.approvals_locked_out",
    refused_locked_action="staff.approval_refused_locked",
)


@dataclass(frozen=True)
class Claim:
    """One counted try: the person, which try it is, and the lockout it set if it was the
    last one allowed."""

    staff_id: int
    name: str
    pin_hash: str
    attempt: int
    max_attempts: int
    locked_until: datetime | None
    now: datetime

    @property
    def left(self) -> int:
        return max(0, self.max_attempts - self.attempt)

    @property
    def minutes(self) -> int:
        return minutes_left(self.locked_until, self.now) if self.locked_until else 0


class LockedOut(NotAllowed):
    """Too many wrong PINs: this route is closed to the person for a while."""


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def settings(session: Session) -> Restaurant:
    restaurant = session.get(Restaurant, 1)
    if restaurant is None:
        raise DomainError("This database holds no restaurant yet: load one first.")
    return restaurant


def claim_attempt(
    store: Store,
    staff_id: int,
    counter: Counter,
    *,
    locked_message: str,
    now: datetime | None = None,
    **detail: Any,
) -> Claim:
    """Count one try for `staff_id` before its PIN is checked; LockedOut if locked out.

    `locked_message` is the sentence for a locked-out person, with {name} and {minutes}.
    A refused try is audited and committed before LockedOut is raised.
    """
    now = now or utcnow()
    refusal: LockedOut | None = None
    with store.write() as s:
        limits = settings(s)
        row = s.execute(
            select(Staff.name, Staff.active, Staff.pin_hash, counter.failed, counter.locked_until)
            .where(Staff.id == staff_id)
            # NO KEY UPDATE: still one claim at a time, but not in the way of the foreign
            # key checks of rows that name this person (an audit event's actor).
            .with_for_update(key_share=True)
        ).one_or_none()
        if row is None or not row.active:
            raise NotFound("Unknown staff member.")
        failed: int = row[3] or 0
        until: datetime | None = row[4]
        if until is not None and until <= now:  # the lockout has run out: a fresh start
            failed, until = 0, None
        if until is None and failed >= limits.pin_max_attempts:
            # A count left at the limit with no lockout (a crash between the steps).
            until = now + timedelta(seconds=limits.pin_lockout_seconds)
        if until is not None:
            audit.record(
                s,
                action=counter.refused_locked_action,
                object_type="staff",
                object_id=staff_id,
                actor_id=staff_id,
                **detail,
            )
            # Capped: another tablet's clock-second later lockout must not read "6 min".
            longest = max(1, math.ceil(limits.pin_lockout_seconds / 60))
            minutes = min(minutes_left(until, now), longest)
            refusal = LockedOut(locked_message, name=row.name, minutes=minutes)
        else:
            failed += 1
            if failed >= limits.pin_max_attempts:
                until = now + timedelta(seconds=limits.pin_lockout_seconds)
        s.execute(
            update(Staff)
            .where(Staff.id == staff_id)
            .values({counter.failed: failed, counter.locked_until: until})
            .execution_options(synchronize_session=False)
        )
        claim = Claim(
            staff_id=staff_id,
            name=row.name,
            pin_hash=row.pin_hash,
            attempt=failed,
            max_attempts=limits.pin_max_attempts,
            locked_until=until,
            now=now,
        )
    if refusal is not None:
        raise refusal
    return claim


def record_refusal(
    store: Store, claim: Claim, counter: Counter, *, action: str = "", **detail: Any
) -> None:
    """A wrong PIN, in its own committed transaction: the try was counted by the claim;
    this writes what the manager reads in the log (and the lockout, if it was the last)."""
    with store.write() as s:
        audit.record(
            s,
            action=action or counter.failed_action,
            object_type="staff",
            object_id=claim.staff_id,
            actor_id=claim.staff_id,
            attempt=claim.attempt,
            **detail,
        )
        if claim.locked_until is not None:
            audit.record(
                s,
                action=counter.locked_action,
                object_type="staff",
                object_id=claim.staff_id,
                actor_id=claim.staff_id,
                until=claim.locked_until.isoformat(),
            )
            if counter is SIGN_IN:
                # Locked out of signing in: whoever is signed in as this person on any
                # tablet is signed out too, so the lockout is not a lockout in name only.
                sessions.end_all_audited(s, claim.staff_id, "locked_out", actor_id=claim.staff_id)


def clear(session: Session, staff_id: int, counter: Counter) -> None:
    """The right PIN: the count starts again (inside the caller's transaction)."""
    session.execute(
        update(Staff)
        .where(Staff.id == staff_id)
        .values({counter.failed: 0, counter.locked_until: None})
        .execution_options(synchronize_session=False)
    )
