"""Taking an order on the real app, by touch: 张伟 Zhang Wei (W01) opens his table of four
from "My tables", taps dishes for each seat over two courses (cold dishes and mains), a dish
with a required sauce, a note, reads the order back, sends it as a rush, then voids a line
with the manager's PIN. Screenshots of the order and the read-back in English and Chinese.

The table is seated beforehand through the real services: the manager overrides the
seating gate, the supervisor puts W01 on the hall, the greeter 刘洋 Liu Yang seats four.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.store import Store
from models import DiningTable, MenuItem, OrderLine, OrderSend, PartyStage, PrintJob, Section
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.floor.guest_input import PartyDetails
from services.floor.seating import SeatParty, seat_party
from services.floor.stations import AssignSection, assign_section
from services.menu.catalog import SetInStock, set_in_stock
from services.orders.views import order_view
from tests.demo_data import staff_by_number
from tests.order_support import new_id
from tests.ui.conftest import Driver

WAITER = ("Zhang Wei", "1111")


def _seat_four(store: Store) -> int:
    staff = staff_by_number(store)
    with store.read() as s:
        table = s.scalar(select(DiningTable.id).where(DiningTable.number == "1"))
        hall = s.scalar(select(Section.id).where(Section.code == "hall"))
    assert table is not None and hall is not None
    paper = OverrideSeatingGate(manager_pin="9999", reason="Inspection signed on paper")
    override_seating_gate(store, staff["M01"], paper)
    assign_section(store, staff["S02"], AssignSection(section_id=hall, waiter_id=staff["W01"]))
    guests = PartyDetails(size=4)
    seated = seat_party(store, staff["G01"], SeatParty(table_ids=[table], guests=guests))
    # The kitchen is out of Peking duck today.
    duck = SetInStock(item_id=_item(store, "peking_duck_half"), in_stock=False)
    set_in_stock(store, staff["S01"], duck)
    return seated.party_id


def _item(store: Store, code: str) -> int:
    with store.read() as s:
        found = s.scalar(select(MenuItem.id).where(MenuItem.code == code))
    assert found is not None
    return found


def _popup() -> Any:
    from kivy.core.window import Window
    from kivy.uix.popup import Popup

    popups = [w for w in Window.children if isinstance(w, Popup)]
    assert popups, "no dialog is open"
    return popups[0]


def _closed(ui: Driver) -> None:
    """Wait for a dismissed dialog to finish closing: until then it takes every touch."""

    from kivy.core.window import Window
    from kivy.uix.popup import Popup

    ui.wait_until(lambda: not any(isinstance(w, Popup) for w in Window.children))
    ui.idle()


def _popup_button(text: str) -> Any:
    from kivy.uix.button import Button

    found = [w for w in _popup().walk() if isinstance(w, Button) and w.text.startswith(text)]
    assert found, f"no button {text!r} in the dialog"
    return found[0]


def _open_order(ui: Driver) -> None:
    ui.sign_in(*WAITER)
    ui.tap(ui.button_with_text("My tables"))
    assert ui.screen.name == "my_tables"
    ui.tap(ui.button_with_text("Order"))
    assert ui.screen.name == "order"


def _dish(ui: Driver, code: str) -> None:
    from screens.orders.order import MenuItemButton

    item_id = _item(ui.app.store, code)
    ui.idle()  # the dishes shown were just laid out again
    buttons = ui.find(MenuItemButton, lambda b: b.item_id == item_id)
    assert buttons, f"{code} is not shown"
    ui.tap(buttons[0])


def _line_row(ui: Driver, words: str) -> Any:
    from screens.orders.order import OrderLineRow

    ui.idle()
    rows = ui.find(OrderLineRow, lambda r: words in r.text)
    assert rows, f"no line with {words!r}"
    return rows[0]


def _take_the_order(ui: Driver) -> None:
    """Four guests, two courses: a cold dish each for seats 3 and 4 and one to share; mains
    for seats 1 and 2, the mapo tofu with its required spice level; a note."""
    ui.tap(ui.button_with_text("Seat 1"))
    ui.ids("search").insert_text("sea bass")
    _dish(ui, "steamed_sea_bass")
    assert "Added Steamed sea bass with ginger and scallion for seat 1." in ui.message()
    ui.ids("search").text = ""
    ui.idle()

    ui.tap(ui.button_with_text("Mains"))
    ui.tap(ui.button_with_text("Seat 2"))
    _dish(ui, "mapo_tofu")
    choices = _popup()
    ui.tap(choices.ids.add_button)  # the spice level is required: nothing is added yet
    assert "Choose Spice level for Mapo tofu." in choices.message
    ui.tap(_popup_button("Mild"))
    ui.screenshot("order-choices-en")
    ui.tap(choices.ids.add_button)
    _closed(ui)

    ui.ids("search").insert_text("duck")
    _dish(ui, "peking_duck_half")  # 86'd: refused, and the screen says so
    assert "Peking duck, half, with pancakes is sold out (86)." in ui.message()

    ui.tap(ui.button_with_text("Cold dishes"))
    ui.tap(ui.button_with_text("Seat 3"))
    _dish(ui, "smashed_cucumber")
    ui.tap(ui.button_with_text("Seat 4"))
    _dish(ui, "wood_ear_salad")
    ui.tap(ui.button_with_text("Table (shared)"))
    _dish(ui, "mouth_watering_chicken")

    # The shared chicken: two portions, less spicy, no coriander.
    ui.tap(_line_row(ui, "Mouth-watering chicken"))
    line = _popup()
    ui.tap(line.ids.plus_button)
    line.ids.note.insert_text("少辣 🌶️ no coriander")
    ui.screenshot("order-line-en")
    ui.tap(line.ids.save_button)
    _closed(ui)
    assert "The line was changed." in ui.message()


def test_a_waiter_takes_reads_back_sends_and_voids_by_touch(ui: Driver) -> None:
    party_id = _seat_four(ui.app.store)
    _open_order(ui)
    header = ui.ids("order_header").text
    assert header.startswith("Table 1 · 4 guests · Waiter 张伟 Zhang Wei (W01) · 20")

    _take_the_order(ui)
    rows = ui.find(type(_line_row(ui, "Mapo tofu")))
    assert len(rows) == 5 and all(r.status_text == "NEW · not sent" for r in rows)
    assert "Mild" in _line_row(ui, "Mapo tofu").text
    assert "Allergens: Gluten, Peanuts, Sesame, Soy" in _line_row(ui, "Mouth-watering chicken").text
    assert ui.ids("read_back_button").text == "Read back and send (5)"
    ui.screenshot("order-new-en")

    ui.tap(ui.ids("read_back_button"))
    assert ui.screen.name == "read_back"
    from screens.orders.read_back import ReadBackHeading, ReadBackRow

    # By course in the order they go out, then by seat, the shared dishes last.
    assert [h.text for h in ui.find(ReadBackHeading)] == ["Cold dishes", "Mains"]
    rows = ui.find(ReadBackRow)
    assert [r.seat_text for r in rows] == ["Seat 3", "Seat 4", "Table (shared)", "Seat 1", "Seat 2"]
    chicken = rows[2].text
    # The font has no emoji: the screen names it, as the kitchen's paper does.
    assert "2 × Mouth-watering chicken" in chicken and "少辣 &bl;hot pepper&br; no" in chicken
    assert "Mild" in rows[4].text and "Seat" not in rows[4].text
    ui.screenshot("read-back-en")
    ui.tap(ui.header("lang_button"))
    assert ui.find(ReadBackHeading)[0].text == "冷菜"
    assert ui.ids("send_button").text == "确认无误，发送"
    ui.screenshot("read-back-zh")
    ui.tap(ui.header("lang_button"))

    ui.tap(ui.ids("rush_button"))
    ui.tap(ui.ids("send_button"))
    assert ui.screen.name == "order"
    assert f"Sent as RUSH: order {party_id}-1, 5 lines" in ui.message()
    rows = ui.find(type(_line_row(ui, "Mapo tofu")))
    assert all(r.status_text.startswith("Sent #1") for r in rows)
    assert ui.ids("read_back_button").disabled
    store = ui.app.store
    with store.read() as s:
        send = s.scalar(select(OrderSend))
        assert send is not None and send.rush and send.sent_by_id == ui.app.user.staff_id
        kinds = sorted(s.scalars(select(PrintJob.kind)).all())
    # The slip and the cold kitchen's ticket: the mains are held until the waiter fires
    # them (第8条 ①, services/serving/), so the hot kitchen's paper is not printed yet.
    assert kinds == ["dispatch_slip", "kitchen_ticket"]
    assert "少辣 🌶️ no coriander" in [li.note for li in order_view(store, party_id).lines]
    assert order_view(store, party_id).stage == PartyStage.ORDERED

    # The guest at seat 1 changes his mind about the fish: void, with the manager's PIN.
    ui.tap(_line_row(ui, "Steamed sea bass"))
    ui.tap(_popup().ids.void_button)
    void = _popup()
    ui.tap(void.ids.reason_guest_changed_mind)
    for digit in "1111":  # the waiter's own PIN is not a manager's
        ui.tap(void.ids.pad.ids[f"key_{digit}"])
    ui.tap(void.ids.confirm_button)
    assert "not a manager's" in void.message
    ui.screenshot("order-void-en")
    for digit in "9999":
        ui.tap(void.ids.pad.ids[f"key_{digit}"])
    ui.tap(void.ids.confirm_button)
    _closed(ui)
    assert "Voided." in ui.message()
    fish = _line_row(ui, "Steamed sea bass")
    assert fish.text.startswith("[s]") and fish.status_text == "VOIDED"
    assert "approved by 王建国 Wang Jianguo (M01)" in fish.text
    ui.screenshot("order-voided-en")
    with store.read() as s:
        voided = s.scalar(select(OrderLine).where(OrderLine.voided_at.is_not(None)))
        assert voided is not None and voided.void_approved_by_id != voided.voided_by_id
        ticket = s.scalar(select(PrintJob.payload).where(PrintJob.kind == "void_ticket"))
    # The fish's course (mains) was held, so the kitchen never had it on paper: no void
    # paper is printed for it (a fired line's void paper: tests/test_serving_voids.py).
    assert ticket is None

    # One more for later (a dessert), so the screen shows new, sent and voided lines.
    ui.tap(ui.button_with_text("Desserts"))
    ui.tap(ui.button_with_text("Seat 3"))
    _dish(ui, "egg_tarts")
    ui.screenshot("order-en")
    ui.tap(ui.header("lang_button"))
    assert ui.ids("read_back_button").text == "复述并发送（1）"
    assert _line_row(ui, "清蒸鲈鱼").status_text == "已退菜"
    ui.screenshot("order-zh")


def test_a_void_clashing_with_another_tablet_reloads_and_says_so(ui: Driver) -> None:
    from services.orders.sending import LineSeen, SendOrder, send_order
    from services.orders.taking import AddLine, add_line
    from services.orders.voids import VoidLine, VoidReason, void_line

    party_id = _seat_four(ui.app.store)
    store = ui.app.store
    staff = staff_by_number(store)
    tea = AddLine(client_line_id=new_id(), party_id=party_id, item_id=_item(store, "jasmine_tea"))
    view = add_line(store, staff["W01"], tea)
    lines = tuple(LineSeen(line_id=li.id, version=li.version) for li in view.lines)
    send_order(
        store, staff["W01"], SendOrder(client_send_id=new_id(), party_id=party_id, lines=lines)
    )
    _open_order(ui)

    ui.tap(_line_row(ui, "Jasmine tea"))  # the line popup holds the line as it is now
    line = order_view(store, party_id).lines[0]
    # Meanwhile 王芳 Wang Fang voids it on her tablet.
    other = Store(store.url)
    try:
        void_line(
            other,
            staff["W02"],
            VoidLine(
                client_void_id=new_id(),
                line_id=line.id,
                version=line.version,
                reason=VoidReason.WRONG_ENTRY,
                manager_pin="9999",
            ),
        )
    finally:
        other.dispose()

    ui.tap(_popup().ids.void_button)
    void = _popup()
    ui.tap(void.ids.reason_quality)
    for digit in "9999":
        ui.tap(void.ids.pad.ids[f"key_{digit}"])
    ui.tap(void.ids.confirm_button)
    _closed(ui)
    assert (
        "This line was just changed on another tablet; the order has been reloaded." in ui.message()
    )
    tea_row = _line_row(ui, "Jasmine tea")
    assert tea_row.status_text == "VOIDED" and "王芳 Wang Fang (W02)" in tea_row.text
    with store.read() as s:
        assert len(s.scalars(select(PrintJob.id).where(PrintJob.kind == "void_ticket")).all()) == 1


def test_the_floor_plan_opens_a_tables_order(ui: Driver) -> None:
    """A manager helping on the floor takes the order from the table tapped on the plan."""
    from screens.widgets.floor_plan import FloorTable

    _seat_four(ui.app.store)
    ui.sign_in("Wang Jianguo", "9999")
    ui.tap(ui.button_with_text("Floor plan"))
    with ui.app.store.read() as s:
        table_id = s.scalar(select(DiningTable.id).where(DiningTable.number == "1"))
    ui.tap(ui.find(FloorTable, lambda t: t.table_id == table_id)[0])
    ui.tap(ui.button_with_text("Order"))
    assert ui.screen.name == "order"
    assert ui.ids("order_header").text.startswith("Table 1 · 4 guests")
    ui.tap(ui.button_with_text("Drinks"))
    _dish(ui, "jasmine_tea")
    assert "Added Jasmine tea, pot for the whole table." in ui.message()
