"""The invoice (发票, 第9条 ③: 开具统一发票): a gap-free number for each settled bill, and the
guest's request (title 抬头, tax id 税号 for a company, email) recorded on the bill.

The number comes from one counter row, read and advanced inside the settling transaction
under a row lock (SELECT … FOR UPDATE on PostgreSQL; on SQLite the write transaction began
IMMEDIATE, so it holds the only write lock). A rolled-back settlement gives its number
back with everything else, so numbers never skip; two tablets can never take the same one.
A database sequence would not do: it hands out numbers that a rollback then loses.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.store import Store
from models import InvoiceCounter
from services import audit
from services.billing.bills import BillView, billing_party, view_of
from services.billing.ledger import bill_guard, live_bill
from services.errors import DomainError
from services.permissions import Action, require
from services.text import RecordId, checked_text

# China's unified social credit code is 18 characters; older tax ids 15 to 20.
_TAX_ID = re.compile(r"[0-9A-Z]{15,20}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _tax_id(value: object) -> str:
    text = checked_text(value, max_length=32).upper()
    if text and not _TAX_ID.fullmatch(text):
        raise DomainError("A tax id (税号) is 15 to 20 letters and digits.")
    return text


def _email(value: object) -> str:
    text = checked_text(value, max_length=120)
    if text and not _EMAIL.fullmatch(text):
        raise DomainError("That is not an email address.")
    return text


class RequestInvoice(BaseModel):
    """The guest wants a 发票: its title (a person's or a company's name), the company's tax
    id, and where to email it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    title: Annotated[str, BeforeValidator(lambda v: checked_text(v, max_length=120))]
    tax_id: Annotated[str, BeforeValidator(_tax_id)] = ""
    email: Annotated[str, BeforeValidator(_email)] = ""

    @model_validator(mode="after")
    def _titled(self) -> RequestInvoice:
        if not self.title:
            raise DomainError("Write the invoice title (抬头) the guest gave.")
        return self


def _locked_counter(session: Session) -> InvoiceCounter | None:
    return session.scalar(
        select(InvoiceCounter)
        .where(InvoiceCounter.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def next_invoice_number(session: Session) -> int:
    """Take the next number, inside the caller's (settling) transaction."""
    counter = _locked_counter(session)
    if counter is None:
        # The very first invoice: make the row. Two tablets doing so at once collide on
        # the primary key; the loser's savepoint rolls back and it takes the winner's row.
        try:
            with session.begin_nested():
                session.add(InvoiceCounter(id=1, next_number=1))
        except IntegrityError:
            pass
        counter = _locked_counter(session)
        assert counter is not None
    number = counter.next_number
    counter.next_number = number + 1
    session.flush()
    return number


def request_invoice(store: Store, actor_id: int, command: RequestInvoice) -> BillView:
    """Record the guest's 发票 request on the bill (it follows the bill to later versions)."""
    with bill_guard(), store.write() as s:
        require(s, actor_id, Action.PRESENT_BILL)
        party = billing_party(s, command.party_id)
        bill = live_bill(s, party.id, lock=True)
        if bill is None:
            raise DomainError("The guests have not asked for the bill yet.")
        bill.invoice_title = command.title
        bill.invoice_tax_id = command.tax_id
        bill.invoice_email = command.email
        s.flush()
        audit.record(
            s,
            action="bill.invoice_requested",
            object_type="bill",
            object_id=bill.id,
            actor_id=actor_id,
            title=command.title,
            tax_id=command.tax_id,
            email=bool(command.email),
        )
        return view_of(s, bill)


__all__ = ["RequestInvoice", "next_invoice_number", "request_invoice"]
