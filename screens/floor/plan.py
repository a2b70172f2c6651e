"""The floor plan: every table where it stands, its state in colour and in words, its party,
waiter and minutes; who is on station; and what can be done with the table tapped.

Refreshed from the store every few seconds (one query), so a table seated on another
tablet appears by itself.
"""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import (
    NumericProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from screens.orders.order import open_order
from screens.widgets import built_ids, floor_plan, table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.chips import Chip, station_chip
from screens.widgets.refreshing import Refreshing
from screens.widgets.theme import TYPE
from services.errors import Conflict, DomainError
from services.floor import table_changes, table_reset
from services.floor.plan import FloorView, TableState, TableView, floor_view
from services.floor.seating import GuestsLeft, guests_left
from services.i18n import N_
from services.permissions import Action, allowed

_ = floor_plan  # registers FloorPlan with the Factory, for floor.kv

REFRESH_SECONDS = 3
AT_TABLE_STATES = {
    TableState.SEATED,
    TableState.ORDERED,
    TableState.EATING,
    TableState.BILL_REQUESTED,
    TableState.PAID,
}

# A party's bill is opened from its table once it is eating (第9条 ①), asked for or paid.
BILL_STATES = {TableState.EATING, TableState.BILL_REQUESTED, TableState.PAID}


class FloorScreen(Refreshing, TablesideScreen):
    refresh_seconds = REFRESH_SECONDS
    mode = StringProperty("")  # "", "move", "join", "split"
    selected_id = NumericProperty(0)
    title_text = StringProperty("")
    detail_text = StringProperty("")
    waiting = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: FloorView | None = None
        # What the action bar was last built for: a refresh that changes none of it must
        # not rebuild it, or a reason being typed would vanish every few seconds.
        self._actions_for: tuple[Any, ...] | None = None
        # A table chosen by one person is not the next person's choice: each sign-in or
        # sign-out starts with nothing selected and no move or join half done.
        self.app.bind(user=self._user_changed)

    def _user_changed(self, *_args: Any) -> None:
        self.selected_id = 0
        self.mode = ""

    # -- refreshing --------------------------------------------------------------------------

    def on_pre_enter(self, *_args: Any) -> None:
        self.mode = ""
        self.clear_message()
        self.refresh()
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def refresh(self, *_args: Any) -> None:
        try:
            self.view = floor_view(self.app.store, self.view.service if self.view else None)
        except DomainError as error:
            self.fail(error)
            return
        self.waiting = self.view.waiting
        if self.selected_id and self.view.table(self.selected_id) is None:
            self.selected_id = 0
        plan = self.ids.plan
        plan.selected_id = self.selected_id
        plan.targets = self._targets()
        plan.show(self.view, self.tap_table)
        self._draw_roster()
        self._draw_selection(plan_drawn=True)

    def on_language(self) -> None:
        if self.view is not None:
            self.ids.plan.redraw()
            self._draw_roster()
            self._draw_selection()

    def _draw_roster(self) -> None:
        box = self.ids.roster
        box.clear_widgets()
        if self.view is None:
            return
        loc = self.app.localizer
        service = self.view.service
        zone = self.app.restaurant.timezone if self.app.restaurant else "UTC"
        box.add_widget(
            Label(
                text=loc.pick(service.name_en, service.name_zh),
                bold=True,
                font_size=TYPE.body,
                size_hint_x=None,
                width=dp(80),
            )
        )
        for section in self.view.sections:
            box.add_widget(
                station_chip(
                    loc.pick(section.name_en, section.name_zh),
                    table_look.person_name(section.waiter_name),
                    section.station,
                    section.late_minutes,
                    service.stations_due,
                    zone,
                    loc,
                )
            )

    # -- the table tapped, and what can be done with it --------------------------------------

    def tap_table(self, table_id: int) -> None:
        if self.mode:
            self._finish_mode(table_id)
            return
        self.selected_id = 0 if self.selected_id == table_id else table_id
        self.clear_message()
        self._draw_selection()

    def _selected(self) -> TableView | None:
        return self.view.table(self.selected_id) if self.view and self.selected_id else None

    def _draw_selection(self, plan_drawn: bool = False) -> None:
        if not plan_drawn:
            plan = self.ids.plan
            plan.selected_id = self.selected_id
            plan.targets = self._targets()
            plan.redraw()
        table = self._selected()
        tr = self.app.localizer._
        if table is None:
            self.title_text = tr("Tap a table to see it and act on it.")
            self.detail_text = ""
        else:
            self.title_text, self.detail_text = describe(table, self.view, self.app.localizer)
        key = (
            self.selected_id,
            table.state if table else None,
            bool(table and table.joined_with),
            self.mode,
            self.app.localizer.lang,
        )
        if key != self._actions_for:
            self._actions_for = key
            self._draw_actions(table)

    def _targets(self) -> list[int]:
        table = self._selected()
        if not self.mode or self.view is None or table is None:
            return []
        if self.mode == "split":
            return [t.id for t in self.view.tables if t.party_id == table.party_id]
        return [t.id for t in self.view.tables if t.state == TableState.FREE]

    def _draw_actions(self, table: TableView | None) -> None:
        box = self.ids.actions
        box.clear_widgets()
        built_ids.forget(self.ids, "reason_input")
        tr = self.app.localizer._
        roles = self.app.user.roles if self.app.user else frozenset()
        if self.mode:
            hints = {
                "move": N_("Tap the free table to move the party to."),
                "join": N_("Tap a free table to join to this party."),
                "split": N_("Tap the table to split off."),
            }
            box.add_widget(Label(text=tr(hints[self.mode]), font_size=TYPE.body, bold=True))
            box.add_widget(self._button(N_("Cancel"), self.cancel_mode))
            return
        if table is None:
            box.add_widget(Legend())
            return
        if table.state == TableState.FREE:
            box.add_widget(self._button(N_("Greet a party"), self.greet, primary=True))
            if allowed(roles, Action.CLOSE_TABLE):
                reason = TextInput(
                    hint_text=tr("Why out of service?"), multiline=False, font_size=TYPE.body
                )
                self.ids["reason_input"] = reason
                box.add_widget(reason)
                box.add_widget(self._button(N_("Out of service"), self.close_table, danger=True))
        elif table.state == TableState.OUT_OF_SERVICE:
            if allowed(roles, Action.CLOSE_TABLE):
                box.add_widget(self._button(N_("Back in service"), self.reopen_table, primary=True))
        elif table.state in AT_TABLE_STATES:
            if table.state != TableState.PAID and allowed(roles, Action.TAKE_ORDER):
                box.add_widget(self._button(N_("Order"), self.take_order, primary=True))
            box.add_widget(self._button(N_("Move party"), lambda: self.start_mode("move")))
            box.add_widget(self._button(N_("Join a table"), lambda: self.start_mode("join")))
            if table.joined_with:
                box.add_widget(
                    self._button(N_("Split off a table"), lambda: self.start_mode("split"))
                )
            if table.state in BILL_STATES and allowed(roles, Action.TAKE_PAYMENT):
                box.add_widget(self._button(N_("Bill"), self.open_bill))
            if table.state == TableState.PAID:
                box.add_widget(self._button(N_("Guests have left"), self.guests_left, primary=True))
        elif table.state == TableState.NEEDS_RESET:
            box.add_widget(self._button(N_("Reset table"), self.reset_table, primary=True))

    def _button(
        self, sentence: str, action: Any, primary: bool = False, danger: bool = False
    ) -> Button:
        from kivy.factory import Factory

        cls = Factory.PrimaryButton if primary else Factory.DangerButton if danger else Button
        button = cls(text=self.app.localizer._(sentence), font_size=TYPE.body)
        button.sentence = sentence
        button.bind(on_release=lambda _b: action())
        return button

    # -- actions -----------------------------------------------------------------------------

    def greet(self) -> None:
        self.app.open_screen("greeting")

    def take_order(self) -> None:
        table = self._selected()
        if table is not None and table.party_id is not None:
            open_order(self.app, table.party_id)

    def open_bill(self) -> None:
        from screens.billing.cashier import open_bill

        table = self._selected()
        if table is not None and table.party_id is not None:
            open_bill(self.app, table.party_id)

    def start_mode(self, mode: str) -> None:
        self.mode = mode
        self.clear_message()
        self._draw_selection()

    def cancel_mode(self) -> None:
        self.mode = ""
        self._draw_selection()

    def _finish_mode(self, target_id: int) -> None:
        table = self._selected()
        mode, self.mode = self.mode, ""
        if table is None or table.party_id is None:
            self.refresh()
            return
        store, actor = self.app.store, self.app.user.staff_id
        moves = {
            "move": table_changes.transfer_party,
            "join": table_changes.join_tables,
            "split": table_changes.split_tables,
        }
        try:
            command = table_changes.MoveParty(party_id=table.party_id, table_ids=[target_id])
            moved = moves[mode](store, actor, command)
        except DomainError as error:
            self._after(error)
            return
        self.selected_id = target_id if mode == "move" else self.selected_id
        if mode == "split" and target_id == self.selected_id:
            self.selected_id = next(iter(self._ids_of(moved.tables)), 0)
        self.refresh()
        self.say("The party is now at table {tables}.", tables=" + ".join(moved.tables))

    def _ids_of(self, numbers: list[str]) -> list[int]:
        tables = self.view.tables if self.view else []
        return [t.id for t in tables if t.number in numbers]

    def _after(self, error: DomainError) -> None:
        """Show a refusal; after a clash with another tablet, show the fresh floor too."""
        if isinstance(error, Conflict):
            self.refresh()
        else:
            self._draw_selection()
        self.fail(error)

    def guests_left(self) -> None:
        table = self._selected()
        if table is None or table.party_id is None:
            return
        try:
            command = GuestsLeft(party_id=table.party_id)
            left = guests_left(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self._after(error)
            return
        self.refresh()
        self.say(
            "Table {tables} needs resetting: check it for forgotten belongings.",
            tables=" + ".join(left.released),
        )

    def reset_table(self) -> None:
        table = self._selected()
        if table is None:
            return
        self.app.root.get_screen("reset_tables").chosen_id = table.id
        self.app.open_screen("reset_tables")

    def close_table(self) -> None:
        table = self._selected()
        reason = self.ids["reason_input"].text if "reason_input" in self.ids else ""
        if table is None:
            return
        try:
            command = table_reset.CloseTable(table_id=table.id, reason=reason)
            table_reset.close_table(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self._after(error)
            return
        self.refresh()
        self.say("Table {number} is out of service.", number=table.number)

    def reopen_table(self) -> None:
        table = self._selected()
        if table is None:
            return
        try:
            command = table_reset.ReopenTable(table_id=table.id)
            table_reset.reopen_table(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self._after(error)
            return
        self.refresh()
        self.say("Table {number} is back in service.", number=table.number)


class Legend(BoxLayout):
    """Every state's colour with its word, so nobody has to learn the colours."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("spacing", dp(6))
        super().__init__(**kwargs)
        from kivy.app import App

        tr = App.get_running_app().localizer._
        for state in TableState:
            self.add_widget(
                Chip(
                    text=table_look.state_word(state, tr),
                    fill=table_look.STATE_COLOURS[state],
                    color=table_look.text_colour(state),
                    bold=True,
                )
            )


def describe(table: TableView, view: FloorView, loc: Any) -> tuple[str, str]:
    """The two lines under the plan for the table tapped."""
    tr = loc._
    title = tr(
        "Table {number} · {seats} seats · {section}",
        number=table.number,
        seats=table.seats,
        section=loc.pick(table.section_en, table.section_zh),
    )
    parts = [table_look.state_word(table.state, tr)]
    if table.party_id is not None:
        parts.append(tr("party of {size}", size=table.party_size))
        if table.children:
            parts.append(table_look.children(table.children, tr))
        if table.high_chair:
            parts.append(tr("high chair"))
        if table.party_name:
            parts.append(table.party_name)
        minutes = table_look.minutes_since(table.seated_at, view.at)
        parts.append(tr("seated {minutes} min ago", minutes=minutes))
        parts.append(f"{table_look.person_name(table.waiter_name)} ({table.waiter_number})")
        if table.joined_with:
            parts.append(tr("joined with {tables}", tables=" + ".join(table.joined_with)))
        if table.note:
            parts.append(table.note)
    elif table.state == TableState.OUT_OF_SERVICE:
        parts.append(table.out_of_service_reason)
    elif table.state == TableState.NEEDS_RESET:
        minutes = table_look.minutes_since(table.vacated_at, view.at)
        parts.append(tr("empty for {minutes} min", minutes=minutes))
    return title, " · ".join(parts)
