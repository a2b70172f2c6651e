"""Putting a bill right after money was taken: a manager reopens a settled bill, and money
is given back as a refund. Neither edits anything (docs/reliability.md "Security": voids,
refunds, discounts are append-only): a reopened bill is a new version, the settled one is
kept, superseded, with its invoice number; a refund is a new row pointing at the payment.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import func, select

from db.store import Store
from models import Bill, BillPart, Party, PartyStage, Payment, PaymentMethod, utcnow
from services import audit
from services.billing.bills import BillView, view_of
from services.billing.ledger import (
    bill_guard,
    compute_now,
    live_bill,
    locked_bill,
    money_of,
    paid_on_bill,
)
from services.billing.payments import settle_if_paid
from services.billing.tenders import ClientId, Money, refuse_card_numbers
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_
from services.people.approvals import manager_approval, still_manager
from services.permissions import Action, require
from services.text import REASON_MAX, RecordId, required_text

Why = Annotated[str, required_text(REASON_MAX, N_("Say why: it goes on the record."))]


class ReopenBill(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    bill_id: RecordId
    reason: Why
    # The manager's own PIN entered again on the cashier's screen (a tablet left signed in
    # must not reopen bills); checked before the write, recorded as the approver.
    manager_pin: object = None


class RefundPayment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_payment_id: ClientId  # the refund's own id, made by the tablet
    payment_id: RecordId
    amount_minor: Money
    reason: Why
    manager_pin: object = None

    _no_card_numbers = model_validator(mode="before")(refuse_card_numbers)


def reopen_bill(store: Store, actor_id: int, command: ReopenBill) -> BillView:
    """A manager reopens a settled bill: a new version, with what was paid carried onto it;
    the guests' table goes back to waiting for the bill if they are still there."""
    approval = None
    if command.manager_pin not in (None, ""):
        approval = manager_approval(store, actor_id, command.manager_pin, purpose="reopen")
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.REOPEN_BILL)
        approver_id = still_manager(s, approval.manager_id).id if approval else None
        old = locked_bill(s, command.bill_id)
        if old.state == "superseded":
            raise Conflict("This bill was replaced by a newer version: reload it.")
        if old.state != "settled":
            raise DomainError("This bill is not settled: it can still be changed as it is.")
        party = s.get(Party, old.party_id)
        assert party is not None  # foreign key
        carried = paid_on_bill(s, old)
        old.state = "superseded"
        old.superseded_at = utcnow()
        s.flush()
        amounts = compute_now(s, party)
        bill = Bill(
            party_id=party.id,
            number=old.number + 1,
            state="current",
            made_for="reopened",
            snapshot=amounts.model_dump_json(),
            split="",
            total_minor=amounts.total_minor,
            carried_minor=carried,
            created_by_id=actor_id,
            copies=0,
            invoice_title=old.invoice_title,
            invoice_tax_id=old.invoice_tax_id,
            invoice_email=old.invoice_email,
        )
        s.add(bill)
        s.flush()
        s.add(BillPart(bill_id=bill.id, number=1, label="whole", amount_minor=bill.total_minor))
        was = party.stage
        if party.stage == PartyStage.PAID:
            # The one way back for a party: recorded here, with the manager and the reason.
            party.stage = PartyStage.BILL_REQUESTED.value
        s.flush()
        audit.record(
            s,
            action="bill.reopened",
            object_type="bill",
            object_id=bill.id,
            actor_id=actor_id,
            approver_id=approver_id,
            party=party.id,
            supersedes=old.id,
            invoice=old.invoice_number,
            carried=carried,
            reason=command.reason,
            stage_was=was,
        )
        return view_of(s, bill)


def refund_payment(store: Store, actor_id: int, command: RefundPayment) -> BillView:
    """Give money back for a payment, with a manager's PIN, on a bill that is not settled
    (reopen a settled one first). Recorded as a new row; the payment stays as it was."""
    if command.manager_pin is None or command.manager_pin == "":
        raise DomainError("A refund needs a manager's PIN, entered here and now.")
    approval = manager_approval(store, actor_id, command.manager_pin, purpose="refund")
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.TAKE_PAYMENT)
        original = s.get(Payment, command.payment_id)
        if original is None or original.kind != "payment":
            raise NotFound("No payment has id {id}.", id=command.payment_id)
        bill = live_bill(s, original.party_id, lock=True)
        done = s.scalar(
            select(Payment).where(Payment.client_payment_id == command.client_payment_id)
        )
        if done is not None and bill is not None:
            return view_of(s, bill)  # a retry of a refund already given
        if bill is None or bill.state != "current":
            raise DomainError(
                "This bill is settled: a manager reopens it before money is given back."
            )
        manager = still_manager(s, approval.manager_id)
        refunded = s.scalar(
            select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
                Payment.refund_of_id == original.id
            )
        )
        left = original.amount_minor - int(refunded or 0)
        if command.amount_minor > left:
            raise DomainError("At most {left} of that payment can still be given back.", left=left)
        money = money_of(s, bill)
        parts = money.parts
        part = next((p for p in parts if p.id == original.part_id), parts[0])
        if money.owed_on(part) + command.amount_minor > part.amount_minor:
            raise DomainError("That gives back more than was paid on this part.")
        refund = Payment(
            client_payment_id=command.client_payment_id,
            kind="refund",
            party_id=original.party_id,
            bill_id=bill.id,
            part_id=part.id,
            method_id=original.method_id,
            amount_minor=command.amount_minor,
            account_id=original.account_id,
            signer_id=original.signer_id,
            taken_by_id=actor_id,
            approved_by_id=manager.id,
            taken_at=utcnow(),
            refund_of_id=original.id,
            reason=command.reason,
        )
        s.add(refund)
        part.settled_at = None
        s.flush()
        audit.record(
            s,
            action="payment.refunded",
            object_type="payment",
            object_id=refund.id,
            actor_id=actor_id,
            approver_id=manager.id,
            refund_of=original.id,
            bill=bill.id,
            amount=refund.amount_minor,
            reason=command.reason,
        )
        party = s.get(Party, bill.party_id)
        assert party is not None
        if bill.presented_at is not None:  # back to nothing owed: settled again
            settle_if_paid(s, bill, party, actor_id)
        return view_of(s, bill)


class RefundablePayment(BaseModel):
    """A payment taken for a party, on any version of its bill, and what of it can still
    be given back (the refunds already given taken off)."""

    model_config = ConfigDict(frozen=True)

    payment_id: int
    bill_number: int
    method_en: str
    method_zh: str
    amount_minor: int
    refunded_minor: int
    left_minor: int


def refundable_payments(store: Store, party_id: int) -> list[RefundablePayment]:
    """Read only: the party's payments, oldest first, with what can still be refunded."""
    with store.read() as s:
        rows = s.execute(
            select(Payment, PaymentMethod, Bill.number)
            .join(PaymentMethod, PaymentMethod.id == Payment.method_id)
            .join(Bill, Bill.id == Payment.bill_id)
            .where(Payment.party_id == party_id, Payment.kind == "payment")
            .order_by(Payment.id)
        ).all()
        found = []
        for payment, method, number in rows:
            refunded = int(
                s.scalar(
                    select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
                        Payment.refund_of_id == payment.id
                    )
                )
                or 0
            )
            found.append(
                RefundablePayment(
                    payment_id=payment.id,
                    bill_number=number,
                    method_en=method.name_en,
                    method_zh=method.name_zh,
                    amount_minor=payment.amount_minor,
                    refunded_minor=refunded,
                    left_minor=payment.amount_minor - refunded,
                )
            )
        return found
