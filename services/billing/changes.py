"""Changes to a bill: discounts and comps, a waived service charge, a split.

A discount or comp (percent or amount, on a line or the whole bill) always has a reason
and a manager's PIN entered there and then (docs/design.md: managers approve discounts);
both people are recorded. Once the guest has seen the bill, a change makes a new version
and the old one is kept, superseded (第9条 ③); the rules are in services.billing.ledger.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import Discount, Party
from services import audit
from services.billing.bills import BillView, billing_party, view_of
from services.billing.ledger import (
    bill_guard,
    billed_lines,
    compute_now,
    has_money,
    live_bill,
    refresh,
)
from services.billing.splits import MAX_AMOUNT_MINOR, SplitPlan
from services.errors import DomainError
from services.i18n import N_
from services.people.approvals import manager_approval, still_manager
from services.permissions import Action, require
from services.text import REASON_MAX, RecordId, required_text

# A client-made id: a uuid, as the tablet makes it.
ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,40}$")]
SETTLED = N_("This bill is settled: a manager reopens it before it can change.")


class DiscountKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"
    COMP = "comp"  # the whole line, on the house
    WAIVE_SERVICE = "waive_service"  # no service charge on this bill


def _whole(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter a whole number.")
    return value


class GiveDiscount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_discount_id: ClientId
    party_id: RecordId
    kind: DiscountKind
    # None: on the whole bill. A comp is always on a line.
    line_id: RecordId | None = None
    percent_bp: Annotated[int | None, BeforeValidator(_whole)] = None
    amount_minor: Annotated[int | None, BeforeValidator(_whole)] = None
    reason: Annotated[
        str, required_text(REASON_MAX, N_("Say why the discount is given: it is on the record."))
    ]
    manager_pin: object = None

    @model_validator(mode="after")
    def _consistent(self) -> GiveDiscount:
        if self.kind is DiscountKind.PERCENT and not 1 <= (self.percent_bp or 0) <= 10_000:
            raise DomainError("A percent discount is between 0.01 % and 100 %.")
        if self.kind is DiscountKind.AMOUNT and not 1 <= (self.amount_minor or 0) <= (
            MAX_AMOUNT_MINOR
        ):
            raise DomainError("An amount discount is at least the smallest unit (1 fen).")
        if self.kind is DiscountKind.COMP and self.line_id is None:
            raise DomainError("A comp is for one dish: choose the line.")
        if self.kind is DiscountKind.WAIVE_SERVICE and self.line_id is not None:
            raise DomainError("The service charge is waived for the whole bill, not a line.")
        return self


class SplitBill(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    plan: SplitPlan


def give_discount(store: Store, actor_id: int, command: GiveDiscount) -> BillView | None:
    """Record a discount, comp or waived service charge, approved by a manager's PIN.
    Returns the bill as it now stands (None when the guests have not asked for it yet)."""
    if command.manager_pin is None or command.manager_pin == "":
        raise DomainError("A discount needs a manager's PIN, entered here and now.")
    approval = manager_approval(store, actor_id, command.manager_pin, purpose="discount")
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.DISCOUNT)
        done = s.scalar(
            select(Discount).where(Discount.client_discount_id == command.client_discount_id)
        )
        party = billing_party(s, command.party_id)
        if done is not None:  # a retry of a discount already given
            bill = live_bill(s, party.id)
            return view_of(s, bill) if bill is not None else None
        manager = still_manager(s, approval.manager_id)
        bill = live_bill(s, party.id, lock=True)
        if bill is not None and bill.state == "settled":
            raise DomainError(SETTLED)
        _check_fits(s, party, command)
        discount = Discount(
            client_discount_id=command.client_discount_id,
            party_id=party.id,
            line_id=command.line_id,
            kind=command.kind.value,
            percent_bp=command.percent_bp if command.kind is DiscountKind.PERCENT else None,
            amount_minor=command.amount_minor if command.kind is DiscountKind.AMOUNT else None,
            reason=command.reason,
            given_by_id=actor_id,
            approved_by_id=manager.id,
        )
        s.add(discount)
        s.flush()
        audit.record(
            s,
            action="bill.discount_given",
            object_type="discount",
            object_id=discount.id,
            actor_id=actor_id,
            approver_id=manager.id,
            party=party.id,
            kind=discount.kind,
            line=discount.line_id,
            percent_bp=discount.percent_bp,
            amount=discount.amount_minor,
            reason=discount.reason,
        )
        if bill is None:
            return None
        return view_of(s, refresh(s, party, actor_id, command.kind.value))


def _check_fits(s: Session, party: Party, command: GiveDiscount) -> None:
    amounts = compute_now(s, party)
    if command.line_id is not None:
        line = next((li for li in amounts.lines if li.line_id == command.line_id), None)
        if line is None:
            raise DomainError("That dish is not on this table's bill (not sent, or voided).")
        if command.kind is DiscountKind.AMOUNT and (command.amount_minor or 0) > line.net_minor:
            raise DomainError(
                "The discount is more than the dish costs ({left} left on it).",
                left=line.net_minor,
            )
    elif not billed_lines(s, party.id):
        raise DomainError(
            "Nothing has been sent to the kitchen for this table: there is nothing to bill."
        )
    elif (
        command.kind is DiscountKind.AMOUNT
        and (command.amount_minor or 0) > amounts.after_discounts_minor
    ):
        raise DomainError(
            "The discount is more than the bill ({left} left on it).",
            left=amounts.after_discounts_minor,
        )


def split_bill(store: Store, actor_id: int, command: SplitBill) -> BillView:
    """Split the bill (or put it back whole). A split whose parts do not cover the bill is
    refused; after the bill was presented the split bill is a new version."""
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.PRESENT_BILL)
        party = billing_party(s, command.party_id)
        bill = live_bill(s, party.id, lock=True)
        if bill is None:
            raise DomainError("The guests have not asked for the bill yet.")
        if bill.state == "settled":
            raise DomainError(SETTLED)
        if has_money(s, bill):
            raise DomainError("Part of this bill is paid already: split it before anyone pays.")
        split = refresh(s, party, actor_id, "split", plan=command.plan)
        audit.record(
            s,
            action="bill.split",
            object_type="bill",
            object_id=split.id,
            actor_id=actor_id,
            party=party.id,
            kind=command.plan.kind.value,
            ways=command.plan.ways,
        )
        return view_of(s, split)
