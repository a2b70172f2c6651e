"""Sections for the service: the supervisor puts one waiter on each section for lunch or
dinner, and sees who has checked in at the station and who is late (第5条 2①)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kivy.metrics import dp
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.widgets import built_ids, table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.bilingual import Both
from screens.widgets.chips import STATION_COLOURS, Chip, station_text
from screens.widgets.choice_list import Choice, ChoiceList
from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.floor.stations import (
    AssignSection,
    Roster,
    StationStatus,
    assign_section,
    service_periods_today,
    station_roster,
    waiters,
)
from services.service_day import ServiceSlot


class StationsScreen(TablesideScreen):
    period_id = NumericProperty(0)  # 0: the current service

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services: list[ServiceSlot] = []
        self.roster: Roster | None = None
        self.waiters: list[tuple[int, str, str]] = []

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.period_id = 0
        self.services = service_periods_today(self.app.store)
        self.waiters = waiters(self.app.store)
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        try:
            self.roster = station_roster(self.app.store, period_id=int(self.period_id) or None)
        except DomainError as error:
            self.fail(error)
            return
        self.period_id = self.roster.service.period_id
        self._draw()

    def choose_service(self, period_id: int) -> None:
        self.period_id = period_id
        self.clear_message()
        self.reload()

    def _draw(self) -> None:
        loc = self.app.localizer
        tr = loc._
        built_ids.forget(self.ids, "assign_")
        services = [
            Choice(
                s.period_id,
                f"{loc.pick(s.name_en, s.name_zh)} {s.opens.astimezone(self._zone()):%H:%M}",
                f"service_{s.code}",
            )
            for s in self.services
        ]
        self.ids.services.show(services, selected=self.period_id, ids=self.ids)
        box = self.ids.sections
        box.clear_widgets()
        if self.roster is None:
            return
        due = self.roster.service.stations_due
        zone = self.app.restaurant.timezone if self.app.restaurant else "UTC"
        for line in self.roster.lines:
            row = BoxLayout(size_hint_y=None, height=dp(76), spacing=dp(8))
            row.add_widget(
                Label(
                    text=loc.pick(line.section_en, line.section_zh),
                    font_size=TYPE.title,
                    bold=True,
                    size_hint_x=None,
                    width=dp(160),
                )
            )
            waiters = ChoiceList(font_size=TYPE.body, spacing=dp(8))
            waiters.show(
                [
                    # The name as stored, as on every screen.
                    Choice(waiter_id, f"{name}\n{number}", f"assign_{line.section_id}_{number}")
                    for waiter_id, number, name in self.waiters
                ],
                selected=line.waiter_id,
                ids=self.ids,
            )
            waiters.bind(on_choose=lambda _l, w, s=line.section_id: self.assign(s, w))
            row.add_widget(waiters)
            who = table_look.person_name(line.waiter_name)
            status = station_text(who, line.status, line.late_minutes, due, zone, loc)
            ink = (
                table_look.DARK_TEXT
                if line.status == StationStatus.CAME_LATE
                else table_look.LIGHT_TEXT
            )
            row.add_widget(
                Chip(
                    text=status,
                    fill=STATION_COLOURS[line.status],
                    color=ink,
                    size_hint_x=None,
                    width=dp(300),
                )
            )
            box.add_widget(row)
        self.ids.due_line.text = tr(
            "Waiters are due at their stations by {time}, half an hour before opening.",
            time=due.astimezone(self._zone()).strftime("%H:%M"),
        )

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.app.restaurant.timezone if self.app.restaurant else "UTC")

    def assign(self, section_id: int, waiter_id: int) -> None:
        roster = self.roster
        if roster is None:
            return
        try:
            line = assign_section(
                self.app.store,
                self.app.user.staff_id,
                AssignSection(
                    section_id=section_id,
                    waiter_id=waiter_id,
                    period_id=roster.service.period_id,
                    service_date=roster.service.service_date,
                ),
            )
        except DomainError as error:
            self.fail(error)
            self.reload()
            return
        self.reload()
        # The names follow the language even after it changes: "孙磊 Sun Lei负责午市的包间。"
        self.say(
            "{name} has {section} for {service}.",
            name=table_look.person_name(line.waiter_name),
            section=Both(line.section_en, line.section_zh),
            service=Both(roster.service.name_en, roster.service.name_zh),
        )
