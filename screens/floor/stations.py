"""Sections for the service: the supervisor puts one waiter on each section for lunch or
dinner, and sees who has checked in at the station and who is late (第5条 2①)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kivy.metrics import dp
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.togglebutton import ToggleButton

from screens.widgets import built_ids, table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.bilingual import Both
from screens.widgets.chips import STATION_COLOURS, Chip, station_text
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
        services = self.ids.services
        services.clear_widgets()
        built_ids.forget(self.ids, "service_", "assign_")
        for service in self.services:
            opens = service.opens.astimezone(self._zone()).strftime("%H:%M")
            button = ToggleButton(
                text=f"{loc.pick(service.name_en, service.name_zh)} {opens}",
                group="service",
                allow_no_selection=False,
                state="down" if service.period_id == self.period_id else "normal",
                font_size="20sp",
            )
            button.bind(on_release=lambda _b, p=service.period_id: self.choose_service(p))
            self.ids[f"service_{service.code}"] = button
            services.add_widget(button)
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
                    font_size="22sp",
                    bold=True,
                    size_hint_x=None,
                    width=dp(160),
                )
            )
            for waiter_id, number, name in self.waiters:
                button = ToggleButton(
                    text=f"{name}\n{number}",  # the name as stored, as on every screen
                    group=f"section_{line.section_id}",
                    state="down" if waiter_id == line.waiter_id else "normal",
                    font_size="18sp",
                )
                button.bind(on_release=lambda _b, s=line.section_id, w=waiter_id: self.assign(s, w))
                self.ids[f"assign_{line.section_id}_{number}"] = button
                row.add_widget(button)
            status = station_text(line.waiter_name, line.status, line.late_minutes, due, zone, loc)
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
            name=line.waiter_name,
            section=Both(line.section_en, line.section_zh),
            service=Both(roster.service.name_en, roster.service.name_zh),
        )
