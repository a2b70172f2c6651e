"""Taking the order at the table (第7条): the menu by category with search on the left, the
order on the right. Tap a seat, then dishes; a dish with choices asks for them first.
New lines are marked as not sent; sent lines show their send; voided lines stay, struck
through. "Read back and send" opens the read-back (screens/read_back.py).

The order is reread from the store every few seconds, so lines another waiter adds on
another tablet appear by themselves; a change made on a stale copy is refused by the
service and the screen reloads.
"""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.popup import Popup
from kivy.uix.togglebutton import ToggleButton

from screens.orders.popups import ChoicesPopup, LinePopup, VoidPopup, line_parts, line_status
from screens.orders.text import ORDER_HEADER, dish_text, money_text, seat_word
from screens.serving import fire_strip
from screens.widgets.base import TablesideScreen
from screens.widgets.bilingual import Both
from screens.widgets.choice_list import Choice
from screens.widgets.refreshing import Refreshing
from screens.widgets.table_look import person_name
from screens.widgets.theme import TYPE
from services.errors import Conflict, DomainError
from services.i18n import N_
from services.menu import catalog as menu_service
from services.menu.catalog import MenuCategoryView, MenuItemView
from services.orders.taking import (
    AddLine,
    ChangeLine,
    RemoveLine,
    add_line,
    change_line,
    remove_line,
)
from services.orders.views import CourseChoice, LineView, OrderView, course_choices, order_view
from services.orders.voids import VoidLine, VoidReason, void_line


def open_order(app: Any, party_id: int) -> None:
    """Open a seated party's order (from the floor plan or "My tables")."""
    app.root.get_screen("order").show_party(party_id)
    app.open_screen("order")


class CategoryButton(ToggleButton):
    """A tab of the menu, in the order screen's ChoiceList (its look is in order.kv)."""


class MenuItemButton(Button):
    item_id = NumericProperty(0)
    sold_out = BooleanProperty(False)


class SeatButton(ToggleButton):
    """A seat for the next dish, in the order screen's ChoiceList (its look in order.kv)."""


class OrderLineRow(ButtonBehavior, BoxLayout):
    line_id = NumericProperty(0)
    text = StringProperty("")
    status = StringProperty("")  # new, sent, voided
    status_text = StringProperty("")
    price_text = StringProperty("")


class OrderScreen(Refreshing, TablesideScreen):
    party_id = NumericProperty(0)
    header_text = StringProperty("")
    total_text = StringProperty("")
    new_text = StringProperty("")
    new_count = NumericProperty(0)
    # Said over the dishes when a search finds none (issue 12: an empty grid said nothing).
    no_match_text = StringProperty("")
    # The seat the next dish is for; None: the whole table.
    seat = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.order: OrderView | None = None
        self.categories: list[MenuCategoryView] = []
        self.items: dict[int, MenuItemView] = {}
        self.courses: list[CourseChoice] = []
        self.category_id: int | None = None
        self.search_text = ""

    # -- loading -----------------------------------------------------------------------------

    def show_party(self, party_id: int) -> None:
        self.party_id = party_id
        self.seat = None
        self.search_text = ""
        self.category_id = None
        self.clear_message()

    def on_pre_enter(self, *_args: Any) -> None:
        self.courses = course_choices(self.app.store)
        self.ids.search.text = self.search_text
        self.reload()
        self.start_refreshing()
        fire_strip.attach(self)  # held courses, fired with one tap (第8条 ①)

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def on_language(self) -> None:
        self._draw_menu()
        self._draw_order()

    def reload(self) -> None:
        """The order and the menu (dishes 86'd meanwhile) as the store has them now."""
        try:
            self.order = order_view(self.app.store, int(self.party_id))
        except DomainError as error:
            self.fail(error)
            return
        self._load_menu()
        self._draw_menu()
        self._draw_order()

    def _load_menu(self) -> None:
        self.categories = menu_service.menu(self.app.store)
        self.items = {i.id: i for c in self.categories for i in c.items}
        if self.category_id not in {c.id for c in self.categories}:
            self.category_id = self.categories[0].id if self.categories else None

    def refresh(self) -> None:
        """Lines from other tablets, quietly; never under an open dialog."""
        if any(isinstance(w, Popup) for w in Window.children):
            return
        try:
            fresh = order_view(self.app.store, int(self.party_id))
        except DomainError:
            return
        if fresh != self.order:
            self.order = fresh
            self._draw_order()

    # -- drawing: the menu -------------------------------------------------------------------

    def choose_category(self, category_id: int) -> None:
        self.category_id = category_id
        self.search_text = ""
        self.ids.search.text = ""
        self._draw_menu()

    def search(self, text: str) -> None:
        if text == self.search_text:
            return
        self.search_text = text
        self._draw_menu()

    def _shown_items(self) -> list[MenuItemView]:
        if self.search_text.strip():
            return menu_service.search_menu(self.app.store, self.search_text)
        category = next((c for c in self.categories if c.id == self.category_id), None)
        return list(category.items) if category else []

    def _draw_menu(self) -> None:
        loc = self.app.localizer
        searching = bool(self.search_text.strip())
        tabs = []
        for category in self.categories:
            name = loc.pick(category.name_en, category.name_zh)
            # A long name ("Rice, noodles and dumplings") gets the room it needs.
            tabs.append(Choice(category.id, name, weight=max(1.0, len(name) / 12)))
        # While searching no tab is down: the dishes shown are the search's, not a tab's.
        self.ids.categories.show(tabs, selected=None if searching else self.category_id)
        grid = self.ids.dishes
        grid.clear_widgets()
        shown = self._shown_items()
        for item in shown:
            grid.add_widget(self._dish_button(item))
        no_match = N_("No dish matches “{words}”. Try fewer letters, or the other language.")
        words = self.search_text.strip()[:40]
        self.no_match_text = loc._(no_match, words=words) if searching and not shown else ""

    def _dish_button(self, item: MenuItemView) -> MenuItemButton:
        text = dish_text(item, self.app.localizer)
        button = MenuItemButton(text=text, item_id=item.id, sold_out=not item.in_stock)
        button.bind(on_release=lambda b: self.tap_dish(int(b.item_id)))
        return button

    # -- drawing: the order ------------------------------------------------------------------

    def _draw_order(self) -> None:
        order = self.order
        if order is None:
            return
        tr = self.app.localizer._
        self.header_text = tr(
            ORDER_HEADER,
            table=order.table_label,
            guests=order.guests,
            waiter=f"{person_name(order.waiter_name)} ({order.waiter_number})",
            date=order.order_date.isoformat(),
        )
        self.new_count = len(order.new_lines)
        self.total_text = tr("Total {amount}", amount=money_text(order.total_minor))
        self.new_text = (
            tr(
                "{count} new, not sent yet: {amount}",
                count=self.new_count,
                amount=money_text(order.new_total_minor),
            )
            if self.new_count
            else tr("Everything is sent.")
            if order.lines
            else tr("Nothing is on the order yet: tap a dish to add it.")
        )
        if self.seat is not None and self.seat > order.guests:
            self.seat = None
        seats = [Choice(seat, seat_word(seat)) for seat in [None, *range(1, order.guests + 1)]]
        self.ids.seats.show(seats, selected=self.seat)
        box = self.ids.lines
        box.clear_widgets()
        for line in order.lines:
            box.add_widget(self._line_row(line))

    def _line_row(self, line: LineView) -> OrderLineRow:
        text, facts, note = line_parts(line, self.app.localizer)
        zone = ZoneInfo(self.order.timezone if self.order else "UTC")
        status, status_text = line_status(line, zone)
        row = OrderLineRow(
            line_id=line.id,
            # The kitchen note on a line of its own, as large as the dish, in amber.
            text=f"{text}\n[size={TYPE.caption}]{facts}[/size]" + (f"\n{note}" if note else ""),
            status=status,
            status_text=status_text,
            price_text=money_text(line.total_minor),
        )
        row.bind(on_release=lambda r: self.tap_line(int(r.line_id)))
        return row

    # -- what the waiter does ----------------------------------------------------------------

    def choose_seat(self, seat: int | None) -> None:
        self.seat = seat
        for key, button in self.ids.seats.buttons.items():
            button.state = "down" if key == seat else "normal"

    def tap_dish(self, item_id: int) -> None:
        item = self.items.get(item_id)
        if item is not None and item.modifier_groups and item.in_stock:
            ChoicesPopup(item, lambda chosen: self.add(item_id, chosen)).open()
            return
        error = self.add(item_id, [])
        if error is not None:
            self._refused(error)

    def add(self, item_id: int, modifier_ids: list[int]) -> DomainError | None:
        """One dish for the chosen seat, with its course from the menu."""
        try:
            command = AddLine(
                client_line_id=str(uuid.uuid4()),
                party_id=int(self.party_id),
                item_id=item_id,
                modifier_ids=tuple(modifier_ids),
                seat=self.seat,
            )
            self.order = add_line(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            if isinstance(error, Conflict):
                self.reload()
            return error
        self._draw_order()
        self._show_last_line()
        item = self.items.get(item_id)
        # The dish in the reader's language, even after the language changes.
        dish = Both(item.name_en, item.name_zh) if item else ""
        if command.seat is None:
            self.say("Added {dish} for the whole table.", dish=dish)
        else:
            self.say("Added {dish} for seat {seat}.", dish=dish, seat=command.seat)
        return None

    def _show_last_line(self) -> None:
        """The line just added is the last one: once the list is laid out, scroll to its end
        (when it is longer than the space it has)."""
        view, lines = self.ids.lines_view, self.ids.lines

        def scroll(_dt: float) -> None:
            view.scroll_y = 0 if lines.height > view.height else 1

        Clock.schedule_once(scroll)

    def tap_line(self, line_id: int) -> None:
        line = self.order.line(line_id) if self.order else None
        if line is None or self.order is None:
            return
        _text, facts, _note = line_parts(line, self.app.localizer)
        LinePopup(
            line,
            self.items.get(line.item_id),
            self.order.guests,
            self.courses,
            facts,
            save=self._save_line,
            remove=self._remove_line,
            void=self.ask_void,
        ).open()

    def _save_line(self, popup: LinePopup) -> DomainError | None:
        line = popup.line
        try:
            command = ChangeLine(
                line_id=line.id,
                version=line.version,
                quantity=int(popup.quantity),
                modifier_ids=tuple(popup.chosen()),
                seat=popup.seat(),
                course_id=popup.course_id(),
                note=popup.ids.note.text,
            )
            self.order = change_line(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            return self._popup_refusal(popup, error)
        self._draw_order()
        self.say("The line was changed.")
        return None

    def _remove_line(self, line: LineView) -> DomainError | None:
        try:
            command = RemoveLine(line_id=line.id, version=line.version)
            self.order = remove_line(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            return self._popup_refusal(None, error)
        self._draw_order()
        self.say("The line was taken off; it had not been sent.")
        return None

    def ask_void(self, line: LineView) -> None:
        VoidPopup(line, self._void).open()

    def _void(
        self, line: LineView, reason: VoidReason | None, words: str, pin: str
    ) -> DomainError | None:
        try:
            command = VoidLine(
                client_void_id=str(uuid.uuid4()),
                line_id=line.id,
                version=line.version,
                reason=reason,
                words=words,
                manager_pin=pin,
            )
            self.order = void_line(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            return self._popup_refusal(None, error)
        self._draw_order()
        self.say("Voided. The kitchen gets a void ticket; the line stays on the order.")
        return None

    def _popup_refusal(self, popup: Popup | None, error: DomainError) -> DomainError | None:
        """A clash with another tablet closes the dialog and reloads; other refusals stay in
        the dialog so the waiter can put them right."""
        if not isinstance(error, Conflict):
            return error
        for window_child in list(Window.children):
            if isinstance(window_child, Popup):
                window_child.dismiss()
        self._refused(error)
        return None

    def _refused(self, error: DomainError) -> None:
        if isinstance(error, Conflict):
            self.reload()
        self.fail(error)

    def read_back(self) -> None:
        if self.order is None:
            return
        if not self.order.new_lines:
            self.say("There is nothing new to send.")
            return
        self.app.root.get_screen("read_back").show(self.order)
        self.app.open_screen("read_back")
