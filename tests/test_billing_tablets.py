"""Two tablets (two Store objects on one database) settling at once, on SQLite and
PostgreSQL: invoice numbers stay gap-free and unique, and a payment tapped on both (or
twice) is taken once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from db.store import Store
from models import Bill, Payment
from services.billing.bills import BillView
from services.billing.payments import PaymentDone
from tests.billing_support import Billing, billing
from tests.order_support import new_id

_ = billing  # a fixture, used by name


def _party_with_bill(billing: Billing, table: str) -> BillView:
    """Another party, at `table`, with a pot of tea sent and the bill presented."""
    billing.party_id = billing.floor.seat(2, table).party_id
    billing.add("jasmine_tea")
    billing.send()
    return billing.ready()


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; return results or raised errors."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # the assertion below shows which
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_tablets_settling_at_once_number_invoices_without_gaps(billing: Billing) -> None:
    bills = [billing.ready()] + [_party_with_bill(billing, t) for t in ("2", "3", "4", "5", "6")]
    other = Store(billing.store.url)
    try:
        stores = [billing.store, other]

        def pay(bill: BillView, tablet: Store) -> Callable[[], PaymentDone]:
            return lambda: billing.pay(bill, "card", store=tablet)

        results = _at_once(*(pay(b, stores[i % 2]) for i, b in enumerate(bills)))
        assert all(isinstance(r, PaymentDone) and r.settled for r in results), results
        numbers = sorted(r.invoice_number for r in results)
        assert numbers == [1, 2, 3, 4, 5, 6]
        with billing.store.read() as s:
            stored = sorted(s.scalars(select(Bill.invoice_number).where(Bill.state == "settled")))
        assert stored == numbers
    finally:
        other.dispose()


def test_one_payment_tapped_on_two_tablets_is_taken_once(billing: Billing) -> None:
    bill = billing.ready()
    other = Store(billing.store.url)
    try:
        tap = new_id()
        results = _at_once(
            lambda: billing.pay(bill, "cash", client_payment_id=tap),
            lambda: billing.pay(bill, "cash", client_payment_id=tap, store=other),
        )
        assert all(isinstance(r, PaymentDone) for r in results), results
        assert {r.payment_id for r in results} == {results[0].payment_id}
        assert sorted(r.repeated for r in results) == [False, True]
        # Two different payments for the same bill at once: the second finds it paid.
        second = _party_with_bill(billing, "2")
        results = _at_once(
            lambda: billing.pay(second, "cash"),
            lambda: billing.pay(second, "card", store=other),
        )
        taken = [r for r in results if isinstance(r, PaymentDone)]
        refused = [r for r in results if not isinstance(r, PaymentDone)]
        assert len(taken) == 1 and len(refused) == 1 and "paid already" in str(refused[0])
        with billing.store.read() as s:
            assert s.scalar(select(func.count()).select_from(Payment)) == 2
    finally:
        other.dispose()


def test_a_private_room_adds_its_own_service_charge(billing: Billing) -> None:
    bill = _party_with_bill(billing, "VIP1")
    # Tea 38.00 + 10 % service charge 3.80 = 41.80; the 6 % tax is inside the prices.
    assert bill.amounts.service_charge_bp == 1000 and bill.amounts.service_minor == 380
    assert bill.total_minor == 4_180
    assert bill.amounts.tax_minor == 237  # 41.80 × 6 / 106 = 2.366..., half-up


def test_two_tablets_asking_for_the_bill_at_once_make_one_bill(billing: Billing) -> None:
    from services.billing.bills import BillView as View
    from services.billing.bills import PartyBill, request_bill
    from services.errors import Conflict

    other = Store(billing.store.url)
    try:
        command = PartyBill(party_id=billing.party_id)
        results = _at_once(
            lambda: request_bill(billing.store, billing.waiter, command),
            lambda: request_bill(other, billing.cashier, command),
        )
        views = [r for r in results if isinstance(r, View)]
        assert views and all(isinstance(r, View | Conflict) for r in results), results
        assert len({v.bill_id for v in views}) == 1
        with billing.store.read() as s:
            assert s.scalar(select(func.count()).select_from(Bill)) == 1
    finally:
        other.dispose()
