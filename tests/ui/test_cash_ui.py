"""The cash drawer and the end-of-day report, driven with real taps: the cashier 赵敏 Zhao
Min counts a float note by note and opens her drawer, pays out for a delivery, counts the
drawer and closes it one yuan short; the manager opens the end-of-day report and sees
the service's sales as bars, the drawer's variance, and exports the CSV."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from db.store import Store
from models import CashDrawer, MenuItem, PaymentMethod, PrintJob
from services.billing.bills import PartyBill, present_bill, request_bill
from services.billing.payments import TakePayment, take_payment
from services.floor.guest_input import PartyDetails
from services.floor.seating import SeatParty, seat_party
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import order_view
from tests.ui.conftest import Driver
from tests.ui.seating_setup import open_gate_today, staff_ids, staff_sections, table_ids

CASHIER = ("Zhao Min", "6666")
MANAGER = ("Wang Jianguo", "9999")


def _row(ui: Driver, code: str):  # type: ignore[no-untyped-def]
    from screens.cash.drawer import CountRow

    rows = ui.find(CountRow, lambda r: r.code == code)
    assert rows, f"no count row for {code}"
    return rows[0]


def _tap_pieces(ui: Driver, counts: dict[str, int]) -> None:
    for code, pieces in counts.items():
        for _ in range(pieces):
            ui.tap(_row(ui, code).ids.plus)


def _paid_lunch(store: Store) -> None:
    """Two tables seated, ordered, sent and paid through the real services (the setting
    for the report; the test itself taps)."""
    open_gate_today(store)
    staff_sections(store, {"hall": "W01"})
    staff, tables = staff_ids(store), table_ids(store)
    with store.read() as s:
        items = {i.code: i.id for i in s.scalars(select(MenuItem)).all()}
        methods = {m.code: m.id for m in s.scalars(select(PaymentMethod)).all()}
    for table, dishes, method in (
        ("1", ("red_braised_pork", "steamed_rice"), "card"),
        ("2", ("yuxiang_aubergine", "jasmine_tea"), "wechat"),
    ):
        party = seat_party(
            store, staff["G01"], SeatParty(table_ids=[tables[table]], guests=PartyDetails(size=2))
        ).party_id
        for code in dishes:
            add_line(
                store,
                staff["W01"],
                AddLine(client_line_id=str(uuid.uuid4()), party_id=party, item_id=items[code]),
            )
        view = order_view(store, party)
        send_order(
            store,
            staff["W01"],
            SendOrder(
                client_send_id=str(uuid.uuid4()),
                party_id=party,
                lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
            ),
        )
        request_bill(store, staff["W01"], PartyBill(party_id=party))
        bill = present_bill(store, staff["C01"], PartyBill(party_id=party))
        take_payment(
            store,
            staff["C01"],
            TakePayment(
                client_payment_id=str(uuid.uuid4()),
                bill_id=bill.bill_id,
                method_id=methods[method],
                amount_minor=bill.owed_minor,
                reference="WX-0001-AB" if method == "wechat" else "",
            ),
        )


def test_cashier_opens_pays_out_and_closes_a_drawer_then_the_manager_reads_the_day(
    ui: Driver,
) -> None:
    _paid_lunch(ui.app.store)
    ui.sign_in(*CASHIER)
    ui.tap(ui.button_with_text("Cash drawer"))
    assert ui.screen.name == "cash_drawer"
    assert "No drawer open" in ui.ids("status").text
    assert ui.ids("close_button").disabled

    # The float: two 100s, one 50, five 1-yuan coins = 255.00.
    _tap_pieces(ui, {"note_100": 2, "note_50": 1, "coin_1": 5})
    assert _row(ui, "note_100").ids.pieces.text == "2"
    assert ui.ids("counted").text == "Counted: ¥255.00"
    ui.tap(ui.ids("open_button"))
    assert "Drawer opened with a float of ¥255.00." in ui.message()
    assert "float ¥255.00" in ui.ids("status").text
    assert "Expected in the drawer: ¥255.00" in ui.ids("figures").text
    assert ui.ids("open_button").disabled and ui.ids("counted").text == "Counted: ¥0.00"

    # Paid out: 12.50 for the ice delivery.
    ui.ids("move_amount").insert_text("12.50")
    ui.ids("move_reason").insert_text("ice delivery")
    ui.tap(ui.ids("paid_out_button"))
    assert "Paid out recorded." in ui.message()
    assert "Expected in the drawer: ¥242.50" in ui.ids("figures").text
    ui.screenshot("cash-drawer-open-en")

    # The count: 100 + 100 + 20 + 20 + 1 + 5 jiao = 241.50, one yuan short.
    _tap_pieces(ui, {"note_100": 2, "note_20": 2, "note_1": 1, "coin_0_5": 1})
    ui.tap(ui.ids("close_button"))
    assert "Drawer closed and recorded." in ui.message()
    result = ui.ids("result").text
    assert "Expected ¥242.50, counted ¥241.50, variance -¥1.00." in result
    assert "The drawer is short." in result
    with ui.app.store.read() as s:
        drawer = s.scalars(select(CashDrawer)).one()
        assert (drawer.state, drawer.variance_minor) == ("closed", -100)
    ui.screenshot("cash-drawer-closed-en")
    ui.tap(ui.header("lang_button"))
    assert "钱箱短款" in ui.ids("result").text
    ui.screenshot("cash-drawer-closed-zh")
    ui.tap(ui.header("lang_button"))

    ui.tap(ui.header("sign_out_button"))
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("End of day"))
    assert ui.screen.name == "end_of_day"
    texts = [w.text for w in ui.screen.ids.figures.children][::-1]
    pairs = dict(zip(texts[0::2], texts[1::2], strict=True))
    assert pairs["Covers"] == "4" and pairs["Bills settled"] == "2"
    # 58 + 3 (table 1) + 32 + 38 (table 2) = 131.00, no discounts, no service in the hall.
    assert pairs["Sales"] == "¥131.00"
    assert pairs["Drawer variance"] == "-¥1.00"
    assert len(ui.screen.ids.chart.bars) >= 1
    assert sum(amount for _h, amount in ui.screen.ids.chart.bars) == 13_100
    ui.screenshot("end-of-day-en")
    ui.tap(ui.ids("export_button"))
    assert "Report saved as CSV:" in ui.message() and ".csv" in ui.message()
    # Printed at the cashier's desk: one job per report shown, a second tap prints nothing more.
    ui.tap(ui.ids("print_button"))
    assert "The report prints at the cashier's desk (job #" in ui.message()
    ui.tap(ui.ids("print_button"))
    assert "already in the print queue" in ui.message()
    with ui.app.store.read() as s:
        jobs = s.scalars(select(PrintJob).where(PrintJob.kind == "day_report")).all()
        assert [(j.station, j.state) for j in jobs] == [("cashier", "queued")]
        assert '"sales_minor":13100' in jobs[0].payload
    ui.tap(ui.header("lang_button"))
    texts = [w.text for w in ui.screen.ids.figures.children][::-1]
    assert "客数" in texts and "钱箱差额" in texts
    ui.screenshot("end-of-day-zh")


def test_manager_turns_the_blind_count_on_and_counts_before_seeing_the_figure(
    ui: Driver,
) -> None:
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("Cash drawer"))
    assert ui.ids("blind_button").text == "Blind count: off"
    ui.tap(ui.ids("blind_button"))
    assert ui.ids("blind_button").text == "Blind count: on"
    assert "counted blind" in ui.message()
    _tap_pieces(ui, {"note_100": 1})
    ui.tap(ui.ids("open_button"))
    figures = ui.ids("figures").text
    assert "Blind count: the expected amount is shown after the count." in figures
    assert "Expected in the drawer" not in figures
    ui.tap(ui.header("lang_button"))
    ui.screenshot("cash-drawer-blind-zh")
    ui.tap(ui.header("lang_button"))
    _tap_pieces(ui, {"note_100": 1})
    ui.tap(ui.ids("close_button"))
    assert "Expected ¥100.00, counted ¥100.00, variance ¥0.00." in ui.ids("result").text
    assert "The drawer balances." in ui.ids("result").text


def test_a_cashier_has_no_blind_count_switch(ui: Driver) -> None:
    ui.sign_in(*CASHIER)
    ui.tap(ui.button_with_text("Cash drawer"))
    assert ui.ids("blind_button").disabled and ui.ids("blind_button").opacity == 0


def test_manager_moves_between_days_and_services_on_the_report(ui: Driver) -> None:
    _paid_lunch(ui.app.store)
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("End of day"))
    today = ui.ids("day_label").text
    ui.tap(ui.ids("next_day"))
    assert "That day has not come yet." in ui.message()
    assert ui.ids("day_label").text == today
    ui.tap(ui.button_with_text("Dinner"))
    assert ui.button_with_text("Dinner").state == "down"
    ui.tap(ui.ids("previous_day"))
    assert ui.ids("day_label").text != today
    texts = [w.text for w in ui.screen.ids.figures.children][::-1]
    pairs = dict(zip(texts[0::2], texts[1::2], strict=True))
    assert pairs["Bills settled"] == "0" and pairs["Sales"] == "¥0.00"
    assert ui.screen.ids.chart.bars == []
