"""The kitchen display (第8条: dishes go out in turn, a rush is the only way to jump the
queue): a tablet at the pass shows every station, one at a station shows its own. Fired
tickets in turn, rush first, oldest next; an all-day panel with each dish still to cook;
"Recall" brings back a ticket bumped by mistake.

Nobody touches a kitchen display to see new work: every two seconds it asks the store for
one number (`kitchen_marker`) and reads the board again only when that number moved, so a
course fired on a waiter's tablet shows here within seconds. Ages are read again every
half minute and written into the tickets shown, without rebuilding them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.togglebutton import ToggleButton
from kivy.uix.widget import Widget

from screens.serving.recall import RecallPopup
from screens.serving.rush import RushPopup
from screens.serving.ticket_card import TicketCard
from screens.widgets import built_ids
from screens.widgets.base import TablesideScreen
from screens.widgets.refreshing import Refreshing
from services.errors import Conflict, DomainError
from services.i18n import N_, Plural
from services.permissions import Role
from services.printing.printers import STATIONS as STATION_NAMES
from services.serving.kitchen import (
    STATIONS,
    BumpItem,
    BumpTicket,
    KitchenBoard,
    KitchenItem,
    KitchenTicket,
    RecallTicket,
    RushTicket,
    bump_item,
    bump_ticket,
    kitchen_board,
    kitchen_marker,
    recall_ticket,
    rush_ticket,
)

POLL_SECONDS = 2
# Ages move on without anything changing on the board: read them this often.
AGES_EVERY_SECONDS = 30
COLUMNS = 4
OPEN_TICKETS = Plural("{count} open ticket", "{count} open tickets", "count")


class StationTab(ToggleButton):
    station = StringProperty("")  # "": every station, the pass


class AllDayRow(BoxLayout):
    count_text = StringProperty("")
    name_text = StringProperty("")


class TicketColumn(BoxLayout):
    """Tickets one under the other, read top down, then the next column (as on paper
    tickets clipped along the pass)."""


class KitchenScreen(Refreshing, TablesideScreen):
    refresh_seconds = POLL_SECONDS
    count_text = StringProperty("")
    station = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.board: KitchenBoard | None = None
        self.marker: int | None = None
        self.read_at = 0.0
        self.cards: dict[int, TicketCard] = {}
        self._arrange_soon = Clock.create_trigger(self._arrange)
        self.ids.tickets_view.bind(size=self._arrange_soon)

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.reload()
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def on_language(self) -> None:
        self._draw()

    # -- reading the board -----------------------------------------------------------------

    def choose_station(self, station: str) -> None:
        self.station = station
        self.clear_message()
        self.reload()

    def _read(self) -> KitchenBoard | None:
        user = self.app.user
        if user is None:
            return None
        try:
            board = kitchen_board(self.app.store, user.staff_id, self.station or None)
        except DomainError as error:
            self.fail(error)
            return None
        self.read_at = time.monotonic()
        return board

    def reload(self) -> None:
        board = self._read()
        if board is None:
            return
        self.board, self.marker = board, board.marker
        self._draw()

    def refresh(self) -> None:
        """Every two seconds: one cheap question, and the board only when it changed."""
        self._stay_signed_in()
        try:
            marker = kitchen_marker(self.app.store)
        except DomainError:
            return
        if marker != self.marker:
            self.reload()
        elif time.monotonic() - self.read_at >= AGES_EVERY_SECONDS:
            self._refresh_ages()

    def _refresh_ages(self) -> None:
        board = self._read()
        if board is None or self.board is None:
            return
        same = [t.id for t in board.tickets] == [t.id for t in self.board.tickets]
        self.board = board
        if board.marker != self.marker or not same:
            self.marker = board.marker
            self._draw()
            return
        for ticket in board.tickets:
            card = self.cards.get(ticket.id)
            if card is not None:
                card.show_age(ticket, self.app.localizer._)

    def _stay_signed_in(self) -> None:
        """A display at the pass is read, not touched: for a cook signed in on it, being
        on screen counts as use, so the idle sign-out does not blank the kitchen's board.
        Anyone with more rights than the kitchen is signed out as usual."""
        user = self.app.user
        if user is not None and set(user.roles) == {Role.KITCHEN}:
            self.app.note_activity()

    # -- drawing ---------------------------------------------------------------------------

    def _draw(self) -> None:
        board = self.board
        if board is None or self.app.user is None:
            return
        loc = self.app.localizer
        tr = loc._
        self._draw_tabs()
        self.count_text = tr(OPEN_TICKETS, count=len(board.tickets))
        self.ids.recall_button.disabled = not board.recent
        self.ids.rush_button.disabled = all(t.rush for t in board.tickets)
        built_ids.forget(self.ids, "ticket_")
        self.cards = {}
        for place, ticket in enumerate(board.tickets, start=1):
            card = TicketCard(ticket, loc, self.bump_item, self.bump_ticket, place)
            self.cards[ticket.id] = card
            self.ids[f"ticket_{ticket.id}"] = card
        self._arrange()
        self._draw_all_day()

    def _arrange(self, *_args: Any) -> None:
        """Tickets in turn down a column until it is full, then the next column to the
        right: as many whole tickets in sight as the screen holds."""
        view, box = self.ids.tickets_view, self.ids.tickets
        cards = [self.cards[t.id] for t in self.board.tickets] if self.board else []
        for card in cards:
            if card.parent is not None:
                card.parent.remove_widget(card)
        box.clear_widgets()
        gap = dp(8)
        width = max(dp(220), (view.width - gap * (COLUMNS + 1)) / COLUMNS)
        limit = max(dp(300), view.height - 2 * gap)
        if not cards:
            box.size = (view.width, limit)
            box.add_widget(Label(text=self.app.localizer._("Nothing to cook: no open tickets.")))
            return
        columns: list[list[TicketCard]] = []
        used = 0.0
        for card in cards:
            height = card.measure(width)
            if not columns or used + height > limit:
                columns.append([])
                used = 0.0
            columns[-1].append(card)
            used += height + gap
        hidden = sum(len(col) for col in columns[COLUMNS:])
        tr = self.app.localizer._
        count = len(cards)
        self.count_text = (
            tr("{count} open · {more} more →", count=count, more=hidden)
            if hidden
            else tr(OPEN_TICKETS, count=count)
        )
        tallest = max(sum(c.height for c in col) + gap * (len(col) - 1) for col in columns)
        box.size = (len(columns) * (width + gap) + gap, max(limit, tallest) + 2 * gap)
        for col in columns:
            column = TicketColumn(width=width)
            for card in col:
                column.add_widget(card)
            column.add_widget(Widget())  # what is left of the column stays empty, below
            box.add_widget(column)

    def _draw_tabs(self) -> None:
        loc = self.app.localizer
        tabs = self.ids.stations
        tabs.clear_widgets()
        built_ids.forget(self.ids, "station_")
        for code in ("", *STATIONS):
            if code:
                name = loc.pick(*STATION_NAMES.get(code, (code, code)))
            else:
                name = loc._("All stations (pass)")
            tab = StationTab(
                text=name,
                station=code,
                group=f"kitchen_station_{id(self)}",
                allow_no_selection=False,
                state="down" if code == self.station else "normal",
                size_hint_x=1 if code else 1.35,  # "All stations (pass)" on one line
            )
            tab.bind(on_release=lambda b: self.choose_station(b.station))
            self.ids[f"station_{code or 'all'}"] = tab
            tabs.add_widget(tab)

    def _draw_all_day(self) -> None:
        board = self.board
        assert board is not None
        loc = self.app.localizer
        rows = [
            {"count_text": str(count), "name_text": loc.pick(name_en, name_zh)}
            for name_en, name_zh, count in board.all_day
        ]
        self.ids.all_day.data = rows or [
            {"count_text": "", "name_text": loc._("Nothing still to cook.")}
        ]

    # -- what the kitchen does -------------------------------------------------------------

    def _act(self, change: Callable[[], Any], sentence: str, **params: Any) -> None:
        """One change; a ticket changed on another screen meanwhile is refused by the
        service, said, and the board read again so the cook sees what it is now."""
        try:
            change()
        except Conflict as error:
            self.fail(error)
            self.reload()
            return
        except DomainError as error:
            self.fail(error)
            return
        self.say(sentence, **params)
        self.reload()

    def _names(self, ticket: KitchenTicket) -> dict[str, str]:
        loc = self.app.localizer
        return {
            "table": ticket.table_label,
            "course": loc.pick(ticket.course_name_en, ticket.course_name_zh),
        }

    def bump_item(self, ticket: KitchenTicket, item: KitchenItem) -> None:
        loc = self.app.localizer
        if item.voided:
            self.say("That dish was voided: nothing to cook.")
            return
        if item.ready:
            self.say("That dish is already ready.")
            return
        command = BumpItem(ticket_id=ticket.id, line_id=item.line_id, seen_version=ticket.version)
        self._act(
            lambda: bump_item(self.app.store, self.app.user.staff_id, command),
            N_("Ready: {dish} for table {table}."),
            dish=loc.pick(item.name_en, item.name_zh),
            table=ticket.table_label,
        )

    def bump_ticket(self, ticket: KitchenTicket) -> None:
        command = BumpTicket(ticket_id=ticket.id, seen_version=ticket.version)
        self._act(
            lambda: bump_ticket(self.app.store, self.app.user.staff_id, command),
            N_("Bumped: table {table}, {course}."),
            **self._names(ticket),
        )

    def open_recall(self) -> None:
        if self.board is None or not self.board.recent:
            self.say("Nothing was bumped lately.")
            return
        zone = self.app.restaurant.timezone if self.app.restaurant else "UTC"
        RecallPopup(list(self.board.recent), self.app.localizer, zone, self.recall).open()

    def recall(self, ticket: KitchenTicket) -> None:
        command = RecallTicket(ticket_id=ticket.id)
        self._act(
            lambda: recall_ticket(self.app.store, self.app.user.staff_id, command),
            N_("Recalled: table {table}, {course} is back on the board."),
            **self._names(ticket),
        )

    def open_rush(self) -> None:
        waiting = [t for t in self.board.tickets if not t.rush] if self.board else []
        if not waiting:
            self.say("Nothing to rush: every open ticket is already a rush.")
            return
        RushPopup(waiting, self.app.localizer, self.rush).open()

    def rush(self, ticket: KitchenTicket, asked_by: str) -> None:
        store, me = self.app.store, self.app.user.staff_id
        self._act(
            lambda: rush_ticket(store, me, RushTicket(ticket_id=ticket.id, asked_by=asked_by)),
            N_("RUSH: table {table}, {course} is cooked first now."),
            **self._names(ticket),
        )
