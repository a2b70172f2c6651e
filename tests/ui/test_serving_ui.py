"""Course-by-course serving on the real app, by touch (第8条).

The kitchen's 陈师傅 Chen Shifu (K01) bumps the cold dishes of table 1 ready on the kitchen
display; 张伟 Zhang Wei (W01) is told wherever he is, finds table 1 at the top of "My
tables", marks the cold dishes served and fires the mains with one tap each; the party is
eating and the mains reach the kitchen display by themselves. Screenshots of a busy kitchen
(nine tickets, a rush, one late) and of the waiter's tables, in English and Chinese.

Set-up (seating, orders, sends, a move, a void) goes through the real services, with
`at=` times in the past where a ticket must be old; the steps under test are taps.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from db.store import Store
from models import MenuItem, Modifier, ModifierGroup, Party, PartyStage, utcnow
from services.floor.guest_input import PartyDetails
from services.floor.seating import SeatParty, advance_party, seat_party
from services.floor.table_changes import MoveParty, transfer_party
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import order_view
from services.orders.voids import VoidLine, VoidReason, void_line
from services.serving.courses import CourseState, MarkServed, mark_served, party_courses
from services.serving.kitchen import BumpTicket, bump_ticket, kitchen_board
from tests.ui.conftest import Driver
from tests.ui.seating_setup import (
    MANAGER_PIN,
    open_gate_today,
    staff_ids,
    staff_sections,
    table_ids,
)

COOK = ("Chen Shifu", "0000")
WAITER = ("Zhang Wei", "1111")
# (dish, seat, note, choices as (group, modifier))
Dish = tuple[str, int | None, str, tuple[tuple[str, str], ...]]


def _new_id() -> str:
    return str(uuid.uuid4())


class Kitchen:
    """The demo restaurant at service, staffed, with parties seated and orders sent."""

    def __init__(self, store: Store) -> None:
        self.store = store
        open_gate_today(store)
        staff_sections(store, {"hall": "W01", "window": "W02", "private": "W03"})
        self.staff = staff_ids(store)
        self.tables = table_ids(store)
        with store.read() as s:
            self.items = {i.code: i.id for i in s.scalars(select(MenuItem)).all()}
            self.modifiers = {
                (g.code, m.code): m.id
                for m, g in s.execute(select(Modifier, ModifierGroup).join(ModifierGroup)).all()
            }

    def seat(self, table: str, size: int, minutes_ago: int = 0, high_chair: bool = False) -> int:
        at = utcnow() - timedelta(minutes=minutes_ago)
        guests = PartyDetails(size=size, children=1 if high_chair else 0, high_chair=high_chair)
        seated = seat_party(
            self.store,
            self.staff["G01"],
            SeatParty(table_ids=[self.tables[table]], guests=guests),
            at=at,
        )
        return seated.party_id

    def courses(self, party_id: int) -> dict[str, CourseState]:
        return {
            c.course_code: c.state for c in party_courses(self.store, self.staff["W01"], party_id)
        }

    def send(
        self,
        party_id: int,
        dishes: list[Dish],
        minutes_ago: int = 0,
        rush: bool = False,
        waiter: str = "W01",
    ) -> None:
        at = utcnow() - timedelta(minutes=minutes_ago)
        for code, seat, note, choices in dishes:
            add_line(
                self.store,
                self.staff[waiter],
                AddLine(
                    client_line_id=_new_id(),
                    party_id=party_id,
                    item_id=self.items[code],
                    modifier_ids=tuple(self.modifiers[c] for c in choices),
                    seat=seat,
                    note=note,
                ),
                at=at,
            )
        order = order_view(self.store, party_id)
        command = SendOrder(
            client_send_id=_new_id(),
            party_id=party_id,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in order.new_lines),
            rush=rush,
        )
        send_order(self.store, self.staff[waiter], command, at=at)


def _busy_kitchen(kitchen: Kitchen) -> None:
    """Nine tickets at four stations: one sent 26 minutes ago (late), one slow, one rush,
    a note, allergens, a party moved after its course fired, a voided dish."""
    mild = (("spice_level", "mild"),)
    p = kitchen.seat("3", 4, minutes_ago=40)
    kitchen.send(p, [("kung_pao_chicken", 1, "", mild), ("red_braised_pork", 2, "", ())], 26)
    p = kitchen.seat("5", 6, minutes_ago=30)
    kitchen.send(
        p,
        [
            ("smashed_cucumber", None, "", ()),
            ("mouth_watering_chicken", 2, "no coriander, less oil", ()),
            ("jellyfish_vinegar", 3, "", ()),
        ],
        14,
    )
    p = kitchen.seat("7", 6, minutes_ago=25)
    kitchen.send(
        p,
        [("hot_sour_soup", None, "", ()), ("sichuan_boiled_fish", None, "", mild)],
        9,
    )
    p = kitchen.seat("21", 2, minutes_ago=20)
    kitchen.send(
        p,
        [("mapo_tofu", 1, "guest allergic to peanuts: clean wok", mild)],
        7,
        waiter="W02",
    )
    p = kitchen.seat("11", 4, minutes_ago=15)
    kitchen.send(p, [("tsingtao_beer", None, "", ()), ("watermelon_juice", 2, "", ())], 6)
    p = kitchen.seat("VIP1", 10, minutes_ago=15)
    kitchen.send(
        p,
        [
            ("steamed_sea_bass", None, "", ()),
            ("black_pepper_beef", 4, "", (("beef_doneness", "medium_rare"),)),
            ("garlic_greens", None, "", ()),
        ],
        5,
        waiter="W03",
    )
    moved = kitchen.seat("12", 4, minutes_ago=12)
    kitchen.send(moved, [("yuxiang_aubergine", None, "", ()), ("steamed_rice", 1, "", ())], 4)
    transfer_party(
        kitchen.store,
        kitchen.staff["G01"],
        MoveParty(party_id=moved, table_ids=[kitchen.tables["8"]]),
    )
    voided = kitchen.seat("2", 4, minutes_ago=10)
    kitchen.send(
        voided,
        [("twice_cooked_pork", 1, "", mild), ("dry_fried_beans", 2, "", ())],
        3,
    )
    line = next(li for li in order_view(kitchen.store, voided).lines if li.seat == 2)
    void_line(
        kitchen.store,
        kitchen.staff["W01"],
        VoidLine(
            client_void_id=_new_id(),
            line_id=line.id,
            version=line.version,
            reason=VoidReason.GUEST_CHANGED_MIND,
            manager_pin=MANAGER_PIN,
        ),
    )
    # The guests at table 15 are in a hurry: sent a minute ago, cooked first.
    p = kitchen.seat("15", 2, minutes_ago=3)
    kitchen.send(
        p,
        [("yangzhou_fried_rice", 1, "", ()), ("egg_tarts", None, "", ())],
        1,
        rush=True,
    )


def _wait_for(ui: Driver, what: Callable[[], Any], polls: int = 3) -> Any:
    """Let time pass, 3 s at a time (the screens poll every 2 or 3 s), until what we look
    for is there."""
    for _ in range(polls + 1):
        found = what()
        if found:
            return found
        ui.let_time_pass(3)
    raise AssertionError(f"not there after {polls} polls")


def _popup(ui: Driver) -> Any:
    from kivy.core.window import Window
    from kivy.uix.popup import Popup

    ui.idle(1)
    return next((w for w in Window.children if isinstance(w, Popup)), None)


def _open_kitchen(ui: Driver) -> None:
    ui.sign_in(*COOK)
    ui.tap(ui.button_with_text("Kitchen display"))
    assert ui.screen.name == "kitchen"


def _cards(ui: Driver) -> list[Any]:
    from screens.serving.ticket_card import TicketCard

    ui.idle()
    cards = ui.find(TicketCard)
    # walk() goes down the rows in order; each row left to right
    return sorted(cards, key=lambda c: (-c.to_window(*c.pos)[1] - c.height, c.to_window(*c.pos)[0]))


def test_a_busy_kitchen_reads_at_a_glance(ui: Driver) -> None:
    kitchen = Kitchen(ui.app.store)
    _busy_kitchen(kitchen)
    _open_kitchen(ui)
    screen = ui.screen
    board = screen.board
    assert board is not None and len(board.tickets) >= 9
    # The rush jumps the queue, then the oldest first.
    assert board.tickets[0].rush and board.tickets[0].table_label == "15"
    assert board.tickets[1].table_label == "3" and board.tickets[1].age_level == "red"
    first = screen.ids[f"ticket_{board.tickets[0].id}"]
    assert "RUSH" in " ".join(w.text for w in first.walk(restrict=True) if hasattr(w, "text"))
    late = screen.ids[f"ticket_{board.tickets[1].id}"]
    assert "LATE" in late.age_label.text
    ui.screenshot("kitchen-busy-en")
    ui.tap(ui.header("lang_button"))
    ui.screenshot("kitchen-busy-zh")
    ui.tap(ui.header("lang_button"))

    # A waiter voids the jellyfish at table 5 on another tablet; this display has not polled yet
    # (the poll is held so that the tap certainly meets the ticket as it was).
    store = ui.app.store
    screen.stop_refreshing()
    five = next(t for t in screen.board.tickets if t.table_label == "5")
    jellyfish = next(i for i in five.items if i.seat == 3)
    stale = screen.ids[f"ticket_{five.id}"]
    line = next(li for li in order_view(store, five.party_id).lines if li.id == jellyfish.line_id)
    void_line(
        store,
        kitchen.staff["W01"],
        VoidLine(
            client_void_id=_new_id(),
            line_id=line.id,
            version=line.version,
            reason=VoidReason.WRONG_ENTRY,
            manager_pin=MANAGER_PIN,
        ),
    )
    ui.tap(stale.bump_button)
    assert "This ticket changed on another screen" in ui.message()
    fresh = screen.ids[f"ticket_{five.id}"]
    assert fresh is not stale  # reloaded: the jellyfish is struck through, not to be made
    texts = " ".join(getattr(w, "text", "") for w in fresh.walk(restrict=True))
    assert "[s]" in texts and "VOID" in texts
    ui.screenshot("kitchen-conflict-en")
    screen.start_refreshing()

    # Bumped too soon, recalled from the list of the last bumped.
    ui.tap(fresh.bump_button)
    assert "Bumped: table 5, Cold dishes." in ui.message()
    assert f"ticket_{five.id}" not in screen.ids
    ui.tap(screen.ids.recall_button)
    popup = _wait_for(ui, lambda: _popup(ui))
    ui.tap(popup.ids.recall_0.ids.recall_button)
    _wait_for(ui, lambda: _popup(ui) is None)
    assert "Recalled: table 5, Cold dishes is back on the board." in ui.message()
    assert f"ticket_{five.id}" in screen.ids

    # Table 7 is in a hurry: Zhang Wei asks at the pass; the soup jumps the queue.
    ui.tap(screen.ids.rush_button)
    popup = _wait_for(ui, lambda: _popup(ui))
    popup.ids.who.insert_text("张伟: guests leave for a train")
    row = next(r for r in popup.ids.rows.children if r.text.startswith("Table 7 ·"))
    ui.tap(row.ids.rush_button)
    _wait_for(ui, lambda: _popup(ui) is None)
    assert "RUSH: table 7, Soup is cooked first now." in ui.message()
    first = screen.board.tickets[0]
    assert first.table_label == "7" and first.rush_by == "张伟: guests leave for a train"
    card = screen.ids[f"ticket_{first.id}"]
    texts = " ".join(getattr(w, "text", "") for w in card.walk(restrict=True))
    assert "RUSH · asked by 张伟: guests leave for a train" in texts


def test_ages_move_on_without_rebuilding_the_tickets(ui: Driver, monkeypatch: Any) -> None:
    """With nothing changed on the board, the display still reads the ages again (every
    half minute; at once here) and writes them into the tickets it shows."""
    from screens.serving import kitchen as kitchen_screen

    kitchen = Kitchen(ui.app.store)
    party = kitchen.seat("3", 4, minutes_ago=40)
    kitchen.send(party, [("red_braised_pork", 1, "", ())], minutes_ago=12)
    _open_kitchen(ui)
    screen = ui.screen
    ticket = screen.board.tickets[0]
    card = screen.ids[f"ticket_{ticket.id}"]
    assert card.level == "amber" and card.age_label.text.startswith("12 min")
    monkeypatch.setattr(kitchen_screen, "AGES_EVERY_SECONDS", 0)
    read_at = screen.read_at
    _wait_for(ui, lambda: screen.read_at != read_at)
    assert screen.ids[f"ticket_{ticket.id}"] is card  # the same ticket, not a new one
    assert card.age_label.text.startswith("12 min")


def _zhang_weis_evening(kitchen: Kitchen) -> int:
    """Zhang Wei's hall: table 1 (soup fired, mains held: the party under test), table 2
    just seated, table 4 eating and due a refill and a visit, table 6 with a high chair,
    table 9 asking for the bill. Returns table 1's party."""
    mild = (("spice_level", "mild"),)
    first = kitchen.seat("1", 4, minutes_ago=25)
    kitchen.send(
        first,
        [
            ("hot_sour_soup", None, "", ()),
            ("sichuan_boiled_fish", None, "less oil", mild),
            ("garlic_greens", 2, "", ()),
        ],
        minutes_ago=15,
    )
    eating = kitchen.seat("4", 2, minutes_ago=50)
    kitchen.send(eating, [("kung_pao_chicken", 1, "", mild)], minutes_ago=45)
    cook = kitchen.staff["K01"]
    store = kitchen.store
    for ticket in kitchen_board(store, cook, None).tickets:
        if ticket.party_id == eating:
            bump_ticket(store, cook, BumpTicket(ticket_id=ticket.id, seen_version=ticket.version))
    course = next(c for c in party_courses(store, kitchen.staff["W01"], eating))
    mark_served(
        store,
        kitchen.staff["W01"],
        MarkServed(party_id=eating, course_id=course.course_id),
        at=utcnow() - timedelta(minutes=30),
    )
    kitchen.seat("6", 6, minutes_ago=8, high_chair=True)
    bill = kitchen.seat("9", 8, minutes_ago=70)
    kitchen.send(bill, [("yangzhou_fried_rice", None, "", ())], minutes_ago=60)
    with store.write() as s:
        advance_party(s, bill, PartyStage.BILL_REQUESTED, actor_id=kitchen.staff["W01"])
    kitchen.seat("2", 3, minutes_ago=1)
    return first


def _notice(ui: Driver, words: str) -> Any:
    """The waiter's notice bar, once it says these words."""
    from kivy.core.window import Window

    from screens.serving.notice import WaiterNoticeBar

    bars = [w for w in Window.children if isinstance(w, WaiterNoticeBar) and words in w.text]
    return bars[0] if bars else None


def _sign_out(ui: Driver) -> None:
    ui.tap(ui.header("sign_out_button"))
    assert ui.screen.name == "login"


def _rows(ui: Driver) -> list[Any]:
    """My tables' rows, top first."""
    ui.idle()
    return list(reversed(ui.screen.ids.tables.children))


def test_the_kitchen_bumps_the_waiter_serves_and_fires_the_next_course(ui: Driver) -> None:
    store = ui.app.store
    kitchen = Kitchen(store)
    party = _zhang_weis_evening(kitchen)
    assert kitchen.courses(party) == {"soup": CourseState.FIRED, "main": CourseState.HELD}

    # The hot kitchen's display: table 1's soup is on it.
    _open_kitchen(ui)
    ui.tap(ui.screen.ids.station_hot_kitchen)
    board = ui.screen.board
    assert board is not None and board.station == "hot_kitchen"
    soup = next(t for t in board.tickets if t.party_id == party)
    card = ui.screen.ids[f"ticket_{soup.id}"]
    # Another tablet sends a round for table 6 meanwhile: it appears with nobody touching.
    six = next(t for t in kitchen_board(store, kitchen.staff["K01"], None).tickets if t)
    assert six is not None
    newcomer = kitchen.seat("3", 2)
    kitchen.send(newcomer, [("mapo_tofu", 1, "", (("spice_level", "mild"),))])
    _wait_for(ui, lambda: any(t.party_id == newcomer for t in ui.screen.board.tickets))
    assert ui.screen.ids[f"ticket_{soup.id}"] is not card  # redrawn from the store

    # The cook taps the soup ready, then bumps the ticket.
    card = ui.screen.ids[f"ticket_{soup.id}"]
    from screens.serving.ticket_card import TicketItemRow

    rows = [w for w in card.walk(restrict=True) if isinstance(w, TicketItemRow)]
    assert len(rows) == 1  # only the soup: the mains are held
    ui.tap(rows[0])
    assert "Ready: Hot and sour soup for table 1." in ui.message()
    assert f"ticket_{soup.id}" not in ui.screen.ids  # its last dish: the ticket is done
    assert kitchen.courses(party)["soup"] == CourseState.READY
    _sign_out(ui)

    # Zhang Wei is told at once, wherever he is: here, on home.
    ui.sign_in(*WAITER)
    bar = _wait_for(ui, lambda: _notice(ui, "Table 1: Soup ready at the pass"))
    assert "Table 1: Soup ready at the pass" in bar.text and "HOT" in bar.text
    ui.screenshot("waiter-notice-en")
    ui.tap(bar)
    assert ui.screen.name == "my_tables"
    rows = _rows(ui)
    top = rows[0]
    assert top is ui.screen.ids.table_1
    assert "Soup ready at the pass" in top.facts.text and "HOT: warn the guests" in top.facts.text
    assert top.need_buttons["course_ready"].text == "Served: Soup (HOT)"
    assert "Bill requested" in ui.screen.ids.table_9.facts.text
    assert "Drinks to refill" in ui.screen.ids.table_4.facts.text
    assert "Bring a high chair" in ui.screen.ids.table_6.facts.text
    assert "NEW" in ui.screen.ids.table_2.facts.text
    ui.screenshot("waiter-tables-en")
    ui.tap(ui.header("lang_button"))
    assert ui.screen.ids.table_1.need_buttons["course_ready"].text == "已上菜：汤（烫）"
    ui.screenshot("waiter-tables-zh")
    ui.tap(ui.header("lang_button"))

    # One tap: the soup is served; the party is eating; the mains are proposed.
    ui.tap(ui.screen.ids.table_1.need_buttons["course_ready"])
    assert "Table 1: Soup served." in ui.message()
    with store.read() as s:
        assert s.get(Party, party).stage == PartyStage.EATING
    fire = ui.screen.ids.table_1.need_buttons["fire_next"]
    assert fire.text == "Fire Mains"
    ui.tap(fire)
    assert "Table 1: Mains fired, the kitchen has it." in ui.message()
    assert kitchen.courses(party) == {"soup": CourseState.SERVED, "main": CourseState.FIRED}
    mains = [
        t
        for t in kitchen_board(store, kitchen.staff["K01"], "hot_kitchen").tickets
        if t.party_id == party
    ]
    assert len(mains) == 1 and len(mains[0].items) == 2

    # On table 1's order, another screen: the mains come up at the pass, and he is told
    # there too, over the title, clear of every button.
    from kivy.uix.button import Button

    row = ui.screen.ids.table_1
    ui.tap(next(w for w in row.children if isinstance(w, Button) and w.text == "Order"))
    assert ui.screen.name == "order"
    cook = kitchen.staff["K01"]
    bump_ticket(store, cook, BumpTicket(ticket_id=mains[0].id, seen_version=mains[0].version))
    bar = _wait_for(ui, lambda: _notice(ui, "Table 1: Mains ready at the pass"))
    ui.screenshot("waiter-notice-order-en")
    ui.tap(bar)
    assert ui.screen.name == "my_tables"
    assert ui.screen.ids.table_1.need_buttons["course_ready"].text == "Served: Mains (HOT)"


def test_the_waiter_fires_a_later_course_at_the_send_and_another_from_the_order(
    ui: Driver,
) -> None:
    from kivy.uix.button import Button

    from screens.serving.fire_now import FireNowToggle

    store = ui.app.store
    kitchen = Kitchen(store)
    party = kitchen.seat("1", 4, minutes_ago=5)
    for code, seat, choices in [
        ("smashed_cucumber", None, ()),
        ("kung_pao_chicken", 1, (("spice_level", "mild"),)),
        ("egg_tarts", None, ()),
    ]:
        add_line(
            store,
            kitchen.staff["W01"],
            AddLine(
                client_line_id=_new_id(),
                party_id=party,
                item_id=kitchen.items[code],
                modifier_ids=tuple(kitchen.modifiers[c] for c in choices),
                seat=seat,
            ),
        )
    ui.sign_in(*WAITER)
    ui.tap(ui.button_with_text("My tables"))
    row = ui.screen.ids.table_1
    ui.tap(next(w for w in row.children if isinstance(w, Button) and w.text == "Order"))
    assert ui.screen.name == "order"
    assert ui.screen.ids.fire_strip.children == []  # nothing sent: nothing to fire
    ui.tap(ui.ids("read_back_button"))
    assert ui.screen.name == "read_back"
    # The cold dishes go with the send; mains and dessert would wait for the waiter.
    toggles = {t.text.split(":")[0]: t for t in ui.find(FireNowToggle)}
    assert sorted(toggles) == ["Dessert", "Mains"]
    ui.tap(toggles["Mains"])  # the guests want their mains with the cold dishes
    assert toggles["Mains"].text == "Mains: fire now, with this send"
    ui.screenshot("read-back-fire-now-en")
    ui.tap(ui.ids("send_button"))
    assert ui.screen.name == "order"
    assert kitchen.courses(party) == {
        "cold": CourseState.FIRED,
        "main": CourseState.FIRED,
        "dessert": CourseState.HELD,
    }
    # The dessert waits; one tap on the order screen sends it.
    strip = ui.screen.ids.fire_strip
    fire = _wait_for(ui, lambda: [b for b in strip.children if b.text == "Fire Dessert"])[0]
    ui.screenshot("order-fire-strip-en")
    ui.tap(fire)
    assert "Dessert fired: the kitchen has it." in ui.message()
    assert kitchen.courses(party)["dessert"] == CourseState.FIRED
    assert strip.children == []


def test_the_waiter_rushes_a_course_already_cooking_from_my_tables(ui: Driver) -> None:
    """第8条: the guests at table 1 are in a hurry. Their soup is cooking; Zhang Wei taps
    "Rush Soup" on his row, writes who asked, and the hot kitchen's ticket comes up RUSH."""
    store = ui.app.store
    kitchen = Kitchen(store)
    party = _zhang_weis_evening(kitchen)
    ui.sign_in(*WAITER)
    ui.tap(ui.button_with_text("My tables"))
    row = ui.screen.ids.table_1
    assert row.rush_button is not None and row.rush_button.text == "Rush Soup"
    assert ui.screen.ids.table_9.rush_button is not None  # its fried rice is cooking
    assert ui.screen.ids.table_2.rush_button is None  # nothing ordered: nothing to rush
    ui.screenshot("waiter-tables-rush-en")
    ui.tap(row.rush_button)
    popup = _popup(ui)
    assert popup is not None and popup.title.startswith("Rush Soup at table 1")
    popup.ids.who.text = "客人赶飞机 flight at 9"
    ui.screenshot("waiter-rush-course-en")
    ui.tap(popup.ids.rush_button)
    assert _popup(ui) is None
    assert "Table 1: Soup rushed, the kitchen has it on top." in ui.message()
    soup = next(
        t
        for t in kitchen_board(store, kitchen.staff["K01"], "hot_kitchen").tickets
        if t.party_id == party
    )
    assert soup.rush and soup.rush_by == "客人赶飞机 flight at 9"
    assert kitchen.courses(party)["main"] == CourseState.HELD  # only the course cooking

    # In Chinese, the same button and dialog; cancelling changes nothing.
    ui.tap(ui.header("lang_button"))
    row = ui.screen.ids.table_1
    assert row.rush_button.text == "加急汤"
    ui.tap(row.rush_button)
    popup = _popup(ui)
    assert popup is not None and "客人赶时间" in popup.title
    ui.screenshot("waiter-rush-course-zh")
    ui.tap(popup.ids.cancel_button)
    assert _popup(ui) is None
    ui.tap(ui.header("lang_button"))
