"""Taking payment (第9条 ②③): cash counted in front of the guest with the change worked out,
card (no card number kept), WeChat Pay, Alipay and the restaurant's other methods with
their reference, and signed charges to a house account (services.billing.accounts).

- Several payments may go to one bill or part (part cash, part card); tips are recorded
  apart from sales; a payment is never more than what is owed on the part.
- A double tap or two tablets never take two payments: each payment carries an id the
  tablet made, the bill row is locked while the payment is taken, and a settled part or
  bill refuses more money.
- When every part is paid the bill is settled in the same transaction: it gets the next
  invoice number (services.billing.invoices) and the party's stage becomes paid, so the
  guests can be seen off and the table reset (services.floor).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import AT_TABLE, Bill, BillPart, Party, PartyStage, Payment, PaymentMethod, utcnow
from services import audit
from services.billing.accounts import check_charge
from services.billing.bills import BillView, view_of
from services.billing.invoices import next_invoice_number
from services.billing.ledger import (
    BillMoney,
    bill_guard,
    compute_now,
    live_bill,
    locked_bill,
    money_of,
)
from services.billing.tenders import ClientId, Last4, Money, Tip, refuse_card_numbers
from services.errors import Conflict, DomainError, NotFound
from services.floor.seating import advance_party
from services.i18n import N_
from services.people.approvals import manager_approval, still_manager
from services.permissions import Action, require
from services.text import RecordId, Reference, whole_within

REPLACED = N_("This bill was replaced by a newer version: reload it and take payment on that.")


class TakePayment(BaseModel):
    """One payment on one part of a bill (part 1 when it is not split)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_payment_id: ClientId
    bill_id: RecordId
    part_number: Annotated[int, whole_within(1, 30)] = 1
    method_id: RecordId
    amount_minor: Money
    # Cash only: what the guest handed over; the change is worked out from it.
    tendered_minor: Money | None = None
    tip_minor: Tip = 0
    card_last4: Last4 = ""
    approval_code: Reference = ""
    reference: Reference = ""
    # A signed charge: the account, the guest who signs, and a manager's PIN (第9条 ③).
    account_id: RecordId | None = None
    signer_id: RecordId | None = None
    manager_pin: object = None

    _no_card_numbers = model_validator(mode="before")(refuse_card_numbers)


class PaymentDone(BaseModel):
    model_config = ConfigDict(frozen=True)

    payment_id: int
    repeated: bool  # a retry of a payment already taken: nothing new was taken
    method_code: str
    amount_minor: int
    tendered_minor: int | None
    change_minor: int
    tip_minor: int
    part_owed_minor: int
    settled: bool
    invoice_number: int | None
    bill: BillView


class MethodInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    code: str
    name_en: str
    name_zh: str
    kind: str
    counts_as_takings: bool
    needs_reference: bool


def payment_methods(store: Store) -> list[MethodInfo]:
    """The methods the restaurant takes, in the order the cashier's screen shows them."""
    with store.read() as s:
        rows = s.scalars(
            select(PaymentMethod)
            .where(PaymentMethod.active)
            .order_by(PaymentMethod.sort, PaymentMethod.id)
        ).all()
        return [MethodInfo.model_validate(m) for m in rows]


def _done(
    s: Session, payment: Payment, repeated: bool, money: BillMoney | None = None
) -> PaymentDone:
    """What the cashier's screen shows after a payment; `money` is the bill's money as the
    payment left it, where the caller has it."""
    bill = s.get(Bill, payment.bill_id)
    part = s.get(BillPart, payment.part_id)
    method = s.get(PaymentMethod, payment.method_id)
    assert bill is not None and part is not None and method is not None  # foreign keys
    money = money_of(s, bill, money)
    live = bill
    if bill.state == "superseded":  # a repeat of a payment on a version since replaced
        live = live_bill(s, bill.party_id) or bill
    return PaymentDone(
        payment_id=payment.id,
        repeated=repeated,
        method_code=method.code,
        amount_minor=payment.amount_minor,
        tendered_minor=payment.tendered_minor,
        change_minor=payment.change_minor,
        tip_minor=payment.tip_minor,
        part_owed_minor=money.owed_on(part),
        settled=bill.state == "settled",
        invoice_number=bill.invoice_number,
        bill=view_of(s, live, money),
    )


def payable(s: Session, bill: Bill) -> Party:
    """The party of a bill that money may go to now; else a clear refusal."""
    if bill.state == "superseded":
        raise Conflict(REPLACED)
    if bill.state == "settled":
        raise DomainError("This bill is paid already: nothing more is taken on it.")
    if bill.presented_at is None:
        raise DomainError("Present the bill to the guest before taking payment.")
    party = s.get(Party, bill.party_id)
    assert party is not None  # foreign key
    if compute_now(s, party).model_dump_json() != bill.snapshot:
        raise DomainError(
            "The order changed since this bill was presented: present the new version first."
        )
    return party


def _part(money: BillMoney, number: int) -> BillPart:
    part = next((p for p in money.parts if p.number == number), None)
    if part is None:
        raise NotFound("This bill has no part {number}.", number=number)
    return part


def _method(s: Session, method_id: int) -> PaymentMethod:
    method = s.get(PaymentMethod, method_id)
    if method is None or not method.active:
        raise NotFound("That way of paying is not taken here.")
    return method


def take_payment(store: Store, actor_id: int, command: TakePayment) -> PaymentDone:
    """Take one payment; settle the bill when it is the last one owed."""
    approval = None
    if command.account_id is not None:
        if command.manager_pin is None or command.manager_pin == "":
            raise DomainError(
                "A signed charge needs a manager's endorsement: enter a manager's PIN."
            )
        approval = manager_approval(store, actor_id, command.manager_pin, purpose="signed charge")
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.TAKE_PAYMENT)
        bill = locked_bill(s, command.bill_id)  # two tablets on one bill queue here
        done = s.scalar(
            select(Payment).where(Payment.client_payment_id == command.client_payment_id)
        )
        if done is not None:
            return _done(s, done, repeated=True)
        party = payable(s, bill)
        money = money_of(s, bill)
        part = _part(money, command.part_number)
        method = _method(s, command.method_id)
        if part.settled_at is not None:
            raise DomainError("This part of the bill is paid already.")
        owed = money.owed_on(part)
        if command.amount_minor > owed:
            raise DomainError("That is more than is owed on this part ({owed}).", owed=max(owed, 0))
        change = _change(method, command)
        if method.needs_reference and not command.reference:
            raise DomainError(
                "Write the payment's reference from the guest's phone or the terminal."
            )
        manager_id = None
        if method.kind == "account" or command.account_id is not None:
            if method.kind != "account" or approval is None:
                raise DomainError("Choose the house account way of paying for a signed charge.")
            manager_id = still_manager(s, approval.manager_id).id
            check_charge(s, command.account_id, command.signer_id, command.amount_minor)
        payment = Payment(
            client_payment_id=command.client_payment_id,
            kind="payment",
            party_id=party.id,
            bill_id=bill.id,
            part_id=part.id,
            method_id=method.id,
            amount_minor=command.amount_minor,
            tendered_minor=command.tendered_minor if method.kind == "cash" else None,
            change_minor=change,
            tip_minor=command.tip_minor,
            card_last4=command.card_last4 if method.kind == "card" else "",
            approval_code=command.approval_code,
            reference=command.reference,
            account_id=command.account_id,
            signer_id=command.signer_id,
            taken_by_id=actor_id,
            approved_by_id=manager_id,
            taken_at=utcnow(),
        )
        s.add(payment)
        s.flush()
        audit.record(
            s,
            action="payment.taken",
            object_type="payment",
            object_id=payment.id,
            actor_id=actor_id,
            approver_id=manager_id,
            bill=bill.id,
            part=part.number,
            method=method.code,
            amount=payment.amount_minor,
            tendered=payment.tendered_minor,
            change=change,
            tip=payment.tip_minor,
            account=payment.account_id,
        )
        money = money.with_payment(part, payment.amount_minor)
        settle_if_paid(s, bill, party, actor_id, money)
        return _done(s, payment, repeated=False, money=money)


def _change(method: PaymentMethod, command: TakePayment) -> int:
    """Cash: the change counted back to the guest (第9条 ②). Other ways: none."""
    if method.kind != "cash":
        if command.tendered_minor is not None:
            raise DomainError("Only cash is tendered: enter the amount paid.")
        return 0
    tendered = command.tendered_minor
    if tendered is None:
        return 0
    due = command.amount_minor + command.tip_minor
    if tendered < due:
        raise DomainError(
            "The guest handed over {tendered}, less than the {due} being paid.",
            tendered=tendered,
            due=due,
        )
    return tendered - due


def settle_if_paid(
    s: Session, bill: Bill, party: Party, actor_id: int, money: BillMoney | None = None
) -> None:
    """Every part paid: the parts and the bill are settled, the bill gets its invoice
    number, and the party has paid. `money`: the bill's money as it stands now, where the
    caller has it."""
    money = money_of(s, bill, money)
    now = utcnow()
    for part in money.parts:
        if part.settled_at is None and money.owed_on(part) == 0:
            part.settled_at = now
    if any(money.owed_on(part) != 0 for part in money.parts):
        s.flush()
        return
    number = next_invoice_number(s)  # before the bill changes: autoflush would check it
    bill.state = "settled"
    bill.settled_at = now
    bill.settled_by_id = actor_id
    bill.invoice_number = number
    s.flush()
    audit.record(
        s,
        action="bill.settled",
        object_type="bill",
        object_id=bill.id,
        actor_id=actor_id,
        party=party.id,
        total=bill.total_minor,
        invoice=bill.invoice_number,
    )
    if PartyStage(party.stage) in AT_TABLE:
        advance_party(s, party.id, PartyStage.PAID, actor_id=actor_id)
