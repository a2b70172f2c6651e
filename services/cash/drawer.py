"""The cashier's drawer (第9条 ②): opened with a float counted by note and coin, cash paid
in and out with a reason, closed with a count; the expected amount, the count and the
variance are written once at the close and the drawer is read-only from then on.

What the drawer should hold = the float + the cash the drawer's cashier took while it was
open (what went towards bills plus cash tips: the change was counted back out of the
tender) − cash refunds + paid in − paid out. It is summed from the stored payments, so a
payment the tablet lost half-way (killed, rolled back) is never counted, and one that was
committed always is. With the blind count on, the cashier sees none of it until the count
is in.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import CashDrawer, CashMovement, CashSetting, Payment, PaymentMethod, Staff, utcnow
from services import audit
from services.billing.tenders import ClientId, Money
from services.cash.counts import CashCount, CountLine, count_lines, loaded, stored, value_of
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.i18n import N_
from services.permissions import Action, require
from services.text import Reason, RecordId, required_text

ALREADY_OPEN = N_("You have a drawer open already: close it before opening another.")
CLOSED = N_("This drawer is closed: nothing more can be changed on it.")
CHANGED = N_("Someone else changed this drawer first: look at it again.")


class OpenDrawer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_drawer_id: ClientId
    float_counts: CashCount


class MovementKind(StrEnum):
    PAID_IN = "paid_in"
    PAID_OUT = "paid_out"


class CashInOut(BaseModel):
    """Cash put in (change from the bank) or taken out (a delivery paid from the drawer)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_movement_id: ClientId
    drawer_id: RecordId
    kind: MovementKind
    amount_minor: Money
    reason: Annotated[str, required_text(500, N_("Write why the cash went in or out."))]


class CloseDrawer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    drawer_id: RecordId
    counts: CashCount
    note: Reason = ""


class MovementView(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    amount_minor: int
    reason: str
    at: datetime


class DrawerView(BaseModel):
    """A drawer as its screen shows it. While a blind drawer is open, what it should hold
    is not given (None): the cashier counts first."""

    model_config = ConfigDict(frozen=True)

    drawer_id: int
    staff_id: int
    staff_name: str
    state: str
    blind: bool
    opened_at: datetime
    float_minor: int
    float_lines: tuple[CountLine, ...]
    paid_in_minor: int
    paid_out_minor: int
    movements: tuple[MovementView, ...]
    cash_taken_minor: int | None
    expected_minor: int | None
    closed_at: datetime | None = None
    counted_minor: int | None = None
    counted_lines: tuple[CountLine, ...] = ()
    variance_minor: int | None = None

    @property
    def open(self) -> bool:
        return self.state == "open"


def cash_taken(s: Session, drawer: CashDrawer, until: datetime | None = None) -> int:
    """Cash that went into the drawer from payments (amount + tip), less cash refunds."""
    sign = case((Payment.kind == "refund", -1), else_=1)
    query = (
        select(func.coalesce(func.sum(sign * (Payment.amount_minor + Payment.tip_minor)), 0))
        .join(PaymentMethod, PaymentMethod.id == Payment.method_id)
        .where(
            PaymentMethod.kind == "cash",
            Payment.taken_by_id == drawer.staff_id,
            Payment.taken_at >= drawer.opened_at,
        )
    )
    end = drawer.closed_at or until
    if end is not None:
        query = query.where(Payment.taken_at < end)
    return int(s.scalar(query) or 0)


def _movements(s: Session, drawer_id: int) -> list[CashMovement]:
    return list(
        s.scalars(
            select(CashMovement)
            .where(CashMovement.drawer_id == drawer_id)
            .order_by(CashMovement.id)
        ).all()
    )


def _signed(move: CashMovement) -> int:
    return move.amount_minor if move.kind == MovementKind.PAID_IN else -move.amount_minor


def expected_in(s: Session, drawer: CashDrawer, until: datetime | None = None) -> int:
    moved = sum(_signed(m) for m in _movements(s, drawer.id))
    return drawer.float_minor + cash_taken(s, drawer, until) + moved


def view_of(s: Session, drawer: CashDrawer) -> DrawerView:
    staff = s.get(Staff, drawer.staff_id)
    moves = _movements(s, drawer.id)
    moved = sum(_signed(m) for m in moves)
    taken: int | None
    if drawer.state == "closed":  # as written at the close, whatever came after
        expected = drawer.expected_minor
        taken = (drawer.expected_minor or 0) - drawer.float_minor - moved
    elif drawer.blind:  # the cashier counts before seeing any of it
        expected = taken = None
    else:
        taken = cash_taken(s, drawer)
        expected = drawer.float_minor + taken + moved
    return DrawerView(
        drawer_id=drawer.id,
        staff_id=drawer.staff_id,
        staff_name=staff.name if staff is not None else "",
        state=drawer.state,
        blind=drawer.blind,
        opened_at=drawer.opened_at,
        float_minor=drawer.float_minor,
        float_lines=count_lines(loaded(drawer.float_counts)),
        paid_in_minor=sum(m.amount_minor for m in moves if m.kind == MovementKind.PAID_IN),
        paid_out_minor=sum(m.amount_minor for m in moves if m.kind == MovementKind.PAID_OUT),
        movements=tuple(
            MovementView(kind=m.kind, amount_minor=m.amount_minor, reason=m.reason, at=m.at)
            for m in moves
        ),
        cash_taken_minor=taken,
        expected_minor=expected,
        closed_at=drawer.closed_at,
        counted_minor=drawer.counted_minor,
        counted_lines=count_lines(loaded(drawer.counted_counts)) if drawer.counted_counts else (),
        variance_minor=drawer.variance_minor,
    )


def open_drawer(store: Store, actor_id: int, command: OpenDrawer) -> DrawerView:
    """Open the actor's drawer with the float they counted. A retry under the same id
    gives back the drawer it opened."""
    try:
        with store.write() as s:
            require(s, actor_id, Action.WORK_DRAWER)
            done = s.scalar(
                select(CashDrawer).where(CashDrawer.client_drawer_id == command.client_drawer_id)
            )
            if done is not None:
                return view_of(s, done)
            if _open_drawer_of(s, actor_id) is not None:
                raise DomainError(ALREADY_OPEN)
            row = s.get(CashSetting, 1)
            drawer = CashDrawer(
                client_drawer_id=command.client_drawer_id,
                staff_id=actor_id,
                state="open",
                blind=bool(row and row.blind_count),
                opened_at=utcnow(),
                float_counts=stored(command.float_counts),
                float_minor=value_of(command.float_counts),
            )
            s.add(drawer)
            s.flush()
            audit.record(
                s,
                action="drawer.opened",
                object_type="cash_drawer",
                object_id=drawer.id,
                actor_id=actor_id,
                float=drawer.float_minor,
                counts=command.float_counts,
                blind=drawer.blind,
            )
            return view_of(s, drawer)
    except IntegrityError:  # another tablet opened one for this cashier at the same moment
        raise DomainError(ALREADY_OPEN) from None


def _open_drawer_of(s: Session, staff_id: int) -> CashDrawer | None:
    return s.scalar(
        select(CashDrawer).where(CashDrawer.staff_id == staff_id, CashDrawer.state == "open")
    )


def _own_open(s: Session, actor_id: int, drawer_id: int) -> CashDrawer:
    drawer = s.get(CashDrawer, drawer_id, with_for_update=True)
    if drawer is None:
        raise NotFound("That drawer does not exist.")
    if drawer.staff_id != actor_id:
        raise NotAllowed("Only the cashier who opened a drawer works it.")
    if drawer.state != "open":
        raise DomainError(CLOSED)
    return drawer


def pay_in_out(store: Store, actor_id: int, command: CashInOut) -> DrawerView:
    """Cash in or out of the open drawer, with its reason; never more out than it holds."""
    reason = command.reason
    try:
        with store.write() as s:
            require(s, actor_id, Action.WORK_DRAWER)
            done = s.scalar(
                select(CashMovement).where(
                    CashMovement.client_movement_id == command.client_movement_id
                )
            )
            if done is not None:
                drawer = s.get(CashDrawer, done.drawer_id)
                assert drawer is not None  # foreign key
                return view_of(s, drawer)
            drawer = _own_open(s, actor_id, command.drawer_id)
            if command.kind is MovementKind.PAID_OUT:
                holds = expected_in(s, drawer)
                if command.amount_minor > holds:
                    raise DomainError("The drawer does not hold that much cash.")
            move = CashMovement(
                client_movement_id=command.client_movement_id,
                drawer_id=drawer.id,
                kind=command.kind.value,
                amount_minor=command.amount_minor,
                reason=reason,
                at=utcnow(),
                by_id=actor_id,
            )
            s.add(move)
            s.flush()
            audit.record(
                s,
                action=f"drawer.{command.kind.value}",
                object_type="cash_drawer",
                object_id=drawer.id,
                actor_id=actor_id,
                amount=command.amount_minor,
                reason=reason,
            )
            return view_of(s, drawer)
    except (IntegrityError, StaleDataError):
        raise Conflict(CHANGED) from None


def close_drawer(store: Store, actor_id: int, command: CloseDrawer) -> DrawerView:
    """Count the drawer; the expected amount and the variance are written with the count."""
    try:
        with store.write() as s:
            require(s, actor_id, Action.WORK_DRAWER)
            drawer = _own_open(s, actor_id, command.drawer_id)
            now = utcnow()
            expected = expected_in(s, drawer, until=now)
            counted = value_of(command.counts)
            drawer.state = "closed"
            drawer.closed_at = now
            drawer.closed_by_id = actor_id
            drawer.counted_counts = stored(command.counts)
            drawer.counted_minor = counted
            drawer.expected_minor = expected
            drawer.variance_minor = counted - expected
            drawer.close_note = command.note
            s.flush()
            audit.record(
                s,
                action="drawer.closed",
                object_type="cash_drawer",
                object_id=drawer.id,
                actor_id=actor_id,
                counted=counted,
                expected=expected,
                variance=counted - expected,
                counts=command.counts,
                blind=drawer.blind,
                note=command.note,
            )
            return view_of(s, drawer)
    except (IntegrityError, StaleDataError):
        raise Conflict(CHANGED) from None


def my_drawer(store: Store, staff_id: int) -> DrawerView | None:
    """The person's open drawer, or None."""
    with store.read() as s:
        require(s, staff_id, Action.WORK_DRAWER)
        drawer = _open_drawer_of(s, staff_id)
        return view_of(s, drawer) if drawer is not None else None


def drawer_view(store: Store, viewer_id: int, drawer_id: int) -> DrawerView:
    with store.read() as s:
        require(s, viewer_id, Action.WORK_DRAWER)
        drawer = s.get(CashDrawer, drawer_id)
        if drawer is None:
            raise NotFound("That drawer does not exist.")
        if drawer.staff_id != viewer_id and drawer.state == "open":
            raise NotAllowed("Only the cashier who opened a drawer works it.")
        return view_of(s, drawer)
