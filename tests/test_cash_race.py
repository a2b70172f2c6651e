"""A cash payment and the drawer's close at the same instant, from two tablets (two Store
objects on one database), on SQLite and PostgreSQL.

No extra lock is needed: every write transaction already queues on one lock before its
first statement (BEGIN IMMEDIATE on SQLite, the transaction-level advisory lock on
PostgreSQL, db/engine.py), and the payment's time and the close's time are both read
inside their transactions, after that lock. So the two never overlap: either the payment
committed first and the close counts it, or the close committed first and the payment is
after its closing time. The audit hash chain, appended under the same lock, gives the
order in which they committed; the close's expected amount must match it every round."""

from __future__ import annotations

import threading

from sqlalchemy import select, text

from db.store import Store
from models import AuditEvent, CashDrawer, Payment
from services.billing.changes import SplitBill, split_bill
from services.billing.payments import PaymentDone
from services.billing.splits import SplitKind, SplitPlan
from services.cash.drawer import CloseDrawer, DrawerView, OpenDrawer, close_drawer, open_drawer
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.test_billing_tablets import _at_once

_ = billing  # a fixture, used by name

FLOAT = {"note_100": 1, "note_50": 1, "note_20": 2, "coin_1": 5, "coin_0_5": 10}  # 200.00
ROUNDS = 6


def _chain_seq(store: Store, action: str, object_id: int) -> int:
    with store.read() as s:
        found = s.scalar(
            select(AuditEvent.chain_seq).where(
                AuditEvent.action == action, AuditEvent.object_id == str(object_id)
            )
        )
    assert found is not None, (action, object_id)
    return int(found)


def test_a_cash_payment_and_the_close_at_once_never_split_the_figure(billing: Billing) -> None:
    billing.request()
    split = SplitBill(party_id=billing.party_id, plan=SplitPlan(kind=SplitKind.EVEN, ways=ROUNDS))
    split_bill(billing.store, billing.cashier, split)
    bill = billing.present()
    other = Store(billing.store.url)  # the second tablet
    try:
        for part in range(1, ROUNDS + 1):
            drawer = open_drawer(
                billing.store,
                billing.cashier,
                OpenDrawer(client_drawer_id=new_id(), float_counts=FLOAT),
            )
            close = CloseDrawer(drawer_id=drawer.drawer_id, counts=FLOAT)
            paid, closed = _at_once(
                lambda p=part: billing.pay(bill, "cash", part=p),
                lambda c=close: close_drawer(other, billing.cashier, c),
            )
            assert isinstance(paid, PaymentDone), paid
            assert isinstance(closed, DrawerView), closed
            payment_seq = _chain_seq(billing.store, "payment.taken", paid.payment_id)
            close_seq = _chain_seq(billing.store, "drawer.closed", drawer.drawer_id)
            before = payment_seq < close_seq
            with billing.store.read() as s:
                payment = s.get(Payment, paid.payment_id)
                row = s.get(CashDrawer, drawer.drawer_id)
                assert payment is not None and row is not None and row.closed_at is not None
                # The times agree with the order of commits: nothing in between.
                assert (payment.taken_at < row.closed_at) is before
            expected = 20_000 + (paid.amount_minor if before else 0)
            assert closed.expected_minor == expected, (part, before)
            assert closed.variance_minor == 20_000 - expected
    finally:
        other.dispose()


def test_the_close_waits_for_a_write_already_under_way_on_another_tablet(
    billing: Billing,
) -> None:
    """The lock itself: while one tablet's write transaction is open, another tablet's
    close does not start counting; it goes on once that write commits."""
    drawer = open_drawer(
        billing.store, billing.cashier, OpenDrawer(client_drawer_id=new_id(), float_counts=FLOAT)
    )
    other = Store(billing.store.url)
    done = threading.Event()
    result: list[object] = []

    def close() -> None:
        result.append(
            close_drawer(
                other, billing.cashier, CloseDrawer(drawer_id=drawer.drawer_id, counts=FLOAT)
            )
        )
        done.set()

    try:
        with billing.store.write() as s:
            s.execute(text("SELECT 1"))  # the transaction has begun: it holds the lock
            thread = threading.Thread(target=close)
            thread.start()
            assert not done.wait(0.5)  # the close queues behind the open write
        thread.join(30)
        assert done.is_set() and isinstance(result[0], DrawerView)
    finally:
        other.dispose()
