"""Signed-in sessions: every service acts for one, never for a bare staff id.

Signing in opens a session and gives the tablet an `Acting`: the person's staff id (it is
that int, so services store and compare it as before) together with the session's id and
a random token that only that tablet holds. `acting_staff` checks it in every command's
transaction: a number typed in, a forged token, or a session that has ended (sign-out,
idle sign-out, lockout, PIN reset, deactivation) is refused, so a locked-out or departed
manager's id no longer passes any role check.

Only the SHA-256 of the token is stored: reading the database gives nobody a session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from models import Staff, StaffSession, utcnow
from services import audit
from services.errors import NotAllowed
from services.i18n import N_

SIGN_IN_FIRST = N_("Sign in first: this tablet is not signed in as anyone.")

# Why a session ended, as the person whose command was refused reads it.
ENDED: dict[str, str] = {
    "manual": N_("You signed out: sign in again."),
    "idle": N_("You were signed out after a while without a touch: sign in again."),
    "locked_out": N_("Your sign-in ended: too many wrong PINs locked you out."),
    "pin_reset": N_("Your sign-in ended: your PIN was reset. Sign in with the new one."),
    "deactivated": N_("Your sign-in ended: you are no longer on the staff list."),
}


class SessionEnded(NotAllowed):
    """The session a command came under is over: the tablet goes back to sign-in."""


class Acting(int):
    """A signed-in person, as the services take them: the staff id, and proof of the session.

    It prints, formats and binds as the plain staff id (int's own repr is kept on purpose:
    the database drivers and every message see a number), so a log line shows no secret.
    """

    session_id: int
    _token: str

    def __new__(cls, staff_id: int, session_id: int, token: str) -> Acting:
        acting = super().__new__(cls, staff_id)
        acting.session_id = session_id
        acting._token = token
        return acting

    @property
    def staff_id(self) -> int:
        return int(self)

    def __reduce__(self) -> tuple[object, ...]:
        return (Acting, (int(self), self.session_id, self._token))

    def proves(self, token_digest: str) -> bool:
        return hmac.compare_digest(_digest(self._token), token_digest)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def start(session: Session, staff: Staff, *, now: datetime | None = None) -> Acting:
    """Open a session for a person whose PIN was just checked (inside the caller's write)."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(staff_id=staff.id, token_digest=_digest(token), started_at=now or utcnow())
    session.add(row)
    session.flush()
    return Acting(staff.id, row.id, token)


# Where a transaction keeps the session it has checked (Session.info lives as long as the
# transaction's Session: one per store.write() or store.read()).
_CHECKED = "acting_checked"


def acting_staff(session: Session, actor: object) -> Staff:
    """The person a command is for, if `actor` is a live session of theirs; else refused."""
    if not isinstance(actor, Acting):
        raise NotAllowed(SIGN_IN_FIRST)
    checked = session.info.get(_CHECKED)
    if checked is not None and checked[0] is actor:
        # Checked already in this transaction (a send also moves the party on, and that
        # asks again): the same rows, whose state is looked at again below.
        row, staff = checked[1], checked[2]
    else:
        # The session, its person and their roles in one statement: every command starts
        # here.
        found = (
            session.execute(
                select(StaffSession, Staff)
                .join(Staff, Staff.id == StaffSession.staff_id)
                .where(StaffSession.id == actor.session_id)
                .options(joinedload(Staff.roles))
                # Rows this transaction holds already are read afresh: `end` changes them
                # with a bulk UPDATE, which leaves a loaded row as it was.
                .execution_options(populate_existing=True)
            )
            .unique()
            .one_or_none()
        )
        if found is None:
            raise NotAllowed(SIGN_IN_FIRST)
        row, staff = found
        if row.staff_id != int(actor) or not actor.proves(row.token_digest):
            raise NotAllowed(SIGN_IN_FIRST)
    if row.ended_at is not None:
        raise SessionEnded(ENDED.get(row.end_reason or "manual", ENDED["manual"]))
    if not staff.active:
        raise SessionEnded(ENDED["deactivated"])
    session.info[_CHECKED] = (actor, row, staff)
    return staff


def end(session: Session, actor: Acting, reason: str, *, now: datetime | None = None) -> None:
    """End this one session (sign-out on this tablet)."""
    session.info.pop(_CHECKED, None)
    session.execute(
        update(StaffSession)
        .where(StaffSession.id == actor.session_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )


def end_all(
    session: Session,
    staff_id: int,
    reason: str,
    *,
    keep: object = None,
    now: datetime | None = None,
) -> int:
    """End every live session of a person (lockout, PIN reset, deactivation), on every
    tablet but the one `keep` acts under; returns how many were live."""
    session.info.pop(_CHECKED, None)
    kept = keep.session_id if isinstance(keep, Acting) else 0
    live = session.scalars(
        select(StaffSession.id).where(
            StaffSession.staff_id == staff_id,
            StaffSession.ended_at.is_(None),
            StaffSession.id != kept,
        )
    ).all()
    if live:
        session.execute(
            update(StaffSession)
            .where(StaffSession.id.in_(live))
            .values(ended_at=now or utcnow(), end_reason=reason)
            .execution_options(synchronize_session=False)
        )
    return len(live)


def end_all_audited(
    session: Session,
    staff_id: int,
    reason: str,
    *,
    actor_id: int | None = None,
    actor_label: str = "",
    keep: object = None,
) -> int:
    """`end_all`, and an audit event saying so if any session was live."""
    ended = end_all(session, staff_id, reason, keep=keep)
    if ended:
        audit.record(
            session,
            action="staff.sessions_ended",
            object_type="staff",
            object_id=staff_id,
            actor_id=actor_id,
            actor_label=actor_label,
            reason=reason,
            sessions=ended,
        )
    return ended


def is_live(session: Session, actor: object) -> bool:
    try:
        acting_staff(session, actor)
    except NotAllowed:
        return False
    return True
