"""The bill on request (第6条 13, 第9条 ①③): the guest asks, the bill is presented, and
any change after that makes a new version.

- `request_bill`: the waiter records that the guest asked; the party's stage becomes
  bill_requested. Never before: a bill nobody asked for is never brought (第6条 13).
- `present_bill`: printed or shown to the guest; refused unless the guest asked.
- `reprint_bill`: every reprint is counted and marked COPY, or SUPERSEDED for a version
  that a newer one replaced (第9条 ③: an altered bill is never presented as the bill).
- `bill_ready`: whether every course of what was sent has been served.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    AT_TABLE,
    Bill,
    BillPart,
    Party,
    PartyStage,
    Payment,
    PaymentMethod,
    Restaurant,
)
from services import audit
from services.billing.amounts import BillAmounts
from services.billing.ledger import (
    BillMoney,
    bill_guard,
    billed_lines,
    live_bill,
    locked_bill,
    money_of,
    refresh,
    stored_plan,
)
from services.billing.splits import SplitKind
from services.errors import DomainError, NotFound
from services.floor.seating import advance_party
from services.i18n import N_
from services.orders.views import table_label
from services.permissions import Action, require
from services.service_day import aware
from services.text import RecordId

NOT_ASKED = N_(
    "The guests have not asked for the bill: it is never brought before they ask (第6条 13)."
)


class PartyBill(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId


class BillRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    bill_id: RecordId


class PartView(BaseModel):
    model_config = ConfigDict(frozen=True)

    part_id: int
    number: int
    label: str
    amount_minor: int
    paid_minor: int
    owed_minor: int
    settled: bool


class PaymentLine(BaseModel):
    """A payment or refund on this version, as the receipt and the cashier see it."""

    model_config = ConfigDict(frozen=True)

    payment_id: int
    kind: str  # payment or refund
    part_number: int
    method_code: str
    method_en: str
    method_zh: str
    amount_minor: int
    tendered_minor: int | None
    change_minor: int
    tip_minor: int
    card_last4: str
    reference: str
    taken_at: datetime


class VersionView(BaseModel):
    model_config = ConfigDict(frozen=True)

    bill_id: int
    number: int
    state: str
    made_for: str
    total_minor: int
    presented: bool
    copies: int


class BillView(BaseModel):
    """One version of a bill, what is paid on it and what is still owed."""

    model_config = ConfigDict(frozen=True)

    bill_id: int
    party_id: int
    number: int  # the version
    state: str  # current, superseded, settled
    made_for: str
    table_label: str
    currency: str
    currency_exponent: int
    amounts: BillAmounts
    split: SplitKind
    parts: tuple[PartView, ...]
    carried_minor: int
    paid_minor: int
    owed_minor: int
    presented_at: datetime | None
    copies: int
    settled_at: datetime | None
    invoice_number: int | None
    invoice_title: str
    invoice_tax_id: str
    invoice_email: str
    versions: tuple[VersionView, ...]
    payments: tuple[PaymentLine, ...] = ()

    @property
    def total_minor(self) -> int:
        return self.amounts.total_minor

    def part(self, number: int) -> PartView | None:
        return next((p for p in self.parts if p.number == number), None)


class Reprint(BaseModel):
    model_config = ConfigDict(frozen=True)

    bill: BillView
    mark: str  # "COPY" or "SUPERSEDED"
    copy_number: int


def view_of(session: Session, bill: Bill, money: BillMoney | None = None) -> BillView:
    """What the screens show of a bill; `money` where the caller has just read it."""
    restaurant = session.get(Restaurant, 1)
    money = money_of(session, bill, money)
    parts = []
    for part in money.parts:
        owed = money.owed_on(part)
        parts.append(
            PartView(
                part_id=part.id,
                number=part.number,
                label=part.label,
                amount_minor=part.amount_minor,
                paid_minor=part.amount_minor - owed,
                owed_minor=owed,
                settled=part.settled_at is not None,
            )
        )
    versions = session.scalars(
        select(Bill).where(Bill.party_id == bill.party_id).order_by(Bill.number)
    ).all()
    paid = money.paid_minor
    payments = session.execute(
        select(Payment, PaymentMethod, BillPart.number)
        .join(PaymentMethod, PaymentMethod.id == Payment.method_id)
        .join(BillPart, BillPart.id == Payment.part_id)
        .where(Payment.bill_id == bill.id)
        .order_by(Payment.id)
    ).all()
    return BillView(
        bill_id=bill.id,
        party_id=bill.party_id,
        number=bill.number,
        state=bill.state,
        made_for=bill.made_for,
        table_label=table_label(session, bill.party_id),
        currency=restaurant.currency if restaurant else "CNY",
        currency_exponent=restaurant.currency_exponent if restaurant else 2,
        amounts=BillAmounts.model_validate_json(bill.snapshot),
        split=stored_plan(bill).kind,
        parts=tuple(parts),
        carried_minor=bill.carried_minor,
        paid_minor=paid,
        owed_minor=bill.total_minor - paid,
        presented_at=bill.presented_at,
        copies=bill.copies,
        settled_at=bill.settled_at,
        invoice_number=bill.invoice_number,
        invoice_title=bill.invoice_title,
        invoice_tax_id=bill.invoice_tax_id,
        invoice_email=bill.invoice_email,
        versions=tuple(
            VersionView(
                bill_id=v.id,
                number=v.number,
                state=v.state,
                made_for=v.made_for,
                total_minor=v.total_minor,
                presented=v.presented_at is not None,
                copies=v.copies,
            )
            for v in versions
        ),
        payments=tuple(
            PaymentLine(
                payment_id=p.id,
                kind=p.kind,
                part_number=number,
                method_code=m.code,
                method_en=m.name_en,
                method_zh=m.name_zh,
                amount_minor=p.amount_minor,
                tendered_minor=p.tendered_minor,
                change_minor=p.change_minor,
                tip_minor=p.tip_minor,
                card_last4=p.card_last4,
                reference=p.reference,
                taken_at=p.taken_at,
            )
            for p, m, number in payments
        ),
    )


def billing_party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("No party has id {id}.", id=party_id)
    if PartyStage(party.stage) not in AT_TABLE and party.stage != PartyStage.LEFT:
        raise DomainError("This party is not at a table: there is no bill to make.")
    return party


def request_bill(store: Store, actor_id: int, command: PartyBill) -> BillView:
    """The guest asked for the bill (买单): record it and make the bill ready."""
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.REQUEST_BILL)
        party = billing_party(s, command.party_id)
        if PartyStage(party.stage) in (PartyStage.PAID, PartyStage.LEFT):
            raise DomainError("This table has paid already.")
        if not billed_lines(s, party.id):
            raise DomainError(
                "Nothing has been sent to the kitchen for this table: there is nothing to bill."
            )
        was = party.stage
        advance_party(s, party.id, PartyStage.BILL_REQUESTED, actor_id=actor_id)
        made_for = "first" if live_bill(s, party.id) is None else "changed"
        bill = refresh(s, party, actor_id, made_for)
        if was != PartyStage.BILL_REQUESTED:
            audit.record(
                s,
                action="bill.requested",
                object_type="party",
                object_id=party.id,
                actor_id=actor_id,
                bill=bill.id,
            )
        return view_of(s, bill)


def present_bill(
    store: Store, actor_id: int, command: PartyBill, at: datetime | None = None
) -> BillView:
    """Print or show the bill to the guest (第9条 ②). Refused unless the guest asked for it.
    A bill that changed since it was last presented is presented as its new version."""
    at = aware(at)
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.PRESENT_BILL)
        party = billing_party(s, command.party_id)
        if party.stage != PartyStage.BILL_REQUESTED:
            existing = live_bill(s, party.id)
            if existing is None or existing.state != "current":
                if PartyStage(party.stage) in (PartyStage.PAID, PartyStage.LEFT):
                    raise DomainError(
                        "This bill is settled: reprint it as a copy instead of presenting it."
                    )
                raise DomainError(NOT_ASKED)
        bill = refresh(s, party, actor_id, "changed")
        if bill.presented_at is None:
            bill.presented_at = at
            bill.presented_by_id = actor_id
            audit.record(
                s,
                action="bill.presented",
                object_type="bill",
                object_id=bill.id,
                actor_id=actor_id,
                party=party.id,
                number=bill.number,
                total=bill.total_minor,
            )
        if bill.total_minor == 0 and bill.carried_minor == 0 and bill.state == "current":
            # Everything was comped: nothing to pay, so the bill is settled as presented.
            from services.billing.payments import settle_if_paid

            settle_if_paid(s, bill, party, actor_id)
        return view_of(s, bill)


def reprint_bill(store: Store, actor_id: int, command: BillRef) -> Reprint:
    """Another copy of a bill already presented: counted, and marked COPY, or SUPERSEDED
    when a newer version replaced it."""
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.PRESENT_BILL)
        bill = locked_bill(s, command.bill_id)
        if bill.presented_at is None:
            raise DomainError("This bill was never presented: present it first.")
        bill.copies += 1
        mark = "SUPERSEDED" if bill.state == "superseded" else "COPY"
        audit.record(
            s,
            action="bill.reprinted",
            object_type="bill",
            object_id=bill.id,
            actor_id=actor_id,
            mark=mark,
            copy=bill.copies,
        )
        s.flush()
        return Reprint(bill=view_of(s, bill), mark=mark, copy_number=bill.copies)


def bill_view(store: Store, party_id: int) -> BillView | None:
    """The party's live bill (current or settled), or None before the guest asked."""
    with store.read() as s:
        bill = live_bill(s, party_id)
        return view_of(s, bill) if bill is not None else None


def bill_version(store: Store, bill_id: int) -> BillView:
    """Any version, superseded ones included (for a reprint marked SUPERSEDED)."""
    with store.read() as s:
        bill = s.get(Bill, bill_id)
        if bill is None:
            raise NotFound("No bill has id {id}.", id=bill_id)
        return view_of(s, bill)


def bill_ready(store: Store, party_id: int) -> bool:
    """第9条 ①: the bill is made ready after the last course. True once every course of
    the sent, not voided lines is served (services.serving), and something was sent."""
    from services.billing.readiness import all_served

    with store.read() as s:
        return all_served(s, party_id)
