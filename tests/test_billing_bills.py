"""The bill on request (第6条 13) and its versions (第9条 ③), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from models import PartyStage
from services.billing.bills import (
    BillRef,
    PartyBill,
    bill_version,
    bill_view,
    reprint_bill,
    request_bill,
)
from services.billing.changes import DiscountKind
from services.errors import DomainError
from tests.billing_support import Billing, billing

_ = billing  # a fixture, used by name


def test_the_bill_comes_only_when_the_guests_ask(billing: Billing) -> None:
    before = billing.billing_snapshot()
    with pytest.raises(DomainError, match="never brought before they ask"):
        billing.present()
    assert billing.billing_snapshot() == before
    assert bill_view(billing.store, billing.party_id) is None

    asked = billing.request()
    assert billing.order().stage == PartyStage.BILL_REQUESTED
    assert asked.presented_at is None and asked.number == 1
    shown = billing.present()
    assert shown.bill_id == asked.bill_id and shown.presented_at is not None
    assert shown.total_minor == 9700
    # The priced choice is in the line's price: xiaolongbao 32.00 + sesame paste 3.00.
    xlb = next(li for li in shown.amounts.lines if li.name_en.startswith("Shanghai soup dumplings"))
    assert xlb.unit_price_minor == 3500 and "Sesame" in xlb.choices_en


def test_a_change_after_presenting_makes_a_new_version(billing: Billing) -> None:
    first = billing.ready()
    changed = billing.discount(DiscountKind.PERCENT, percent_bp=500)
    assert changed is not None
    assert changed.number == 2 and changed.bill_id != first.bill_id
    assert changed.presented_at is None  # the new version still has to be presented
    old = bill_version(billing.store, first.bill_id)
    assert old.state == "superseded" and old.total_minor == 9700
    assert [v.state for v in changed.versions] == ["superseded", "current"]
    # 97.00 less 5 % (4.85) is 92.15; cash rounding down to 0.1 yuan takes 0.05 off.
    assert changed.amounts.discounts_minor == 485
    assert changed.amounts.rounding_minor == -5 and changed.total_minor == 9210

    again = billing.present()
    assert again.bill_id == changed.bill_id and again.presented_at is not None
    old_copy = reprint_bill(billing.store, billing.cashier, BillRef(bill_id=first.bill_id))
    assert old_copy.mark == "SUPERSEDED" and old_copy.copy_number == 1
    copy = reprint_bill(billing.store, billing.cashier, BillRef(bill_id=changed.bill_id))
    copy2 = reprint_bill(billing.store, billing.cashier, BillRef(bill_id=changed.bill_id))
    assert (copy.mark, copy.copy_number, copy2.copy_number) == ("COPY", 1, 2)


def test_a_void_after_presenting_makes_a_new_version_before_payment(billing: Billing) -> None:
    first = billing.ready()
    billing.void(billing.lines["Jasmine tea, pot"])
    with pytest.raises(DomainError, match="present the new version first"):
        billing.pay(first)
    shown = billing.present()
    assert shown.number == 2 and shown.total_minor == 9700 - 3800
    assert bill_version(billing.store, first.bill_id).state == "superseded"


def test_changes_before_presenting_update_the_one_version(billing: Billing) -> None:
    billing.request()
    changed = billing.discount(DiscountKind.AMOUNT, amount_minor=700)
    assert changed is not None and changed.number == 1 and changed.total_minor == 9000
    assert len(changed.versions) == 1


def test_nothing_sent_nothing_to_bill(billing: Billing) -> None:
    other = billing.floor.seat(2, "2")
    with pytest.raises(DomainError, match="nothing to bill"):
        request_bill(billing.store, billing.waiter, PartyBill(party_id=other.party_id))


def test_the_receipt_on_paper_shows_rounding_copies_and_superseded(billing: Billing) -> None:
    from services.printing.printers import PrinterConfig
    from services.printing.receipts import BillDocument, bill_paper

    first = billing.ready()
    billing.discount(DiscountKind.PERCENT, percent_bp=500)
    billing.present()
    printer = PrinterConfig(station="cashier", address="file:/tmp/x.prn")

    def paper(bill_id: int, mark: str = "", copy: int = 0) -> str:
        doc = BillDocument(
            restaurant_en="Jade Garden",
            restaurant_zh="翠园酒家",
            timezone="Asia/Shanghai",
            bill=bill_version(billing.store, bill_id),
            mark=mark,
            copy_number=copy,
        )
        return bill_paper(doc, printer).decode("gb18030", errors="replace")

    old = paper(first.bill_id, "SUPERSEDED")
    assert old.count("SUPERSEDED") == 2 and "97.00" in old and "抹零" not in old
    current = bill_view(billing.store, billing.party_id)
    assert current is not None
    done = billing.pay(current, "cash", tendered_minor=10_000)
    receipt = paper(done.bill.bill_id, "COPY", 1)
    assert "RECEIPT" in receipt and "COPY 副本 1" in receipt
    assert "抹零" in receipt and "-0.05" in receipt and "92.10" in receipt
    assert "找零" in receipt and "7.90" in receipt and "No. 00000001" in receipt


def test_a_bill_comped_to_nothing_is_settled_as_presented(billing: Billing) -> None:
    billing.request()
    for line_id in billing.lines.values():
        billing.discount(DiscountKind.COMP, line_id=line_id, reason="kitchen was very late")
    shown = billing.present()
    assert shown.total_minor == 0 and shown.state == "settled"
    assert shown.invoice_number == 1 and billing.order().stage == PartyStage.PAID
