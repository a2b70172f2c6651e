"""Reopening with the manager's PIN entered again, and the payments a refund can be given
for, on SQLite and PostgreSQL (what the cashier's screen offers, services.billing.reopening)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import AuditEvent
from services.billing.reopening import (
    RefundPayment,
    ReopenBill,
    refund_payment,
    refundable_payments,
    reopen_bill,
)
from services.errors import NotAllowed
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.seating_support import MANAGER_PIN

_ = billing  # a fixture, used by name


def test_a_wrong_pin_reopens_nothing_and_the_right_one_is_recorded(billing: Billing) -> None:
    bill = billing.ready()
    billing.pay(bill, "cash")
    manager = billing.staff["M01"]
    before = billing.billing_snapshot()
    with pytest.raises(NotAllowed, match="not a manager's"):
        reopen_bill(
            billing.store, manager, ReopenBill(bill_id=bill.bill_id, reason="x", manager_pin="1234")
        )
    assert billing.billing_snapshot() == before
    command = ReopenBill(bill_id=bill.bill_id, reason="paid by card", manager_pin=MANAGER_PIN)
    reopened = reopen_bill(billing.store, manager, command)
    assert reopened.number == 2 and reopened.state == "current"
    with billing.store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "bill.reopened")).one()
    assert (event.actor_id, event.approver_id) == (manager, manager)
    assert json.loads(event.detail)["reason"] == "paid by card"


def test_the_payments_of_every_version_with_what_is_left_to_give_back(billing: Billing) -> None:
    bill = billing.ready()
    cash = billing.pay(bill, "cash", amount=5_000)
    card = billing.pay(bill, "card", amount=4_700)
    reopen_bill(billing.store, billing.staff["M01"], ReopenBill(bill_id=bill.bill_id, reason="y"))
    refund_payment(
        billing.store,
        billing.cashier,
        RefundPayment(
            client_payment_id=new_id(),
            payment_id=cash.payment_id,
            amount_minor=2_000,
            reason="overcharged",
            manager_pin=MANAGER_PIN,
        ),
    )
    found = refundable_payments(billing.store, billing.party_id)
    assert [(p.payment_id, p.bill_number, p.refunded_minor, p.left_minor) for p in found] == [
        (cash.payment_id, 1, 2_000, 3_000),
        (card.payment_id, 1, 0, 4_700),
    ]
    assert found[0].method_en == "Cash"
