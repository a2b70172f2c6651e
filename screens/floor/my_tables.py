"""A waiter's own tables: checking in at the station (第5条 2①), every party the greeter
has given them (第5条 ③: the waiter is told), and the tables of their sections that wait
for a reset. Refreshed from the store every few seconds, in one query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.orders.order import open_order
from screens.widgets import built_ids, table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.chips import Chip, station_text
from screens.widgets.refreshing import Refreshing
from services.errors import DomainError
from services.floor.plan import FloorView, TableState, TableView, floor_view
from services.floor.seating import guests_left
from services.floor.stations import StationStatus, check_in

REFRESH_SECONDS = 3
# A party seated this recently is marked new, so the waiter goes to greet it.
NEW_FOR = timedelta(minutes=5)


class MyTablesScreen(Refreshing, TablesideScreen):
    refresh_seconds = REFRESH_SECONDS
    station_line = StringProperty("")
    sections_line = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: FloorView | None = None

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.refresh()
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def on_language(self) -> None:
        self._draw()

    def refresh(self, *_args: Any) -> None:
        try:
            self.view = floor_view(self.app.store, self.view.service if self.view else None)
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    def _mine(self) -> tuple[list[TableView], list[TableView]]:
        """(my parties' tables, my sections' tables waiting for a reset)."""
        me = self.app.user.staff_id
        view = self.view
        assert view is not None
        sections = {s.id for s in view.sections if s.waiter_id == me}
        serving = [t for t in view.tables if t.waiter_id == me]
        to_reset = [
            t for t in view.tables if t.state == TableState.NEEDS_RESET and t.section_id in sections
        ]
        return serving, to_reset

    def _draw(self) -> None:
        if self.view is None or self.app.user is None:
            return
        loc, view, me = self.app.localizer, self.view, self.app.user.staff_id
        tr = loc._
        mine = [s for s in view.sections if s.waiter_id == me]
        service = loc.pick(view.service.name_en, view.service.name_zh)
        if mine:
            names = ", ".join(loc.pick(s.name_en, s.name_zh) for s in mine)
            self.sections_line = tr(
                "{service}: your sections are {sections}.", service=service, sections=names
            )
            zone = self.app.restaurant.timezone if self.app.restaurant else "UTC"
            first = mine[0]
            self.station_line = station_text(
                self.app.user.name,
                first.station,
                first.late_minutes,
                view.service.stations_due,
                zone,
                loc,
            )
        else:
            self.sections_line = tr(
                "{service}: no section yet. Ask the supervisor to assign one.", service=service
            )
            self.station_line = ""
        checked_in = bool(mine) and mine[0].station in (
            StationStatus.ON_TIME,
            StationStatus.CAME_LATE,
        )
        self.ids.check_in_button.disabled = checked_in or not mine
        box = self.ids.tables
        box.clear_widgets()
        built_ids.forget(self.ids, "table_")
        serving, to_reset = self._mine()
        if not serving and not to_reset:
            box.add_widget(
                Label(
                    text=tr("No guests at your tables yet."),
                    font_size="20sp",
                    size_hint_y=None,
                    height=dp(80),
                )
            )
        for table in [*serving, *to_reset]:
            row = MyTableRow(self, table, view)
            self.ids[f"table_{table.number}"] = row
            box.add_widget(row)

    def check_in(self) -> None:
        try:
            done = check_in(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            return
        zone = ZoneInfo(self.app.restaurant.timezone if self.app.restaurant else "UTC")
        at = done.checked_in_at.astimezone(zone).strftime("%H:%M")
        if done.late_minutes:
            self.say(
                "Checked in at {time}, {minutes} min late.", time=at, minutes=done.late_minutes
            )
        else:
            self.say("Checked in at {time}: on station in time.", time=at)
        self.refresh()

    def guests_left(self, table: TableView) -> None:
        if table.party_id is None:
            return
        try:
            left = guests_left(self.app.store, self.app.user.staff_id, table.party_id)
        except DomainError as error:
            self.fail(error)
            self.refresh()
            return
        self.refresh()
        self.say(
            "Table {tables} needs resetting: check it for forgotten belongings.",
            tables=" + ".join(left.released),
        )

    def reset(self, table: TableView) -> None:
        self.app.root.get_screen("reset_tables").chosen_id = table.id
        self.app.open_screen("reset_tables")


class MyTableRow(BoxLayout):
    """One of my tables: its state in colour and words, the party, and what to do next."""

    def __init__(self, screen: MyTablesScreen, table: TableView, view: FloorView) -> None:
        super().__init__(size_hint_y=None, height=dp(84), spacing=dp(10), padding=(0, dp(4)))
        loc = screen.app.localizer
        tr = loc._
        self.add_widget(
            Chip(
                text=tr("Table {number}", number=table.number)
                + "\n"
                + table_look.state_word(table.state, tr),
                fill=table_look.STATE_COLOURS[table.state],
                color=table_look.text_colour(table.state),
                bold=True,
                font_size="20sp",
                size_hint_x=None,
                width=dp(170),
            )
        )
        facts: list[str] = []
        new = False
        if table.party_id is not None:
            minutes = table_look.minutes_since(table.seated_at, view.at)
            facts.append(table_look.guests(table.party_size, tr))
            facts.append(tr("seated {minutes} min ago", minutes=minutes))
            new = bool(table.seated_at and view.at - table.seated_at < NEW_FOR)
            if table.children:
                facts.append(table_look.children(table.children, tr))
            if table.high_chair:
                facts.append(tr("bring a high chair"))
            if table.joined_with:
                facts.append(tr("joined with {tables}", tables=" + ".join(table.joined_with)))
            if table.party_name:
                facts.append(table.party_name)
            if table.note:
                facts.append(table.note)
        else:
            minutes = table_look.minutes_since(table.vacated_at, view.at)
            facts.append(tr("empty for {minutes} min", minutes=minutes))
        words = table_look.plain(" · ".join(facts))
        if table.party_id is not None and new:
            # The greeter has just given this table to the waiter (第5条 ③): make it loud.
            words = f"[b][color=ffc83d]{table_look.plain(tr('NEW'))}[/color][/b]  {words}"
        text = Label(text=words, markup=True, font_size="19sp", halign="left", valign="middle")
        text.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.add_widget(text)
        self.facts = text
        if table.state == TableState.PAID:
            button = Factory.PrimaryButton(text=tr("Guests have left"))
            button.bind(on_release=lambda _b: screen.guests_left(table))
        elif table.state == TableState.NEEDS_RESET:
            button = Factory.PrimaryButton(text=tr("Reset table"))
            button.bind(on_release=lambda _b: screen.reset(table))
        elif table.party_id is not None:
            party_id = table.party_id
            button = Factory.PrimaryButton(text=tr("Order"))
            button.bind(on_release=lambda _b: open_order(screen.app, party_id))
        else:
            return
        button.size_hint_x = None
        button.width = dp(200)
        self.add_widget(button)
