"""From "the guest asked for the bill" to "paid" and a reset table, by touch (第6条 13,
第9条, 第10条).

张伟 Zhang Wei (W01) records on "My tables" that table 1 asked for the bill; 赵敏 Zhao Min
(C01), the cashier, opens it on "Bills", presents it, splits it three ways, takes cash for
one part (the change shown large, 第9条 ②) and card for the others, with an invoice asked
for; the bill is settled with its invoice number; the waiter sees the guests off and resets
the table. Refusals (a discount without a manager's PIN, a full card number) show their
sentence and change nothing. Screenshots of the bill, split and payment, English and Chinese.

The seated, ordered and served party is set up through the real services; the billing
steps are taps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from db.store import Store
from models import Bill, Discount, Party, PartyStage, Payment, PrintJob
from services.billing.bills import PartyBill, bill_view, request_bill
from services.serving.courses import (
    CourseState,
    FireCourse,
    MarkServed,
    fire_course,
    mark_served,
    party_courses,
)
from services.serving.kitchen import BumpTicket, bump_ticket, kitchen_board
from tests.ui.conftest import Driver
from tests.ui.test_serving_ui import Kitchen

CASHIER = ("Zhao Min", "6666")
WAITER = ("Zhang Wei", "1111")
DISHES = [
    ("smashed_cucumber", 1, "", ()),
    ("steamed_rice", 1, "", ()),
    ("xiaolongbao", 2, "", (("dipping_sauce", "sesame_paste"),)),
    ("jasmine_tea", None, "", ()),
]


def _served_party(store: Store) -> tuple[Kitchen, int]:
    """Four guests at table 1, their order sent, every course made and served."""
    kitchen = Kitchen(store)
    party = kitchen.seat("1", 4, minutes_ago=60)
    kitchen.send(party, DISHES, minutes_ago=50)
    waiter, cook = kitchen.staff["W01"], kitchen.staff["K01"]
    for course in party_courses(store, waiter, party):
        if course.lines == 0:
            continue
        if course.state == CourseState.HELD:
            fire_course(store, waiter, FireCourse(party_id=party, course_id=course.course_id))
        for ticket in kitchen_board(store, cook, None).tickets:
            if ticket.party_id == party and ticket.course_id == course.course_id:
                command = BumpTicket(ticket_id=ticket.id, seen_version=ticket.version)
                bump_ticket(store, cook, command)
        mark_served(store, waiter, MarkServed(party_id=party, course_id=course.course_id))
    return kitchen, party


def _stage(store: Store, party_id: int) -> str:
    with store.read() as s:
        party = s.get(Party, party_id)
        assert party is not None
        return party.stage


def _billing_rows(store: Store) -> dict[str, Any]:
    with store.read() as s:
        return {
            "discounts": s.scalar(select(func.count()).select_from(Discount)),
            "payments": s.scalar(select(func.count()).select_from(Payment)),
            "bills": sorted(s.execute(select(Bill.id, Bill.state, Bill.version)).all()),
        }


def _receipt_jobs(store: Store) -> int:
    """Bills queued for the cashier's desk printer."""
    with store.read() as s:
        query = select(func.count()).select_from(PrintJob)
        found = s.scalar(query.where(PrintJob.kind == "receipt", PrintJob.station == "cashier"))
        return int(found or 0)


def _dialog(ui: Driver) -> Any:
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView

    ui.idle()
    shown = [w for w in Window.children if isinstance(w, ModalView)]
    assert shown, "no dialog is open"
    return shown[0]


def _dialog_message(dialog: Any) -> str:
    return str(dialog.ids.message.text)


def _both(ui: Driver, name: str) -> None:
    ui.screenshot(f"{name}-en")
    ui.tap(ui.header("lang_button"))
    ui.screenshot(f"{name}-zh")
    ui.tap(ui.header("lang_button"))


def _dialog_both(ui: Driver, opener: str, name: str, prepare: Any = None) -> None:
    """A dialog's screenshot in English and in Chinese. The language button sits under the
    dialog, so the dialog is cancelled, the language switched on the screen, and the dialog
    opened again: it is built in the language it opens in."""
    for lang in ("en", "zh"):
        ui.tap(ui.ids(opener))  # found again: the screen redraws in the new language
        dialog = _dialog(ui)
        if prepare is not None:
            prepare(dialog)
        ui.screenshot(f"{name}-{lang}")
        ui.tap(dialog.ids.get("cancel_button") or dialog.ids.close_button)
        ui.tap(ui.header("lang_button"))


def _sign_out(ui: Driver) -> None:
    ui.tap(ui.header("sign_out_button"))
    assert ui.screen.name == "login"


def _open_bill(ui: Driver) -> Any:
    ui.sign_in(*CASHIER)
    ui.tap(ui.button_with_text("Bills"))
    assert ui.screen.name == "cashier"
    ui.tap(ui.ids("party_1"))
    return ui.screen


def test_a_bill_asked_for_split_three_ways_paid_and_the_table_reset(ui: Driver) -> None:
    store = ui.app.store
    _kitchen, party = _served_party(store)
    assert _stage(store, party) == PartyStage.EATING

    # The waiter: the guest asked for the bill (第6条 13: never brought unasked).
    ui.sign_in(*WAITER)
    ui.tap(ui.button_with_text("My tables"))
    _both(ui, "billing-my-tables")
    ui.tap(ui.button_with_text("Guest asked for the bill"))
    assert "the bill is asked for" in ui.message()
    assert _stage(store, party) == PartyStage.BILL_REQUESTED
    assert "Bill requested" in ui.ids("table_1").children[-1].text
    _sign_out(ui)

    # The cashier opens the bill: the dishes, priced choices, tax, 抹零, the total.
    screen = _open_bill(ui)
    assert screen.bill_title == "Table 1"
    rows = " ".join(w.text for w in ui.ids("bill_rows").walk(restrict=True) if hasattr(w, "text"))
    assert "Shanghai soup dumplings" in rows and "esame" in rows and "Total" in rows
    total = screen.bill.total_minor
    assert ui.ids("pay_1").disabled  # not presented yet
    ui.tap(ui.ids("present_button"))
    assert "presented" in ui.message()
    _both(ui, "billing-bill")

    # Split three ways: the parts shown sum exactly to the bill.
    _dialog_both(ui, "split_button", "billing-split", lambda d: ui.tap(d.ids.more_button))
    ui.tap(ui.ids("split_button"))
    split = _dialog(ui)
    ui.tap(split.ids.more_button)
    assert split.ways == 3
    shares = [total // 3 + (1 if i < total % 3 else 0) for i in range(3)]
    assert "Together" in split.preview
    ui.tap(split.ids.confirm_button)
    assert "split in 3 parts" in ui.message()
    bill = screen.bill
    assert [p.amount_minor for p in bill.parts] == shares
    assert sum(p.amount_minor for p in bill.parts) == bill.total_minor == total
    # The guest saw the whole bill: the split one is a new version, presented again.
    assert bill.number == 2 and "present the new version" in ui.message()
    assert ui.ids("pay_1").disabled
    ui.tap(ui.ids("present_button"))
    assert "version 1 superseded" in ui.ids("version_line").text
    assert _receipt_jobs(store) == 2  # version 1 and version 2, each on paper once
    ui.tap(ui.ids("reprint_v1"))
    assert "marked SUPERSEDED (copy 1): not the bill to pay" in ui.message()
    ui.tap(ui.ids("reprint_button"))
    assert "Version 2 reprinted marked COPY (copy 1)" in ui.message()
    assert _receipt_jobs(store) == 4

    # The guest wants a 发票 (invoice): title and tax id.
    ui.tap(ui.ids("invoice_button"))
    invoice = _dialog(ui)
    invoice.ids.title_input.insert_text("Huaxin Trading Co.")
    invoice.ids.tax_id_input.insert_text("91310000MA1FL0XQ2K")
    ui.tap(invoice.ids.save_button)
    assert "invoice request is on the bill" in ui.message()

    # Part 1 in cash: 50 handed over, the change shown large before and after.
    def cash_50(pay: Any) -> None:
        ui.tap(pay.ids.method_cash)
        for key in "50":
            ui.tap(pay.ids.cash_pad.keys[key])

    _dialog_both(ui, "pay_1", "billing-payment-cash", cash_50)
    ui.tap(ui.ids("pay_1"))
    pay = _dialog(ui)
    cash_50(pay)
    change = 5000 - shares[0]
    shown_change = f"¥{change // 100}.{change % 100:02d}"
    assert pay.ids.change_label.text == f"Change {shown_change}"
    ui.tap(pay.ids.take_button)
    # The take button is gone once the payment is taken; a second tap that still reached
    # it (a double tap) sends the dialog's same payment id: nothing more is taken.
    assert pay.ids.take_button.disabled
    pay.take()
    assert pay.ids.change_label.text == f"Change {shown_change}"
    ui.tap(pay.ids.close_button)
    assert _billing_rows(store)["payments"] == 1

    # Parts 2 and 3 by card, the last 4 digits only.
    def card_4242(pay: Any) -> None:
        ui.tap(pay.ids.method_card)
        pay.ids.last4_input.insert_text("4242")

    _dialog_both(ui, "pay_2", "billing-payment-card", card_4242)
    for number in (2, 3):
        ui.tap(ui.ids(f"pay_{number}"))
        pay = _dialog(ui)
        card_4242(pay)
        ui.tap(pay.ids.take_button)
        assert "Taken" in pay.ids.done_label.text
        ui.tap(pay.ids.close_button)

    settled = bill_view(store, party)
    assert settled is not None and settled.state == "settled"
    assert settled.invoice_number is not None
    assert settled.invoice_title == "Huaxin Trading Co."
    assert f"invoice number {settled.invoice_number}" in screen.settled_line
    assert _stage(store, party) == PartyStage.PAID
    _both(ui, "billing-settled")
    _sign_out(ui)

    # The waiter sees the guests off and resets the table (第10条).
    ui.sign_in(*WAITER)
    ui.tap(ui.button_with_text("My tables"))
    ui.tap(ui.button_with_text("Guests have left"))
    assert "needs resetting" in ui.message()
    ui.tap(ui.button_with_text("Reset table"))
    assert ui.screen.name == "reset_tables"
    ui.tap(ui.ids("checked_button"))
    ui.tap(ui.ids("reset_button"))
    assert "Table 1 is ready for the next party" in ui.message()
    assert _stage(store, party) == PartyStage.LEFT


def test_refusals_show_their_sentence_and_change_nothing(ui: Driver) -> None:
    store = ui.app.store
    kitchen, party = _served_party(store)
    request_bill(store, kitchen.staff["W01"], PartyBill(party_id=party))
    screen = _open_bill(ui)
    ui.tap(ui.ids("present_button"))
    before = _billing_rows(store)

    # A discount without a manager's PIN.
    ui.tap(ui.ids("discount_button"))
    dialog = _dialog(ui)
    dialog.ids.value_input.insert_text("10")
    dialog.ids.reason_input.insert_text("regular guest")
    ui.tap(dialog.ids.give_button)
    assert "needs a manager's PIN" in _dialog_message(dialog)
    assert _billing_rows(store) == before
    ui.screenshot("billing-discount-refused-en")
    ui.tap(dialog.ids.cancel_button)

    # A full card number typed where the last 4 go, on a Chinese screen.
    ui.tap(ui.header("lang_button"))
    ui.tap(ui.ids("pay_1"))
    pay = _dialog(ui)
    ui.tap(pay.ids.method_card)
    pay.ids.last4_input.insert_text("4111 1111 1111 1111")
    ui.tap(pay.ids.take_button)
    assert not pay.ids.take_button.disabled
    assert _billing_rows(store) == before
    assert "卡号" in _dialog_message(pay)
    ui.screenshot("billing-card-refused-zh")
    ui.tap(pay.ids.close_button)
    assert screen.bill is not None and screen.bill.owed_minor == screen.bill.total_minor

    # With the manager's PIN the discount is given: 7 % off, and cash rounding (抹零) down
    # to the jiao on its own line.
    ui.tap(ui.header("lang_button"))
    ui.tap(ui.ids("discount_button"))
    dialog = _dialog(ui)
    dialog.ids.value_input.insert_text("7")
    dialog.ids.reason_input.insert_text("regular guest")
    dialog.ids.pin_input.insert_text("9999")
    ui.tap(dialog.ids.give_button)
    assert "Approved and on the bill." in ui.message()
    bill = screen.bill
    assert bill.amounts.discounts_minor == 658 and bill.amounts.rounding_minor == -2
    assert bill.total_minor == 8740 and bill.number == 2  # the guest saw version 1
    rows = " ".join(w.text for w in ui.ids("bill_rows").walk(restrict=True) if hasattr(w, "text"))
    assert "Cash rounding (抹零)" in rows and "-¥0.02" in rows and "regular guest" in rows
    assert "Total ¥87.40" in ui.ids("total_line").text
    _both(ui, "billing-discounted")


def test_split_by_item_with_a_shared_dish_signed_to_an_account_and_wechat(ui: Driver) -> None:
    store = ui.app.store
    kitchen, party = _served_party(store)
    request_bill(store, kitchen.staff["W01"], PartyBill(party_id=party))
    # 李娜 Li Na, supervisor and cashier, opens the bill from its table on the floor plan.
    ui.sign_in("Li Na", "8888")
    ui.tap(ui.button_with_text("Floor plan"))
    one = kitchen.tables["1"]
    ui.tap(ui.screen.ids.plan.tiles[one])
    ui.tap(ui.button_with_text("Bill"))
    screen = ui.screen
    assert screen.name == "cashier" and screen.chosen_id == party
    lines = {line.name_en: line.line_id for line in screen.bill.amounts.lines}
    ui.tap(ui.ids("split_button"))
    split = _dialog(ui)
    ui.tap(split.ids.kind_items)
    # Seat 1's dishes to part 1, the dumplings to part 2, the pot of tea shared by both.
    for name, parts in (
        ("Smashed cucumber with garlic", (1,)),
        ("Steamed rice, bowl", (1,)),
        ("Shanghai soup dumplings (8)", (2,)),
        ("Jasmine tea, pot", (1, 2)),
    ):
        for part in parts:
            ui.tap(split.ids[f"item_{lines[name]}_{part}"])
    assert "Part 1: ¥40.00" in split.preview and "Part 2: ¥54.00" in split.preview
    assert "Together ¥94.00" in split.preview
    ui.screenshot("billing-split-items-en")
    ui.tap(split.ids.confirm_button)
    assert [p.amount_minor for p in screen.bill.parts] == [4000, 5400]
    ui.tap(ui.ids("present_button"))

    # Part 1 signed to the Huaxin account (签单) by its signer, endorsed by the manager.
    ui.tap(ui.ids("pay_1"))
    pay = _dialog(ui)
    ui.tap(pay.ids.method_house)
    ui.tap(pay.ids.account_huaxin)
    huaxin = next(a for a in pay.accounts if a.code == "huaxin")
    ui.tap(pay.ids[f"signer_{huaxin.signers[0][0]}"])
    pay.ids.pin_input.insert_text("9999")
    ui.screenshot("billing-payment-account-en")
    ui.tap(pay.ids.take_button)
    assert "Taken: ¥40.00" in pay.ids.done_label.text
    ui.tap(pay.ids.close_button)

    # Part 2 by WeChat Pay: the reference is required.
    ui.tap(ui.ids("pay_2"))
    pay = _dialog(ui)
    ui.tap(pay.ids.method_wechat)
    ui.tap(pay.ids.take_button)
    assert "reference" in _dialog_message(pay)
    pay.ids.reference_input.insert_text("WX20260301A")
    ui.tap(pay.ids.take_button)
    assert "bill paid · invoice number" in pay.ids.done_label.text
    ui.tap(pay.ids.close_button)
    assert _stage(store, party) == PartyStage.PAID
    rows = " ".join(w.text for w in ui.ids("bill_rows").walk(restrict=True) if hasattr(w, "text"))
    assert "House account (signed)" in rows and "WX20260301A" in rows

    # Back on the floor plan: the guests leave and the table is reset.
    ui.tap(ui.header("home_button"))
    ui.tap(ui.button_with_text("Floor plan"))
    if ui.screen.selected_id != one:  # the plan keeps the table chosen before
        ui.tap(ui.screen.ids.plan.tiles[one])
    ui.tap(ui.button_with_text("Guests have left"))
    assert "needs resetting" in ui.message()
    if ui.screen.selected_id != one:
        ui.tap(ui.screen.ids.plan.tiles[one])
    ui.tap(ui.button_with_text("Reset table"))
    ui.tap(ui.ids("checked_button"))
    ui.tap(ui.ids("reset_button"))
    assert "Table 1 is ready for the next party" in ui.message()


def _paid_in_cash(store: Store) -> tuple[int, int]:
    """Table 1 served, asked for, presented and paid in cash (through the services): the
    setting for reopening; the test itself taps."""
    from services.billing.bills import present_bill
    from services.billing.payments import TakePayment, payment_methods, take_payment

    kitchen, party = _served_party(store)
    request_bill(store, kitchen.staff["W01"], PartyBill(party_id=party))
    cashier = kitchen.staff["C01"]
    bill = present_bill(store, cashier, PartyBill(party_id=party))
    cash = next(m.id for m in payment_methods(store) if m.code == "cash")
    command = TakePayment(
        client_payment_id="reopen-ui-cash",
        bill_id=bill.bill_id,
        part_number=1,
        method_id=cash,
        amount_minor=bill.total_minor,
    )
    take_payment(store, cashier, command)
    return party, bill.total_minor


def test_a_manager_reopens_a_settled_bill_and_a_refund_is_a_new_record(ui: Driver) -> None:
    store = ui.app.store
    party, total = _paid_in_cash(store)

    # The cashier sees "Refund" but never "Reopen": reopening is a manager's.
    screen = _open_bill(ui)
    assert screen.bill.state == "settled"
    assert ui.ids("reopen_button").opacity == 0 and ui.ids("reopen_button").disabled
    assert ui.ids("refund_button").opacity == 1
    assert ui.ids("refund_button").disabled  # a settled bill is reopened first
    _sign_out(ui)

    # 王建国 Wang Jianguo, the manager: reopen, the reason on the record, his PIN again.
    ui.sign_in("Wang Jianguo", "9999")
    ui.tap(ui.button_with_text("Bills"))
    ui.tap(ui.ids("party_1"))
    screen = ui.screen
    assert ui.ids("reopen_button").opacity == 1 and not ui.ids("reopen_button").disabled
    _dialog_both(ui, "reopen_button", "billing-reopen")
    ui.tap(ui.ids("reopen_button"))
    dialog = _dialog(ui)
    dialog.ids.reason_input.insert_text("guest pays by card")
    ui.tap(dialog.ids.reopen_button)
    assert "manager's PIN" in _dialog_message(dialog)  # nothing written without it
    assert _billing_rows(store)["bills"][0][1] == "settled"
    dialog.ids.pin_input.insert_text("1234")
    ui.tap(dialog.ids.reopen_button)
    assert "not a manager's" in _dialog_message(dialog)
    dialog.ids.pin_input.insert_text("9999")
    ui.tap(dialog.ids.reopen_button)
    assert "Bill reopened as version 2" in ui.message()
    assert [b[1] for b in _billing_rows(store)["bills"]] == ["superseded", "current"]
    assert _stage(store, party) == PartyStage.BILL_REQUESTED
    assert screen.bill.number == 2 and screen.bill.owed_minor == 0
    assert "version 1 superseded" in ui.ids("version_line").text

    # The refund: the cash payment of version 1, given back whole, a manager's PIN.
    assert not ui.ids("refund_button").disabled
    _dialog_both(ui, "refund_button", "billing-refund")
    ui.tap(ui.ids("refund_button"))
    refund = _dialog(ui)
    assert len(refund.payments) == 1 and refund.chosen is not None
    refund.ids.reason_input.insert_text("guest pays by card")
    refund.ids.amount_input.text = ""
    refund.ids.amount_input.insert_text(f"{total // 100 + 1}")
    refund.ids.pin_input.insert_text("9999")
    ui.tap(refund.ids.refund_button)
    assert "can still be given back" in _dialog_message(refund)  # more than was paid
    assert _billing_rows(store)["payments"] == 1
    refund.ids.amount_input.text = ""
    refund.ids.amount_input.insert_text(f"{total // 100}.{total % 100:02d}")
    refund.ids.pin_input.insert_text("9999")
    ui.tap(refund.ids.refund_button)
    assert "Refund recorded" in ui.message()
    with store.read() as s:
        rows = s.execute(select(Payment.kind, Payment.amount_minor).order_by(Payment.id)).all()
        original = s.scalars(select(Payment).where(Payment.kind == "payment")).one()
        assert original.amount_minor == total  # the payment itself is never edited
    assert [tuple(r) for r in rows] == [("payment", total), ("refund", total)]
    assert screen.bill.owed_minor == total and ui.ids("pay_1").disabled
    ui.tap(ui.ids("present_button"))  # the guest is shown the reopened bill, then pays
    assert not ui.ids("pay_1").disabled
    shown = " ".join(w.text for w in ui.ids("bill_rows").walk(restrict=True) if hasattr(w, "text"))
    assert "Refund" in shown
    _both(ui, "billing-refunded")


def test_the_manager_reads_a_house_accounts_month_on_screen(ui: Driver) -> None:
    from kivy.uix.button import Button

    from services.billing.accounts import house_accounts
    from services.billing.bills import present_bill
    from services.billing.payments import TakePayment, payment_methods, take_payment

    store = ui.app.store
    kitchen, party = _served_party(store)
    request_bill(store, kitchen.staff["W01"], PartyBill(party_id=party))
    bill = present_bill(store, kitchen.staff["C01"], PartyBill(party_id=party))
    huaxin = next(a for a in house_accounts(store) if a.code == "huaxin")
    liu = next(i for i, name in huaxin.signers if "Liu" in name)
    house = next(m.id for m in payment_methods(store) if m.code == "house")
    take_payment(  # 刘总 signs the bill to Huaxin, the manager endorsing (第9条 ③)
        store,
        kitchen.staff["C01"],
        TakePayment(
            client_payment_id="accounts-ui-signed",
            bill_id=bill.bill_id,
            method_id=house,
            amount_minor=bill.total_minor,
            account_id=huaxin.id,
            signer_id=liu,
            manager_pin="9999",
        ),
    )

    # The cashier has no such tile: the accounts are a manager's.
    ui.sign_in(*CASHIER)
    assert not [b for b in ui.find(Button) if b.text == "House accounts"]
    _sign_out(ui)

    ui.sign_in("Wang Jianguo", "9999")
    ui.tap(ui.button_with_text("House accounts"))
    screen = ui.screen
    assert screen.name == "house_accounts"
    ui.tap(ui.ids("account_huaxin"))
    total = f"¥{bill.total_minor // 100}.{bill.total_minor % 100:02d}"
    assert "Huaxin Trading" in screen.account_line and f"owes {total}" in screen.account_line
    assert "limit ¥50,000.00" in screen.account_line
    assert "Liu Zong" in screen.signers_line and "Chen Mishu" in screen.signers_line
    cells = [w.text for w in reversed(ui.ids("lines").children)]
    assert "signed charge" in cells and total in cells
    assert any("Liu Zong" in c for c in cells) and any("Wang Jianguo" in c for c in cells)
    assert f"charged {total}" in screen.totals_line and f"to invoice {total}" in screen.totals_line
    _both(ui, "billing-house-accounts")

    # The month before holds nothing; the hotel room owes nothing.
    ui.tap(ui.ids("previous_month"))
    assert "Nothing was signed to this account in this month." in [
        w.text for w in ui.ids("lines").children
    ]
    assert "to invoice ¥0.00" in screen.totals_line
    ui.tap(ui.ids("next_month"))
    ui.tap(ui.ids("account_room_1808"))
    assert "owes ¥0.00" in screen.account_line and "Tanaka" in screen.signers_line


def test_the_cashier_sees_a_paid_party_off_from_the_bills_screen(ui: Driver) -> None:
    """第10条 ①: once the guests have paid and gone, the cashier can free the table from the
    bill itself; the floor plan then asks for the reset."""
    party, _total = _paid_in_cash(ui.app.store)
    assert _stage(ui.app.store, party) == PartyStage.PAID
    screen = _open_bill(ui)
    assert not screen.ids.left_button.disabled
    ui.tap(screen.ids.left_button)
    assert _stage(ui.app.store, party) == PartyStage.LEFT
    assert "needs resetting" in ui.message()
    assert "party_1" not in screen.ids or screen.ids.left_button.disabled
    ui.screenshot("billing-guests-left-en")
