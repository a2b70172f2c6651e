"""The bill inside a transaction: what it comes to now, its live version, what is paid.

`refresh` is the one place that applies 第9条 ③ (a changed bill is a new bill): a version
a guest has not seen yet is brought up to date in place; a version that was presented, or
that has money on it, is kept as it was, marked superseded, and a new version is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import (
    Bill,
    BillPart,
    DiningTable,
    Discount,
    Party,
    Payment,
    Restaurant,
    Section,
    Staff,
    TableOccupancy,
    utcnow,
)
from services import audit
from services.billing.amounts import BillAmounts, BillSettings, DiscountIn, LineIn, compute_bill
from services.billing.splits import SplitKind, SplitPlan, plan_parts
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_
from services.orders.views import order_in

NO_RESTAURANT = N_("This database holds no restaurant yet: load one first.")
BILL_CHANGED = N_("This bill was just changed on another tablet; it has been reloaded: look again.")


@contextmanager
def bill_guard() -> Iterator[None]:
    """Around a billing write: when another tablet changed the same bill first (a version
    made at the same moment, a stale row), the transaction rolls back and the person is
    told, never a lost or doubled write."""
    try:
        yield
    except (IntegrityError, StaleDataError):
        raise Conflict(BILL_CHANGED) from None


def bill_settings(session: Session, party: Party) -> BillSettings:
    """The restaurant's settings, with the service charge of the section the party sits in
    (its first table) where that section sets its own."""
    restaurant = session.get(Restaurant, 1)
    if restaurant is None:
        raise DomainError(NO_RESTAURANT)
    section_rate = session.scalar(
        select(Section.service_charge_bp)
        .join(DiningTable, DiningTable.section_id == Section.id)
        .join(TableOccupancy, TableOccupancy.table_id == DiningTable.id)
        .where(TableOccupancy.party_id == party.id)
        .order_by(TableOccupancy.vacated_at.is_not(None), TableOccupancy.id)
        .limit(1)
    )
    return BillSettings(
        service_charge_bp=restaurant.service_charge_bp if section_rate is None else section_rate,
        service_after_discounts=restaurant.service_charge_after_discounts,
        tax_rate_bp=restaurant.tax_rate_bp,
        prices_include_tax=restaurant.prices_include_tax,
        cash_rounding=restaurant.cash_rounding,
        currency_exponent=restaurant.currency_exponent,
    )


def billed_lines(session: Session, party_id: int) -> list[LineIn]:
    """The lines the guests pay for: sent to the kitchen and not voided."""
    order = order_in(session, party_id)
    return [
        LineIn(
            line_id=line.id,
            seat=line.seat,
            name_en=line.name_en,
            name_zh=line.name_zh,
            choices_en=", ".join(m.name_en for m in line.modifiers),
            choices_zh="、".join(m.name_zh for m in line.modifiers),
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
        )
        for line in order.lines
        if line.sent and not line.voided
    ]


def given_discounts(session: Session, party_id: int) -> list[DiscountIn]:
    rows = session.execute(
        select(Discount, Staff.name)
        .join(Staff, Staff.id == Discount.approved_by_id)
        .where(Discount.party_id == party_id)
        .order_by(Discount.id)
    ).all()
    return [
        DiscountIn(
            kind=d.kind,
            line_id=d.line_id,
            percent_bp=d.percent_bp,
            amount_minor=d.amount_minor,
            reason=d.reason,
            approved_by=name,
        )
        for d, name in rows
    ]


def compute_now(session: Session, party: Party) -> BillAmounts:
    return compute_bill(
        billed_lines(session, party.id),
        given_discounts(session, party.id),
        bill_settings(session, party),
    )


def live_bill(session: Session, party_id: int, *, lock: bool = False) -> Bill | None:
    """The party's version that is not superseded (current or settled), if any. `lock`
    takes a row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE has serialised writers)."""
    query = select(Bill).where(Bill.party_id == party_id, Bill.state != "superseded")
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def locked_bill(session: Session, bill_id: int) -> Bill:
    bill = session.scalar(select(Bill).where(Bill.id == bill_id).with_for_update())
    if bill is None:
        raise NotFound("No bill has id {id}.", id=bill_id)
    return bill


def parts_of(session: Session, bill_id: int) -> list[BillPart]:
    return list(
        session.scalars(
            select(BillPart).where(BillPart.bill_id == bill_id).order_by(BillPart.number)
        ).all()
    )


@dataclass(frozen=True)
class BillMoney:
    """A bill's parts and the net money on each (payments less refunds; tips and change
    are apart), read in two statements however many parts it has."""

    bill: Bill
    parts: list[BillPart]
    paid: dict[int, int]  # part id -> net money on it

    def paid_on(self, part: BillPart) -> int:
        return self.paid.get(part.id, 0)

    def owed_on(self, part: BillPart) -> int:
        """What is still owed on a part; what was carried from a reopened version counts
        towards the first part."""
        carried = self.bill.carried_minor if part.number == 1 else 0
        return part.amount_minor - carried - self.paid_on(part)

    @property
    def paid_minor(self) -> int:
        return self.bill.carried_minor + sum(self.paid_on(part) for part in self.parts)

    def with_payment(self, part: BillPart, amount_minor: int) -> BillMoney:
        """The money once a payment just written on `part` is counted, without summing
        again: while the bill is locked, that payment is the only change to it."""
        paid = {**self.paid, part.id: self.paid_on(part) + amount_minor}
        return BillMoney(bill=self.bill, parts=self.parts, paid=paid)


def money_of(session: Session, bill: Bill, known: BillMoney | None = None) -> BillMoney:
    """The bill's money: `known` where the caller has just read it for this bill, else
    read now."""
    if known is not None and known.bill is bill:
        return known
    parts = parts_of(session, bill.id)
    rows = session.execute(
        select(Payment.part_id, Payment.kind, func.coalesce(func.sum(Payment.amount_minor), 0))
        .where(Payment.part_id.in_([part.id for part in parts]))
        .group_by(Payment.part_id, Payment.kind)
    ).all()
    paid: dict[int, int] = {}
    for part_id, kind, amount in rows:
        sign = {"payment": 1, "refund": -1}.get(kind, 0)
        paid[part_id] = paid.get(part_id, 0) + sign * int(amount)
    return BillMoney(bill=bill, parts=parts, paid=paid)


def paid_on_bill(session: Session, bill: Bill) -> int:
    return money_of(session, bill).paid_minor


def has_money(session: Session, bill: Bill) -> bool:
    if bill.carried_minor:
        return True
    return bool(
        session.scalar(select(func.count()).select_from(Payment).where(Payment.bill_id == bill.id))
    )


def stored_plan(bill: Bill) -> SplitPlan:
    return SplitPlan.model_validate_json(bill.split) if bill.split else SplitPlan()


def _make_parts(session: Session, bill: Bill, amounts: BillAmounts, plan: SplitPlan) -> None:
    for number, part in enumerate(plan_parts(amounts, plan), start=1):
        session.add(
            BillPart(
                bill_id=bill.id, number=number, label=part.label, amount_minor=part.amount_minor
            )
        )


def _plan_that_fits(amounts: BillAmounts, plan: SplitPlan, carried: int) -> SplitPlan:
    """A stored split re-applied to a changed bill, or the whole bill when it no longer
    fits (a dish of an item split was voided, money was carried from a reopened bill)."""
    if carried or plan.kind is SplitKind.AMOUNTS:
        return SplitPlan()
    try:
        plan_parts(amounts, plan)
    except DomainError:
        return SplitPlan()
    return plan


def refresh(
    session: Session,
    party: Party,
    actor_id: int,
    made_for: str,
    plan: SplitPlan | None = None,
) -> Bill:
    """Bring the party's bill up to what the order and its discounts say now (see the
    module docstring). Returns the live version; a settled one is returned unchanged."""
    amounts = compute_now(session, party)
    snapshot = amounts.model_dump_json()
    current = live_bill(session, party.id, lock=True)
    if current is not None and current.state == "settled":
        return current
    wanted = plan if plan is not None else (stored_plan(current) if current else SplitPlan())
    split = "" if wanted.kind is SplitKind.WHOLE else wanted.model_dump_json()
    if current is not None and current.snapshot == snapshot and current.split == split:
        return current
    if plan is not None:
        plan_parts(amounts, plan)  # refused here, before anything is written
    if current is not None and current.presented_at is None and not has_money(session, current):
        # Nobody has seen this version: it is brought up to date, not replaced.
        for part in parts_of(session, current.id):
            session.delete(part)
        session.flush()
        current.snapshot, current.split, current.total_minor = snapshot, split, amounts.total_minor
        _make_parts(session, current, amounts, wanted)
        session.flush()
        return current
    number, carried = 1, 0
    if current is not None:
        number = current.number + 1
        carried = paid_on_bill(session, current)
        current.state = "superseded"
        current.superseded_at = utcnow()
        session.flush()
        wanted = _plan_that_fits(amounts, wanted, carried)
        split = "" if wanted.kind is SplitKind.WHOLE else wanted.model_dump_json()
    bill = Bill(
        party_id=party.id,
        number=number,
        state="current",
        made_for=made_for,
        snapshot=snapshot,
        split=split,
        total_minor=amounts.total_minor,
        carried_minor=carried,
        created_by_id=actor_id,
        copies=0,
    )
    if current is not None:  # the guest's 发票 request stays with the bill
        bill.invoice_title = current.invoice_title
        bill.invoice_tax_id = current.invoice_tax_id
        bill.invoice_email = current.invoice_email
    session.add(bill)
    session.flush()
    _make_parts(session, bill, amounts, wanted)
    session.flush()
    audit.record(
        session,
        action="bill.version_made",
        object_type="bill",
        object_id=bill.id,
        actor_id=actor_id,
        party=party.id,
        number=number,
        made_for=made_for,
        supersedes=current.id if current is not None else None,
        total=amounts.total_minor,
        carried=carried,
    )
    return bill
