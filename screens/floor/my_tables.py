"""A waiter's own tables, by what they need (第8条): a course ready at the pass, the next
course to fire, a bill requested, drinks to refill, a visit, a high chair, a table just
seated (第5条 ③: the waiter is told), a course no kitchen screen or printer confirmed;
the most urgent table first, each need with its one tap, and a rush for a course already
cooking when the guests are in a hurry. Then the tables of their
sections that wait for a reset, and checking in at the station (第5条 2①). Refreshed
from the store every few seconds."""

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
from screens.serving import needs as need_look
from screens.serving.rush_course import open_rush
from screens.widgets import built_ids, table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.chips import Chip, station_text
from screens.widgets.refreshing import Refreshing
from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.floor.plan import FloorView, TableState, TableView, floor_view
from services.floor.seating import GuestsLeft, guests_left
from services.floor.stations import CheckIn, StationStatus, check_in
from services.serving.courses import CourseState
from services.serving.firing import DRINKS_COURSE
from services.serving.tables import NeedKind, TableNeeds, tables_by_need

REFRESH_SECONDS = 3
# A party seated this recently is marked new, so the waiter goes to greet it.
NEW_FOR = timedelta(minutes=5)
SHOWN_NEEDS = 3  # needs written on a row; the rest are counted
NEED_BUTTONS = 2  # one-tap buttons on a row, for the most urgent needs


class MyTablesScreen(Refreshing, TablesideScreen):
    refresh_seconds = REFRESH_SECONDS
    station_line = StringProperty("")
    sections_line = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view: FloorView | None = None
        self.needs: list[TableNeeds] = []

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
            self.needs = tables_by_need(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    def _mine(self) -> list[tuple[TableView, TableNeeds | None]]:
        """My parties' tables, the one with the most urgent need first (one row a party,
        joined tables included), then my sections' tables waiting for a reset."""
        me = self.app.user.staff_id
        view = self.view
        assert view is not None
        sections = {s.id for s in view.sections if s.waiter_id == me}
        by_party: dict[int, TableView] = {}
        for t in view.tables:
            if t.party_id is not None:
                by_party.setdefault(t.party_id, t)
        rows: list[tuple[TableView, TableNeeds | None]] = []
        shown: set[int] = set()
        for table_needs in self.needs:
            table = by_party.get(table_needs.party_id)
            if table is not None and table_needs.party_id not in shown:
                rows.append((table, table_needs))
                shown.add(table_needs.party_id)
        for t in view.tables:
            if t.waiter_id == me and t.party_id is not None and t.party_id not in shown:
                rows.append((t, None))
                shown.add(t.party_id)
        rows += [
            (t, None)
            for t in view.tables
            if t.state == TableState.NEEDS_RESET and t.section_id in sections
        ]
        return rows

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
        rows = self._mine()
        if not rows:
            box.add_widget(
                Label(
                    text=tr("No guests at your tables yet."),
                    font_size=TYPE.label,
                    size_hint_y=None,
                    height=dp(80),
                )
            )
        for table, table_needs in rows:
            row = MyTableRow(self, table, view, table_needs)
            self.ids[f"table_{table.number}"] = row
            box.add_widget(row)

    def check_in(self) -> None:
        try:
            done = check_in(
                self.app.store, self.app.user.staff_id, CheckIn(waiter_id=self.app.user.staff_id)
            )
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
            command = GuestsLeft(party_id=table.party_id)
            left = guests_left(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            self.refresh()
            return
        self.refresh()
        self.say(
            "Table {tables} needs resetting: check it for forgotten belongings.",
            tables=" + ".join(left.released),
        )

    def bill_asked(self, table: TableView) -> None:
        from services.billing.bills import PartyBill, request_bill

        try:
            command = PartyBill(party_id=table.party_id)
            request_bill(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.refresh()
        self.say("Table {number}: the bill is asked for; the cashier has it.", number=table.number)

    def reset(self, table: TableView) -> None:
        self.app.root.get_screen("reset_tables").chosen_id = table.id
        self.app.open_screen("reset_tables")


class MyTableRow(BoxLayout):
    """One of my tables: its state in colour and words, what it needs (most urgent first,
    each with its one tap), the party, its courses, and its order."""

    def __init__(
        self,
        screen: MyTablesScreen,
        table: TableView,
        view: FloorView,
        table_needs: TableNeeds | None = None,
    ) -> None:
        busy = table_needs is not None and bool(table_needs.needs or table_needs.courses)
        height = dp(108) if busy else dp(84)
        super().__init__(size_hint_y=None, height=height, spacing=dp(8), padding=(0, dp(4)))
        loc = screen.app.localizer
        tr = loc._
        self.need_buttons: dict[str, Any] = {}
        self.rush_button: Any = None
        self.add_widget(
            Chip(
                text=tr("Table {number}", number=table.number)
                + "\n"
                + table_look.state_word(table.state, tr),
                fill=table_look.STATE_COLOURS[table.state],
                color=table_look.text_colour(table.state),
                bold=True,
                font_size=TYPE.label,
                size_hint_x=None,
                width=dp(150),
            )
        )
        facts: list[str] = []
        new = False
        if table.party_id is not None:
            minutes = table_look.minutes_since(table.seated_at, view.at)
            facts.append(table_look.guests(table.party_size, tr))
            facts.append(tr("seated {minutes} min ago", minutes=minutes))
            new = bool(table.seated_at and view.at - table.seated_at < NEW_FOR) or any(
                n.kind == NeedKind.JUST_SEATED for n in (table_needs.needs if table_needs else [])
            )
            if table.children:
                facts.append(table_look.children(table.children, tr))
            if table.high_chair and table_needs is None:
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
            loud = table_look.plain(tr("NEW"))
            words = f"[b][color=ffc83d]{loud}[/color][/b]  {words}"
        if table_needs is not None:
            words = self._with_needs(words, table_needs, loc, view)
        text = Label(text=words, markup=True, font_size=TYPE.body, halign="left", valign="middle")
        text.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.add_widget(text)
        self.facts = text
        if table_needs is not None:
            self._need_buttons(screen, table_needs)
            self._rush_button(screen, table_needs)
        if table.state in (TableState.ORDERED, TableState.EATING):
            # 第6条 13: the bill is brought only once the guest asks; one tap records it.
            ask = Factory.Button(text=tr("Guest asked for the bill"), font_size=TYPE.caption)
            ask.size_hint_x, ask.width = None, dp(170)
            ask.bind(on_release=lambda _b: screen.bill_asked(table))
            self.add_widget(ask)
        if table.state == TableState.PAID:
            button = Factory.PrimaryButton(text=tr("Guests have left"))
            button.bind(on_release=lambda _b: screen.guests_left(table))
        elif table.state == TableState.NEEDS_RESET:
            button = Factory.PrimaryButton(text=tr("Reset table"))
            button.bind(on_release=lambda _b: screen.reset(table))
        elif table.party_id is not None:
            party_id = table.party_id
            button = Factory.Button(text=tr("Order")) if self.need_buttons else None
            button = button or Factory.PrimaryButton(text=tr("Order"))
            button.bind(on_release=lambda _b: open_order(screen.app, party_id))
        else:
            return
        button.size_hint_x = None
        button.width = dp(150) if self.need_buttons else dp(200)
        self.add_widget(button)

    @staticmethod
    def _with_needs(facts: str, table_needs: TableNeeds, loc: Any, view: FloorView) -> str:
        """Needs first, in their colours and words (at most three, then how many more),
        then the party's facts, then where each course is."""
        # "Just seated" is the NEW mark in front of the facts.
        others = [n for n in table_needs.needs if n.kind != NeedKind.JUST_SEATED]
        needs = [need_look.need_words(n, loc, view.at) for n in others[:SHOWN_NEEDS]]
        more = len(others) - SHOWN_NEEDS
        if more > 0:
            needs.append(table_look.plain(loc._("+{count} more", count=more)))
        lines = [" · ".join(needs)] if needs else []
        lines.append(facts)
        if table_needs.courses:
            courses = need_look.courses_words(table_needs.courses, loc)
            lines.append(f"[size={TYPE.caption}][color=c8ccd4]{courses}[/color][/size]")
        return "\n".join(lines)

    def _rush_button(self, screen: MyTablesScreen, table_needs: TableNeeds) -> None:
        """第8条: guests in a hurry. A course already cooking is rushed at its stations (the
        food first: a round of drinks is seldom what the kitchen must hurry)."""
        cooking = [c for c in table_needs.courses if c.state == CourseState.FIRED]
        food = [c for c in cooking if c.course_code != DRINKS_COURSE] or cooking
        self.rush_button = None
        if not food:
            return
        course = food[0]
        name = need_look.course_name(
            screen.app.localizer, course.course_name_en, course.course_name_zh
        )
        button = Factory.DangerButton(
            text=screen.app.localizer._("Rush {course}", course=name), font_size=TYPE.caption
        )
        button.size_hint_x, button.width = None, dp(130)
        label = table_needs.table_label
        button.bind(on_release=lambda _b: open_rush(screen, label, course))
        self.rush_button = button
        self.add_widget(button)
        # One more button on the row: the others give up a little room to the party's facts.
        for need_button in self.need_buttons.values():
            need_button.width = dp(160)

    def _need_buttons(self, screen: MyTablesScreen, table_needs: TableNeeds) -> None:
        """One tap for each of the two most urgent needs that a tap can settle."""
        for need in table_needs.needs:
            if len(self.need_buttons) == NEED_BUTTONS:
                break
            button = need_look.need_button(screen, table_needs, need, screen.refresh)
            if button is not None and need.kind.value not in self.need_buttons:
                self.need_buttons[need.kind.value] = button
                self.add_widget(button)
