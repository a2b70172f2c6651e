"""The cashier's tablet killed (SIGKILL, as a flat battery) while taking the last payment:
afterwards the payment is there complete, with the bill settled and its invoice number,
or not there at all, never half; the tablet's retry under the same id takes it once.
On SQLite and on PostgreSQL: the tablet is a separate process using the services."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import Bill, PartyStage, Payment
from tests.billing_support import Billing, billing
from tests.order_support import new_id

_ = billing  # a fixture, used by name

REPO = Path(__file__).resolve().parents[1]

TABLET = """
import sys, time
from sqlalchemy import event
from sqlalchemy.orm import Session
from db.store import Store
from tests.demo_data import acting
from services.billing.payments import TakePayment, take_payment

url, bill_id, method_id, amount, cashier, payment_id, mode = sys.argv[1:8]
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
    amount_minor=int(amount)))
print("paid", flush=True)
time.sleep(60)
"""


def _tablet(billing: Billing, bill_id: int, payment_id: str, mode: str) -> subprocess.Popen:
    args = [billing.store.url, bill_id, billing.methods["card"], 9_700, billing.cashier]
    return subprocess.Popen(
        [sys.executable, "-c", TABLET, *map(str, args), payment_id, mode],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(process: subprocess.Popen, words: str) -> None:
    said: queue.Queue[str] = queue.Queue()

    def listen() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            said.put(line.strip())

    threading.Thread(target=listen, daemon=True).start()
    try:
        assert said.get(timeout=60) == words
    except queue.Empty:
        process.kill()
        _out, err = process.communicate(timeout=10)
        raise AssertionError(f"the tablet never said {words!r}: {err}") from None
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL


def _state(store: Store) -> tuple[int, list[tuple[str, int | None]]]:
    with store.read() as s:
        payments = s.scalar(select(func.count()).select_from(Payment)) or 0
        bills = [tuple(r) for r in s.execute(select(Bill.state, Bill.invoice_number)).all()]
    return payments, bills


@pytest.mark.parametrize("mode", ["before_commit", "after_commit"])
def test_killed_while_paying_the_payment_is_whole_or_absent(billing: Billing, mode: str) -> None:
    bill = billing.ready()
    payment_id = new_id()
    _wait_for(
        _tablet(billing, bill.bill_id, payment_id, mode),
        "committing" if mode == "before_commit" else "paid",
    )
    restarted = Store(billing.store.url)
    try:
        payments, bills = _state(restarted)
        if mode == "before_commit":
            assert (payments, bills) == (0, [("current", None)])
            assert billing.order().stage == PartyStage.BILL_REQUESTED
        else:
            assert (payments, bills) == (1, [("settled", 1)])
            assert billing.order().stage == PartyStage.PAID
        # The tablet never saw the answer: it tries again under the same id.
        again = billing.pay(
            bill, "card", amount=9_700, client_payment_id=payment_id, store=restarted
        )
        assert again.repeated == (mode == "after_commit")
        assert again.settled and again.invoice_number == 1
        assert _state(restarted) == (1, [("settled", 1)])
    finally:
        restarted.dispose()
