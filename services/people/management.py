"""Staff management by a manager, on the tablet: add a person, set their roles, reset a
PIN, lift a lockout, deactivate someone who has left.

Every change needs a manager's own PIN entered at that moment (checked by
services.people.approvals.manager_approval, BEFORE the write transaction, so the slow
Argon2 check never holds the write lock) and is audited with both people: the manager
signed in (actor) and the manager whose PIN approved (approver). A new PIN is hashed
before the transaction for the same reason. Nobody is ever deleted: a person who left is
deactivated, so every order and audit event keeps naming them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import Role, Staff, StaffRole, utcnow
from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_
from services.people import sessions
from services.people.approvals import Approval, manager_approval, still_manager
from services.people.guard import APPROVAL, SIGN_IN, clear
from services.people.pins import check_pin_format, hash_pin
from services.permissions import Action, require
from services.text import NAME_MAX, RecordId, Version, checked_text, required_text

STAFF_NUMBER_MAX = 16


def _staff_number(value: object) -> str:
    text = checked_text(value, max_length=STAFF_NUMBER_MAX, required=N_("Give the staff number."))
    if not text.replace("-", "").isascii() or not text.replace("-", "").isalnum():
        raise DomainError("A staff number is letters, digits and dashes, like W05.")
    return text.upper()


def _roles(value: object) -> tuple[Role, ...]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise DomainError("Choose at least one role.")
    try:
        chosen = {Role(v) for v in value}
    except ValueError as exc:
        raise DomainError("Choose the roles from what the screen shows.") from exc
    if not chosen:
        raise DomainError("Choose at least one role.")
    return tuple(r for r in Role if r in chosen)  # the table's order, whatever was tapped


StaffNumber = Annotated[str, BeforeValidator(_staff_number)]
Roles = Annotated[tuple[Role, ...], BeforeValidator(_roles)]
Pin = Annotated[str, BeforeValidator(check_pin_format)]
PersonName = Annotated[str, required_text(NAME_MAX, N_("Give the person's name."))]


class StaffLine(BaseModel):
    """One person as the staff screen lists them: never the PIN or its hash."""

    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    name: str
    roles: tuple[Role, ...]
    active: bool
    locked: bool  # locked out of signing in (too many wrong PINs)
    approvals_locked: bool  # locked out of asking approvals (wrong manager PINs)
    version: int


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    manager_pin: str  # checked by manager_approval, which counts and audits each try


class AddPerson(_Command):
    number: StaffNumber
    name: PersonName
    roles: Roles
    pin: Pin


class SetRoles(_Command):
    staff_id: RecordId
    version: Version
    roles: Roles


class ResetPin(_Command):
    staff_id: RecordId
    version: Version
    pin: Pin


class LiftLockout(_Command):
    staff_id: RecordId
    version: Version


class Deactivate(_Command):
    staff_id: RecordId
    version: Version


def _line(staff: Staff, now: datetime) -> StaffLine:
    return StaffLine(
        id=staff.id,
        number=staff.number,
        name=staff.name,
        roles=tuple(r for r in Role if r in staff.role_set),
        active=staff.active,
        locked=staff.locked_until is not None and staff.locked_until > now,
        approvals_locked=staff.approvals_locked_until is not None
        and staff.approvals_locked_until > now,
        version=staff.version,
    )


def staff_list(store: Store, viewer_id: int, now: datetime | None = None) -> list[StaffLine]:
    """Everyone, the people still working first, each group by staff number."""
    now = now or utcnow()
    with store.read() as s:
        require(s, viewer_id, Action.MANAGE_STAFF)
        people = s.scalars(select(Staff).order_by(Staff.active.desc(), Staff.number)).all()
        return [_line(p, now) for p in people]


@contextmanager
def _one_writer() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise Conflict(
            "Another tablet changed this person at the same moment. The list is up to date "
            "now: look again."
        ) from exc


def _person(s: Session, staff_id: int, version: int) -> Staff:
    staff = s.get(Staff, staff_id)
    if staff is None:
        raise NotFound("Unknown staff member.")
    if staff.version != version:
        raise Conflict(
            "{name} was changed on another tablet meanwhile. The list is up to date now: "
            "look again.",
            name=staff.name,
        )
    return staff


def _managers_left(s: Session, without: int) -> int:
    """Active managers other than `without`: the restaurant must keep one."""
    return len(
        s.scalars(
            select(Staff.id)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(Staff.active, StaffRole.role == Role.MANAGER.value, Staff.id != without)
        ).all()
    )


T = TypeVar("T")


def _approved(
    store: Store, actor_id: int, command: _Command, purpose: str, work: Callable[..., T]
) -> T:
    """The manager's PIN first (outside any transaction), then the change in one."""
    with store.read() as s:
        require(s, actor_id, Action.MANAGE_STAFF)
    approval = manager_approval(store, actor_id, command.manager_pin, purpose=purpose)
    with _one_writer(), store.write() as s:
        require(s, actor_id, Action.MANAGE_STAFF)
        still_manager(s, approval.manager_id)
        result: T = work(s, approval)
        return result


def _record(
    s: Session, action: str, staff: Staff, actor_id: int, a: Approval, **detail: object
) -> None:
    s.flush()
    audit.record(
        s,
        action=action,
        object_type="staff",
        object_id=staff.id,
        actor_id=actor_id,
        approver_id=a.manager_id,
        number=staff.number,
        **detail,
    )


def add_person(store: Store, actor_id: int, command: AddPerson) -> StaffLine:
    """A new person with their roles and a first PIN (they change it with "Change my PIN")."""
    pin_hash = hash_pin(command.pin)

    def work(s: Session, a: Approval) -> StaffLine:
        if s.scalar(select(Staff.id).where(Staff.number == command.number)) is not None:
            raise DomainError("Staff number {number} is already taken.", number=command.number)
        staff = Staff(number=command.number, name=command.name, pin_hash=pin_hash)
        staff.roles = [StaffRole(role=r.value) for r in command.roles]
        s.add(staff)
        _record(s, "staff.created", staff, actor_id, a, roles=[r.value for r in command.roles])
        return _line(staff, utcnow())

    return _approved(store, actor_id, command, "add_staff", work)


def set_roles(store: Store, actor_id: int, command: SetRoles) -> StaffLine:
    def work(s: Session, a: Approval) -> StaffLine:
        staff = _person(s, command.staff_id, command.version)
        before = tuple(r for r in Role if r in staff.role_set)
        if (
            Role.MANAGER in before
            and Role.MANAGER not in command.roles
            and _managers_left(s, staff.id) == 0
        ):
            raise DomainError(
                "{name} is the only manager: make someone else a manager first.",
                name=staff.name,
            )
        if before != command.roles:
            keep = [r for r in staff.roles if Role(r.role) in command.roles]
            added = [StaffRole(role=r.value) for r in command.roles if r not in before]
            staff.roles = keep + added
            # Only the role rows change: mark the person changed too, so the versioned
            # UPDATE makes another tablet's copy of them stale (and a racing edit fail).
            flag_modified(staff, "name")
            _record(
                s,
                "staff.roles_set",
                staff,
                actor_id,
                a,
                before=[r.value for r in before],
                after=[r.value for r in command.roles],
            )
        return _line(staff, utcnow())

    return _approved(store, actor_id, command, "set_roles", work)


def reset_pin(store: Store, actor_id: int, command: ResetPin) -> StaffLine:
    """A new PIN, told to the person by the manager; any lockout is lifted with it."""
    pin_hash = hash_pin(command.pin)

    def work(s: Session, a: Approval) -> StaffLine:
        staff = _person(s, command.staff_id, command.version)
        if not staff.active:
            raise DomainError("{name} no longer works here.", name=staff.name)
        staff.pin_hash = pin_hash
        s.flush()
        clear(s, staff.id, SIGN_IN)
        clear(s, staff.id, APPROVAL)
        _record(s, "staff.pin_reset", staff, actor_id, a)
        # Whoever may have learnt the old PIN is signed out with it (not the manager's own
        # tablet, if they reset their own PIN here).
        sessions.end_all_audited(s, staff.id, "pin_reset", actor_id=actor_id, keep=actor_id)
        s.refresh(staff)
        return _line(staff, utcnow())

    return _approved(store, actor_id, command, "reset_pin", work)


def lift_lockout(store: Store, actor_id: int, command: LiftLockout) -> StaffLine:
    """The person may try their own PIN again at once (they still know it)."""

    def work(s: Session, a: Approval) -> StaffLine:
        staff = _person(s, command.staff_id, command.version)
        now = utcnow()
        line = _line(staff, now)
        if not (line.locked or line.approvals_locked or staff.failed_pin_attempts):
            raise DomainError("{name} is not locked out.", name=staff.name)
        clear(s, staff.id, SIGN_IN)
        clear(s, staff.id, APPROVAL)
        _record(s, "staff.lockout_lifted", staff, actor_id, a)
        s.refresh(staff)
        return _line(staff, now)

    return _approved(store, actor_id, command, "lift_lockout", work)


def deactivate(store: Store, actor_id: int, command: Deactivate) -> StaffLine:
    """Someone who has left can no longer sign in or be chosen; their records stay."""

    def work(s: Session, a: Approval) -> StaffLine:
        staff = _person(s, command.staff_id, command.version)
        if not staff.active:
            raise DomainError("{name} is already deactivated.", name=staff.name)
        if staff.id == actor_id:
            raise DomainError("You cannot deactivate yourself: ask another manager.")
        if Role.MANAGER in staff.role_set and _managers_left(s, staff.id) == 0:
            raise DomainError(
                "{name} is the only manager: make someone else a manager first.",
                name=staff.name,
            )
        staff.active = False
        _record(s, "staff.deactivated", staff, actor_id, a)
        sessions.end_all_audited(s, staff.id, "deactivated", actor_id=actor_id)
        return _line(staff, utcnow())

    return _approved(store, actor_id, command, "deactivate_staff", work)
