"""The cashier's tablet killed (SIGKILL) while taking a cash payment into an open drawer:
afterwards the drawer expects the payment if it was committed and not if it was not,
never half; the retry under the same id takes it once, and the drawer balances when
counted. On SQLite and PostgreSQL: the tablet is a separate process using the services."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.store import Store
from services.cash.drawer import CloseDrawer, OpenDrawer, close_drawer, my_drawer, open_drawer
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.test_billing_kill import _wait_for

_ = billing  # a fixture, used by name

REPO = Path(__file__).resolve().parents[1]

TABLET = """
import sys, time
from sqlalchemy import event
from sqlalchemy.orm import Session
from db.store import Store
from tests.demo_data import acting
from services.billing.payments import TakePayment, take_payment

url, bill_id, method_id, cashier, payment_id, mode = sys.argv[1:7]
store = Store(url)
# This process is a tablet of its own: its person signs in here, before any hook.
cashier = acting(store, int(cashier))
if mode == "before_commit":
    @event.listens_for(Session, "before_commit")
    def _stop(_session):
        print("committing", flush=True)
        time.sleep(60)
take_payment(store, cashier, TakePayment(
    client_payment_id=payment_id, bill_id=int(bill_id), method_id=int(method_id),
    amount_minor=9700, tendered_minor=10000))
print("paid", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("mode", ["before_commit", "after_commit"])
def test_killed_while_taking_cash_the_drawer_still_balances(billing: Billing, mode: str) -> None:
    drawer = open_drawer(
        billing.store,
        billing.cashier,
        OpenDrawer(client_drawer_id=new_id(), float_counts={"note_100": 2}),
    )
    bill = billing.ready()
    payment_id = new_id()
    args = [billing.store.url, bill.bill_id, billing.methods["cash"], billing.cashier]
    tablet = subprocess.Popen(
        [sys.executable, "-c", TABLET, *map(str, args), payment_id, mode],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(tablet, "committing" if mode == "before_commit" else "paid")
    restarted = Store(billing.store.url)
    try:
        seen = my_drawer(restarted, billing.cashier)
        assert seen is not None
        assert seen.expected_minor == (20_000 if mode == "before_commit" else 29_700)
        again = billing.pay(
            bill,
            "cash",
            amount=9_700,
            tendered_minor=10_000,
            client_payment_id=payment_id,
            store=restarted,
        )
        assert again.repeated == (mode == "after_commit") and again.change_minor == 300
        # Two 100s of float, the guest's 100 less 3.00 change: 297.00 in the drawer.
        closed = close_drawer(
            restarted,
            billing.cashier,
            CloseDrawer(
                drawer_id=drawer.drawer_id,
                counts={"note_100": 2, "note_50": 1, "note_20": 2, "note_5": 1, "note_1": 2},
            ),
        )
        assert (closed.expected_minor, closed.variance_minor) == (29_700, 0)
    finally:
        restarted.dispose()
