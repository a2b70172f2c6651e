"""Shared pieces for the billing tests: a party at table 1 (or a private room) with an order
sent through the real ordering services, and short ways to ask for, present and pay the
bill as the waiter and the cashier would, plus a snapshot of everything billing touches to
prove that a refusal changed nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import (
    Bill,
    BillPart,
    Discount,
    HouseAccount,
    InvoiceCounter,
    Party,
    Payment,
    PaymentMethod,
)
from services.billing.bills import BillView, PartyBill, present_bill, request_bill
from services.billing.changes import DiscountKind, GiveDiscount, give_discount
from services.billing.payments import PaymentDone, TakePayment, take_payment
from tests.database_support import scene
from tests.order_support import Dining, new_id
from tests.seating_support import MANAGER_PIN

BILLING_TABLES = (Bill, BillPart, Discount, Payment)


class Billing(Dining):
    """The demo restaurant at lunch, four guests at table 1 (the hall: no service charge;
    prices include 6 % tax; cash rounded down to 0.1 yuan) with their order sent:
    seat 1 smashed cucumber 18.00 and two rice 6.00, seat 2 xiaolongbao with sesame paste
    35.00 (32.00 + 3.00), and a pot of jasmine tea 38.00 for the table: 97.00. A scene
    (tests/database_support.py): the lines are sent at the real time of its build."""

    @scene
    def __init__(self, store: Store, size: int = 4, table: str = "1") -> None:
        super().__init__(store, size=size, table=table)
        with store.read() as s:
            self.methods = {m.code: m.id for m in s.scalars(select(PaymentMethod)).all()}
            self.accounts = {a.code: a.id for a in s.scalars(select(HouseAccount)).all()}
        self.add("smashed_cucumber", seat=1)
        self.add("steamed_rice", seat=1, quantity=2)
        self.add(
            "xiaolongbao", seat=2, modifier_ids=(self.modifiers[("dipping_sauce", "sesame_paste")],)
        )
        self.add("jasmine_tea")
        self.send()
        self.lines = {line.name_en: line.id for line in self.order().lines}

    @property
    def cashier(self) -> int:
        return self.staff["C01"]

    def request(self, by: str = "W01") -> BillView:
        return request_bill(self.store, self.staff[by], PartyBill(party_id=self.party_id))

    def present(self, by: str = "C01") -> BillView:
        return present_bill(self.store, self.staff[by], PartyBill(party_id=self.party_id))

    def ready(self) -> BillView:
        """Asked for and presented."""
        self.request()
        return self.present()

    def discount(
        self,
        kind: DiscountKind = DiscountKind.PERCENT,
        pin: object = MANAGER_PIN,
        by: str = "C01",
        **fields: Any,
    ) -> BillView | None:
        return give_discount(
            self.store,
            self.staff[by],
            GiveDiscount(
                client_discount_id=fields.pop("client_discount_id", new_id()),
                party_id=self.party_id,
                kind=kind,
                reason=fields.pop("reason", "regular guest"),
                manager_pin=pin,
                **fields,
            ),
        )

    def pay(
        self,
        bill: BillView,
        method: str = "cash",
        amount: int | None = None,
        by: str = "C01",
        store: Store | None = None,
        part: int = 1,
        **fields: Any,
    ) -> PaymentDone:
        owed = bill.part(part)
        assert owed is not None
        return take_payment(
            store or self.store,
            self.staff[by],
            TakePayment(
                client_payment_id=fields.pop("client_payment_id", new_id()),
                bill_id=bill.bill_id,
                part_number=part,
                method_id=self.methods[method],
                amount_minor=owed.owed_minor if amount is None else amount,
                **fields,
            ),
        )

    def billing_snapshot(self) -> dict[str, object]:
        """Row counts of billing, the bills' and parties' states, and the invoice counter."""
        with self.store.read() as s:
            counts = {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in BILLING_TABLES
            }
            bills = s.execute(select(Bill.id, Bill.state, Bill.version, Bill.copies)).all()
            parties = s.execute(select(Party.id, Party.stage, Party.version)).all()
            counter = s.scalar(select(InvoiceCounter.next_number))
        return {
            "counts": counts,
            "bills": sorted(bills),
            "parties": sorted(parties),
            "next_invoice": counter,
        }


@pytest.fixture
def billing(store: Store) -> Billing:
    return Billing(store)
