"""One whole lunch on the real app, by touch, on one shared tablet (issue 10): 李娜 Li Na
signs the pre-service inspection (第3条); 刘洋 Liu Yang seats three and two in the main hall
(第5条); 张伟 Zhang Wei takes, reads back and sends two courses each (第7条); 陈师傅 Chen Shifu
bumps the cold dishes on the kitchen display, the waiter serves them and fires the mains,
the kitchen bumps those and the waiter serves them (第8条); the guests ask for the bill
(第6条 13); 赵敏 Zhao Min opens her drawer with a float, splits one bill three ways for cash
and cards, and the couple sign to a house account on the manager's PIN (第9条); both tables are
reset with the belongings check (第10条); the drawer closes on the exact count; 王建国 Wang
Jianguo's end-of-day report is checked figure by figure (第13条). Every step is a tap,
nothing is set up through a service. The `ui` fixture's clock is the idle sign-out one: the
wall clock cannot be set, so the lunch runs at the real hour, which the checklist figure
follows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from kivy.uix.button import Button
from sqlalchemy import func, select

from db.store import Store
from models import CashDrawer, ChecklistRun, DiningTable, Party, PartyStage, Payment, TableOccupancy
from screens.orders.order import CategoryButton, SeatButton
from screens.orders.read_back import ReadBackHeading
from screens.serving.fire_now import FireNowToggle
from services.checklists.templates import ChecklistKind
from services.service_day import slot_of, slots_on
from services.serving.courses import CourseState, party_courses
from tests.ui.conftest import Driver
from tests.ui.dining_support import dialogs, open_inspection, wait
from tests.ui.test_billing_ui import CASHIER, WAITER, _dialog
from tests.ui.test_cash_ui import MANAGER, _tap_pieces
from tests.ui.test_checklists_ui import _no_popup, _sign_off
from tests.ui.test_ordering_ui import _closed, _dish, _popup, _popup_button
from tests.ui.test_seating_ui import GREETER
from tests.ui.test_serving_ui import _open_kitchen, _sign_out

# Who sits where, and what they eat: (seat, menu tab, dish, a required choice).
THREE = [
    ("Seat 1", "Cold dishes", "smashed_cucumber", None),  # 18.00
    ("Seat 2", "Cold dishes", "wood_ear_salad", None),  # 18.00
    ("Seat 1", "Mains", "red_braised_pork", None),  # 58.00
    ("Seat 3", "Mains", "yuxiang_aubergine", None),  # 32.00
]  # 126.00: three parts of 42.00
COUPLE = [
    ("Seat 1", "Cold dishes", "mouth_watering_chicken", None),  # 48.00
    ("Seat 2", "Mains", "kung_pao_chicken", "Mild"),  # 48.00
]  # 96.00, signed to Huaxin Trading
FLOAT = {"note_100": 2, "note_50": 1, "coin_1": 5}  # 255.00
COUNT = {"note_100": 2, "note_50": 1, "note_20": 2, "note_5": 1, "coin_1": 2}  # 297.00


def _greet(ui: Driver, size: int) -> str:
    """Seat a party of `size` at the first table offered in Zhang Wei's section."""
    ui.tap(ui.ids(f"size_{size}"))
    offers = ui.screen.proposals.tables
    hall = [i for i, o in enumerate(offers[:6]) if o.waiter_number == "W01"]
    assert hall, f"no table in the main hall offered for {size}"
    number = offers[hall[0]].number
    ui.tap(ui.ids(f"proposal_{hall[0]}"))
    assert f"Party of {size} seated at table {number}" in ui.message() and "(W01)" in ui.message()
    return number


def _party_at(store: Store, number: str) -> int:
    with store.read() as s:
        found = s.scalar(
            select(TableOccupancy.party_id)
            .join(DiningTable, DiningTable.id == TableOccupancy.table_id)
            .where(DiningTable.number == number, TableOccupancy.vacated_at.is_(None))
        )
    assert found is not None, f"nobody at table {number}"
    return found


def _row(ui: Driver, number: str) -> Any:
    """Table `number` on "My tables", as drawn now."""
    ui.idle()
    return ui.screen.ids[f"table_{number}"]


def _row_button(ui: Driver, number: str, text: str) -> Any:
    found = [w for w in _row(ui, number).children if isinstance(w, Button) and w.text == text]
    assert found, f"no {text!r} on table {number}'s row"
    return found[0]


def _my_tables(ui: Driver) -> None:
    if ui.screen.name != "home":
        ui.tap(ui.header("home_button"))
    ui.tap(ui.button_with_text("My tables"))
    assert ui.screen.name == "my_tables"


def _take_order(
    ui: Driver, number: str, dishes: list[tuple[str, str, str, str | None]], shot: str = ""
) -> None:
    """From "My tables": open the table's order, tap the dishes, read back, send."""
    _my_tables(ui)
    ui.tap(_row_button(ui, number, "Order"))
    assert ui.screen.name == "order" and ui.ids("order_header").text.startswith(f"Table {number}")
    for seat, tab, code, choice in dishes:
        ui.tap(ui.find(CategoryButton, lambda b, tab=tab: b.text == tab)[0])
        ui.tap(ui.find(SeatButton, lambda b, seat=seat: b.text == seat)[0])
        _dish(ui, code)
        if choice is not None:
            choices = _popup()
            ui.tap(_popup_button(choice))
            ui.tap(choices.ids.add_button)
            _closed(ui)
        assert f"for seat {seat.split()[-1]}." in ui.message()
    assert ui.ids("read_back_button").text == f"Read back and send ({len(dishes)})"
    ui.tap(ui.ids("read_back_button"))
    assert ui.screen.name == "read_back"
    assert [h.text for h in ui.find(ReadBackHeading)] == ["Cold dishes", "Mains"]
    # The mains wait for the waiter's word (第8条 ①): not toggled, they are held.
    assert [t.state for t in ui.find(FireNowToggle)] == ["normal"]
    if shot:
        ui.screenshot(shot)
    ui.tap(ui.ids("send_button"))
    assert ui.screen.name == "order"
    sent, party = ui.message(), _party_at(ui.app.store, number)
    assert sent.startswith("Sent") and f"order {party}-1, {len(dishes)} lines" in sent
    assert ui.ids("read_back_button").disabled


def _courses(ui: Driver, party: int) -> dict[str, CourseState]:
    waiter = ui.app.user.staff_id
    return {c.course_code: c.state for c in party_courses(ui.app.store, waiter, party)}


def _bump(ui: Driver, parties: dict[str, int], course: str) -> None:
    """陈师傅 Chen Shifu signs in on the kitchen display and bumps each table's ticket for
    `course` with one tap."""
    _open_kitchen(ui)
    for number, party in parties.items():
        board = ui.screen.board
        assert board is not None
        tickets = [t for t in board.tickets if t.party_id == party]
        assert [t.course_name_en for t in tickets] == [course], (number, tickets)
        card = ui.screen.ids[f"ticket_{tickets[0].id}"]
        if number == next(iter(parties)):
            ui.screenshot(f"full-service-kitchen-{course.split()[0].lower()}-en")
        ui.tap(card.bump_button)
        assert f"Bumped: table {number}, {course}." in ui.message()
        assert f"ticket_{tickets[0].id}" not in ui.screen.ids
    _sign_out(ui)


def _serve(ui: Driver, number: str, course: str) -> None:
    ui.tap(_row(ui, number).need_buttons["course_ready"])
    assert f"Table {number}: {course} served." in ui.message()


def _pay_part(
    ui: Driver, part: int, method: str, pad: str = "", last4: str = "", tip: str = "", pin: str = ""
) -> Any:
    """Part `part` of the bill shown, by `method`: cash handed over typed on the pad, a card's
    last 4 digits and a tip, or a charge signed to Huaxin Trading endorsed by this PIN."""
    ui.tap(ui.ids(f"pay_{part}"))
    pay = _dialog(ui)
    ui.tap(pay.ids[f"method_{method}"])
    for key in pad:
        ui.tap(pay.ids.cash_pad.keys[key])
    pay.ids.tip_input.insert_text(tip)
    if last4:
        pay.ids.last4_input.insert_text(last4)
    if pin:
        ui.tap(pay.ids.account_huaxin)
        huaxin = next(a for a in pay.accounts if a.code == "huaxin")
        ui.tap(pay.ids[f"signer_{huaxin.signers[0][0]}"])
        pay.ids.pin_input.insert_text(pin)
    shown = pay.ids.change_label.text  # the change, before the cash goes in the drawer
    ui.tap(pay.ids.take_button)
    assert pay.ids.change_label.text == shown
    assert pay.ids.take_button.disabled, pay.ids.message.text
    return pay


def _close_dialog(ui: Driver, dialog: Any) -> None:
    ui.tap(dialog.ids.close_button)
    assert wait(ui, lambda: not dialogs())


def _figures(ui: Driver) -> dict[str, str]:
    texts = [w.text for w in ui.screen.ids.figures.children][::-1]
    return dict(zip(texts[0::2], texts[1::2], strict=True))


def _checklist_figure(ui: Driver, now: datetime) -> str:
    """What the report must say of today's checklists at `now`: the inspection signed here
    (on time unless it was signed after its due time, 30 minutes before opening), plus a
    missing list for every other template of every service of today already over
    (services.checklists.history), since today is the first day checklists were used."""
    templates = ui.app.checklist_templates.templates.values()
    with ui.app.store.read() as s:
        run = s.scalars(select(ChecklistRun)).one()
        slot = slot_of(s, run.service_period_id, run.service_date)
        assert slot is not None and run.signed_at is not None
        due = slot.opens - timedelta(minutes=run.due_minutes_before_opening or 0)
        on_time = int(run.signed_at <= due)
        missing = 0
        for each in slots_on(s, run.service_date):
            for template in templates:
                if (each.period_id, template.code) == (run.service_period_id, run.template_code):
                    continue
                over = each.closes
                if template.kind is ChecklistKind.CLOSING:
                    over += timedelta(minutes=template.due_minutes_after_closing or 0)
                missing += now > over
    lists = 1 + missing
    return f"{on_time}/{lists} · {on_time * 100 // lists}%"


def test_one_whole_lunch_by_touch_from_the_inspection_to_the_end_of_day_report(
    ui: Driver,
) -> None:
    store: Store = ui.app.store

    # 1. The supervisor works through the pre-service inspection and signs it with her PIN.
    open_inspection(ui)
    unanswered = re.fullmatch(r"0 of (\d+) answered", ui.ids("progress").text)
    assert unanswered is not None
    total = int(unanswered.group(1))
    for _ in range(total):
        ui.tap(ui.ids("pass_button"))
    assert ui.ids("progress").text == f"{total} of {total} answered"
    _sign_off(ui, "8888")
    assert _no_popup(ui) and "signed off" in ui.message()
    ui.screenshot("full-service-inspection-en")
    _sign_out(ui)

    # 2. The greeter seats a party of three and a couple in the main hall.
    ui.sign_in(*GREETER)
    ui.tap(ui.button_with_text("Greet a party"))
    three = _greet(ui, 3)
    couple = _greet(ui, 2)
    assert three != couple
    ui.screenshot("full-service-greeting-en")
    _sign_out(ui)
    parties = {three: _party_at(store, three), couple: _party_at(store, couple)}

    # 3. The waiter takes both orders, two courses each, reads them back and sends them.
    ui.sign_in(*WAITER)
    _take_order(ui, three, THREE, shot="full-service-read-back-en")
    _take_order(ui, couple, COUPLE)
    for party in parties.values():
        assert _courses(ui, party) == {"cold": CourseState.FIRED, "main": CourseState.HELD}
    _sign_out(ui)

    # The kitchen bumps the cold dishes; the waiter serves them and fires the mains.
    _bump(ui, parties, "Cold dishes")
    ui.sign_in(*WAITER)
    _my_tables(ui)
    for number, party in parties.items():
        _serve(ui, number, "Cold dishes")
        ui.tap(_row(ui, number).need_buttons["fire_next"])
        assert f"Table {number}: Mains fired, the kitchen has it." in ui.message()
        assert _courses(ui, party) == {"cold": CourseState.SERVED, "main": CourseState.FIRED}
    ui.screenshot("full-service-my-tables-en")
    _sign_out(ui)

    # The kitchen bumps the mains; the waiter serves them.
    _bump(ui, parties, "Mains")
    ui.sign_in(*WAITER)
    _my_tables(ui)
    for number, party in parties.items():
        _serve(ui, number, "Mains")
        assert _courses(ui, party) == {"cold": CourseState.SERVED, "main": CourseState.SERVED}

    # 4. Both tables ask for the bill; the waiter records it.
    for number in parties:
        ui.tap(_row_button(ui, number, "Guest asked for the bill"))
        assert f"Table {number}: the bill is asked for; the cashier has it." in ui.message()
    ui.tap(ui.header("lang_button"))
    assert "要结账" in _row(ui, three).children[-1].text
    ui.screenshot("full-service-my-tables-zh")
    ui.tap(ui.header("lang_button"))
    _sign_out(ui)

    # The cashier opens her drawer with a float counted note by note.
    ui.sign_in(*CASHIER)
    ui.tap(ui.button_with_text("Cash drawer"))
    _tap_pieces(ui, FLOAT)
    assert ui.ids("counted").text == "Counted: ¥255.00"
    ui.tap(ui.ids("open_button"))
    assert "Drawer opened with a float of ¥255.00." in ui.message()

    # The party of three: presented, split three ways, presented again, cash and two cards.
    ui.tap(ui.header("home_button"))
    ui.tap(ui.button_with_text("Bills"))
    assert ui.screen.name == "cashier"
    screen = ui.screen
    ui.tap(ui.ids(f"party_{three}"))
    assert screen.bill.total_minor == 12_600
    ui.tap(ui.ids("present_button"))
    ui.tap(ui.ids("split_button"))
    split = _dialog(ui)
    ui.tap(split.ids.more_button)
    assert split.ways == 3
    ui.tap(split.ids.confirm_button)
    assert "split in 3 parts" in ui.message()
    assert [p.amount_minor for p in screen.bill.parts] == [4_200, 4_200, 4_200]
    ui.tap(ui.ids("present_button"))
    ui.screenshot("full-service-bill-split-en")

    pay = _pay_part(ui, 1, "cash", pad="50")
    assert pay.ids.change_label.text == "Change ¥8.00"
    _close_dialog(ui, pay)
    _close_dialog(ui, _pay_part(ui, 2, "card", last4="4242", tip="10"))  # a 10-yuan tip
    pay = _pay_part(ui, 3, "card", last4="4242")
    assert "bill paid · invoice number" in pay.ids.done_label.text
    _close_dialog(ui, pay)

    # 5. The couple sign to the Huaxin account; the manager's PIN endorses the charge.
    ui.tap(ui.ids(f"party_{couple}"))
    assert screen.bill.total_minor == 9_600
    ui.tap(ui.ids("present_button"))

    pay = _pay_part(ui, 1, "house", pin="9999")
    assert "Taken: ¥96.00 · bill paid" in pay.ids.done_label.text
    ui.screenshot("full-service-house-account-en")
    _close_dialog(ui, pay)
    with store.read() as s:
        assert set(s.scalars(select(Party.stage))) == {PartyStage.PAID}
        assert s.scalar(select(func.count()).select_from(Payment)) == 4
    _sign_out(ui)

    # 6. The guests leave; the waiter checks each table for belongings and resets it.
    ui.sign_in(*WAITER)
    for number in parties:
        _my_tables(ui)
        ui.tap(_row_button(ui, number, "Guests have left"))
        assert f"Table {number} needs resetting" in ui.message()
        ui.tap(_row_button(ui, number, "Reset table"))
        assert ui.screen.name == "reset_tables"
        ui.tap(ui.ids("checked_button"))
        ui.tap(ui.ids("reset_button"))
        assert f"Table {number} is ready for the next party" in ui.message()
    ui.screenshot("full-service-reset-en")
    _sign_out(ui)

    # The cashier counts the drawer: the float and the one cash part, to the fen.
    ui.sign_in(*CASHIER)
    ui.tap(ui.button_with_text("Cash drawer"))
    assert "Expected in the drawer: ¥297.00" in ui.ids("figures").text
    _tap_pieces(ui, COUNT)
    ui.tap(ui.ids("close_button"))
    assert "Drawer closed and recorded." in ui.message()
    result = ui.ids("result").text
    assert "Expected ¥297.00, counted ¥297.00, variance ¥0.00." in result
    assert "The drawer balances." in result
    ui.screenshot("full-service-drawer-closed-en")
    with store.read() as s:
        drawer = s.scalars(select(CashDrawer)).one()
        assert (drawer.state, drawer.variance_minor) == ("closed", 0)
    _sign_out(ui)

    # 7. The manager's end-of-day report: every figure against the lunch above.
    ui.sign_in(*MANAGER)
    ui.tap(ui.button_with_text("End of day"))
    assert ui.screen.name == "end_of_day"
    figures = _figures(ui)
    assert figures == {
        "Covers": "5",
        "Bills settled": "2",
        # 18 + 18 + 58 + 32 for the three, 48 + 48 for the couple
        "Items": "¥222.00",
        "Discounts": "¥0.00",
        "Comps": "¥0.00",
        "Service charge": "¥0.00",  # the main hall has none (private rooms only)
        # 6 % inside the prices, on each bill: 126.00 × 6/106 = 7.13, 96.00 × 6/106 = 5.43
        "Tax (included)": "¥12.56",
        "Cash rounding": "¥0.00",  # whole-yuan bills: nothing to round down
        "Sales": "¥222.00",
        "Cash": "¥42.00",
        "Bank card": "¥84.00",
        "House account (signed)": "¥96.00",
        "Taken": "¥126.00",  # the signed charge is owed, not taken
        "Signed to house accounts": "¥96.00",
        "Tips": "¥10.00",
        "Voids": "0 · ¥0.00",
        "Tables still open": "0",
        "Drawer variance": "¥0.00",
        "Drawers still open": "0",
        "Cash outside any drawer": "¥0.00",
        "Checklists on time": _checklist_figure(ui, datetime.now(UTC)),
    }
    lists = [w.text for w in ui.screen.ids.lists.children][::-1]
    assert lists[:3] == ["Sales by category", "Cold dishes × 3   ¥84.00", "Mains × 3   ¥138.00"]
    assert lists[3:6] == ["Voids", "Tables still open", "Drawers"]
    assert len(lists) == 7
    assert "Zhao Min: expected ¥297.00, counted ¥297.00, variance ¥0.00" in lists[6]
    assert sum(amount for _hour, amount in ui.screen.ids.chart.bars) == 22_200
    ui.screenshot("full-service-end-of-day-en")
    ui.tap(ui.header("lang_button"))
    assert _figures(ui)["客数"] == "5"
    ui.screenshot("full-service-end-of-day-zh")
