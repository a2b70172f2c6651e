"""What the cashier's screen reads (services.billing.views), on SQLite and PostgreSQL: the
parties whose guests asked for the bill first, then the paid, then the eating ones, each
with whether its bill is ready (第9条 ①) and what it comes to."""

from __future__ import annotations

from services.billing.bills import PartyBill, request_bill
from services.billing.views import cashier_parties
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.views import order_view
from tests.billing_support import Billing, billing
from tests.order_support import new_id

_ = billing  # a fixture, used by name


def test_the_cashier_sees_the_table_asked_for_and_paid(billing: Billing) -> None:
    [eating] = cashier_parties(billing.store)
    assert eating.table_label == "1" and eating.size == 4
    assert not eating.asked and eating.total_minor is None and not eating.bill_ready

    billing.request()
    [asked] = cashier_parties(billing.store)
    assert asked.asked and asked.stage == "bill_requested"
    assert asked.total_minor == 9700 and not asked.settled

    billing.pay(billing.present())
    [paid] = cashier_parties(billing.store)
    assert paid.stage == "paid" and paid.settled and paid.invoice_number == 1


def test_tables_asked_for_come_before_the_eating_ones(billing: Billing) -> None:
    other = billing.floor.seat(2, "2").party_id
    billing.add("jasmine_tea", party_id=other)
    view = order_view(billing.store, other)
    lines = tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines)
    send_order(
        billing.store,
        billing.waiter,
        SendOrder(client_send_id=new_id(), party_id=other, lines=lines),
    )
    request_bill(billing.store, billing.waiter, PartyBill(party_id=other))
    rows = cashier_parties(billing.store)
    assert [r.table_label for r in rows] == ["2", "1"]
    assert [r.asked for r in rows] == [True, False]
