"""Taking payment (第9条 ②③) on SQLite and PostgreSQL: cash with change, card without card
data, wallets with their reference, several payments and tips, settling with an invoice
number, the table's last steps, refusals that change nothing, refunds and reopening."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from models import AuditEvent, PartyStage, Payment
from services.billing.bills import bill_view
from services.billing.changes import SplitBill, split_bill
from services.billing.invoices import RequestInvoice, request_invoice
from services.billing.reopening import RefundPayment, ReopenBill, refund_payment, reopen_bill
from services.billing.splits import SplitKind, SplitPlan
from services.errors import DomainError, NotAllowed
from services.floor.seating import GuestsLeft, guests_left
from services.floor.table_reset import ResetTable, reset_table
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.seating_support import MANAGER_PIN

_ = billing  # a fixture, used by name


def test_cash_with_change_settles_the_bill_with_an_invoice_and_frees_the_table(
    billing: Billing,
) -> None:
    bill = billing.ready()
    done = billing.pay(bill, "cash", tendered_minor=10_000)
    assert (done.amount_minor, done.change_minor, done.tendered_minor) == (9_700, 300, 10_000)
    assert done.settled and done.invoice_number == 1 and done.bill.state == "settled"
    assert billing.order().stage == PartyStage.PAID
    with billing.store.read() as s:
        payment = s.get(Payment, done.payment_id)
        assert payment is not None and payment.change_minor == 300

    # 第10条: the paid guests leave, then the table is reset for the next party.
    guests_left(billing.store, billing.waiter, GuestsLeft(party_id=billing.party_id))
    reset = reset_table(
        billing.store,
        billing.waiter,
        ResetTable(table_id=billing.floor.tables["1"], belongings_checked=True),
    )
    assert reset.table_number == "1"


def test_part_cash_part_card_with_a_tip_recorded_apart(billing: Billing) -> None:
    bill = billing.ready()
    cash = billing.pay(bill, "cash", amount=5_000, tendered_minor=5_000)
    assert not cash.settled and cash.part_owed_minor == 4_700
    card = billing.pay(
        bill, "card", amount=4_700, tip_minor=500, card_last4="4242", approval_code="A1B2C3"
    )
    assert card.settled and card.tip_minor == 500 and card.bill.paid_minor == 9_700
    with billing.store.read() as s:
        stored = s.get(Payment, card.payment_id)
        assert stored is not None and (stored.card_last4, stored.amount_minor) == ("4242", 4_700)


def test_wallets_need_their_reference(billing: Billing) -> None:
    bill = billing.ready()
    with pytest.raises(DomainError, match="reference"):
        billing.pay(bill, "wechat")
    done = billing.pay(bill, "wechat", reference="WX-0042-AB")
    assert done.settled and done.method_code == "wechat"


def test_a_wallet_transaction_number_is_kept_whole(billing: Billing) -> None:
    """WeChat Pay's transaction numbers have 28 digits: longer than any card number."""
    bill = billing.ready()
    done = billing.pay(bill, "wechat", reference="4200001234202612011234567890")
    with billing.store.read() as s:
        stored = s.get(Payment, done.payment_id)
        assert stored is not None and stored.reference == "4200001234202612011234567890"


@pytest.mark.parametrize(
    "field",
    [
        {"reference": "4111 1111 1111 1111"},
        {"approval_code": "4111-1111-1111"},
        {"card_last4": "4111111111111111"},
        {"reference": "card 6212 3456 7890 1234 567 for table 1"},
    ],
)
def test_a_full_card_number_is_refused_and_never_stored(billing: Billing, field: dict) -> None:
    bill = billing.ready()
    before = billing.billing_snapshot()
    with pytest.raises(DomainError, match="full card number"):
        billing.pay(bill, "card", **field)
    assert billing.billing_snapshot() == before
    with billing.store.read() as s:
        logged = " ".join(s.scalars(select(AuditEvent.detail)).all())
    assert "4111" not in logged


@pytest.mark.parametrize("amount", [-100, 0, 10_000_001, 97.0, "9700", True])
def test_negative_absurd_or_non_integer_tenders_are_refused(
    billing: Billing, amount: object
) -> None:
    bill = billing.ready()
    before = billing.billing_snapshot()
    with pytest.raises((DomainError, ValidationError)):
        billing.pay(bill, "cash", amount=amount)  # type: ignore[arg-type]
    with pytest.raises((DomainError, ValidationError)):
        billing.pay(bill, "cash", amount=100, tendered_minor=amount)
    assert billing.billing_snapshot() == before


def test_more_than_is_owed_or_too_little_cash_is_refused(billing: Billing) -> None:
    bill = billing.ready()
    before = billing.billing_snapshot()
    with pytest.raises(DomainError, match="more than is owed"):
        billing.pay(bill, "card", amount=9_701)
    with pytest.raises(DomainError, match="less than"):
        billing.pay(bill, "cash", tendered_minor=5_000)
    assert billing.billing_snapshot() == before


def test_a_settled_bill_takes_no_more_money_and_a_double_tap_is_one_payment(
    billing: Billing,
) -> None:
    bill = billing.ready()
    tap = new_id()
    first = billing.pay(bill, "card", client_payment_id=tap)
    second = billing.pay(bill, "card", client_payment_id=tap)
    assert second.repeated and second.payment_id == first.payment_id
    before = billing.billing_snapshot()
    with pytest.raises(DomainError, match="paid already"):
        billing.pay(bill, "cash", amount=100)
    assert billing.billing_snapshot() == before


def test_an_unpresented_bill_takes_no_payment(billing: Billing) -> None:
    bill = billing.request()
    with pytest.raises(DomainError, match="Present the bill"):
        billing.pay(bill, "cash")


def test_split_parts_are_paid_separately(billing: Billing) -> None:
    billing.request()
    split = split_bill(
        billing.store,
        billing.cashier,
        SplitBill(party_id=billing.party_id, plan=SplitPlan(kind=SplitKind.EVEN, ways=3)),
    )
    assert [p.amount_minor for p in split.parts] == [3_234, 3_233, 3_233]
    bill = billing.present()
    one = billing.pay(bill, "cash", part=1)
    assert not one.settled and one.bill.part(1).settled  # type: ignore[union-attr]
    with pytest.raises(DomainError, match="paid already"):
        billing.pay(bill, "card", part=1, amount=1)
    resplit = SplitBill(party_id=billing.party_id, plan=SplitPlan(kind=SplitKind.EVEN, ways=2))
    with pytest.raises(DomainError, match="paid already"):
        split_bill(billing.store, billing.cashier, resplit)
    billing.pay(bill, "card", part=2)
    last = billing.pay(bill, "alipay", part=3, reference="ALI-77")
    assert last.settled and last.invoice_number is not None
    with pytest.raises(DomainError, match="settled"):
        split_bill(billing.store, billing.cashier, resplit)


def test_the_invoice_request_is_recorded_on_the_bill(billing: Billing) -> None:
    billing.request()
    view = request_invoice(
        billing.store,
        billing.cashier,
        RequestInvoice(
            party_id=billing.party_id,
            title="华信贸易有限公司",
            tax_id="91310000MA1FL0XX1Q",
            email="finance@example.com",
        ),
    )
    assert (view.invoice_title, view.invoice_tax_id) == ("华信贸易有限公司", "91310000MA1FL0XX1Q")
    with pytest.raises(DomainError, match="tax id"):
        RequestInvoice(party_id=billing.party_id, title="X", tax_id="12")
    changed = billing.present()
    assert changed.invoice_email == "finance@example.com"


def test_reopen_refund_and_pay_again_keep_every_record(billing: Billing) -> None:
    bill = billing.ready()
    cash = billing.pay(bill, "cash")
    assert cash.invoice_number == 1
    with pytest.raises(NotAllowed):
        reopen_bill(billing.store, billing.cashier, ReopenBill(bill_id=bill.bill_id, reason="x"))
    reopened = reopen_bill(
        billing.store, billing.staff["M01"], ReopenBill(bill_id=bill.bill_id, reason="paid by card")
    )
    assert reopened.number == 2 and reopened.carried_minor == 9_700 and reopened.owed_minor == 0
    assert billing.order().stage == PartyStage.BILL_REQUESTED
    refund = RefundPayment(
        client_payment_id=new_id(),
        payment_id=cash.payment_id,
        amount_minor=9_700,
        reason="guest pays by card",
        manager_pin=MANAGER_PIN,
    )
    after = refund_payment(billing.store, billing.cashier, refund)
    assert after.owed_minor == 9_700
    again = billing.present()
    card = billing.pay(again, "card")
    assert card.settled and card.invoice_number == 2 and card.bill.number == 2
    with billing.store.read() as s:
        kinds = sorted(s.scalars(select(Payment.kind)).all())
    assert kinds == ["payment", "payment", "refund"]
    view = bill_view(billing.store, billing.party_id)
    assert view is not None and [v.state for v in view.versions] == ["superseded", "settled"]


def test_takings_by_method_keep_tips_and_signed_charges_apart(billing: Billing) -> None:
    from datetime import timedelta

    from services.billing.takings import takings
    from services.service_day import aware

    start = aware(None) - timedelta(minutes=1)
    bill = billing.ready()
    billing.pay(bill, "cash", amount=5_000, tendered_minor=6_000, tip_minor=200)
    billing.pay(bill, "card", amount=4_700, tip_minor=300, card_last4="4242")
    day = takings(billing.store, billing.cashier, start, aware(None) + timedelta(minutes=1))
    cash = day.method("cash")
    assert cash is not None and (cash.net_minor, cash.tips_minor) == (5_000, 200)
    assert day.taken_minor == 9_700 and day.tips_minor == 500
    with pytest.raises(NotAllowed):
        takings(billing.store, billing.waiter, start, aware(None))
