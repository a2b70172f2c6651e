"""Small coloured labels with words in them: the floor's legend and who is on station."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kivy.graphics import Color, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import ListProperty
from kivy.uix.label import Label

from screens.widgets import table_look
from screens.widgets.theme import TYPE
from services.floor.stations import StationStatus

Colour = tuple[float, float, float, float]

STATION_COLOURS: dict[StationStatus | None, Colour] = {
    StationStatus.ON_TIME: (0.16, 0.50, 0.24, 1),
    StationStatus.CAME_LATE: (0.98, 0.70, 0.12, 1),
    StationStatus.MISSING: (0.80, 0.22, 0.18, 1),
    StationStatus.EXPECTED: (0.30, 0.32, 0.36, 1),
    None: (0.45, 0.20, 0.20, 1),
}


class Chip(Label):
    fill = ListProperty([0.3, 0.3, 0.3, 1])

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("font_size", TYPE.caption)
        kwargs.setdefault("halign", "center")
        kwargs.setdefault("valign", "middle")
        super().__init__(**kwargs)
        with self.canvas.before:
            self._colour = Color(*self.fill)
            self._shape = RoundedRectangle(pos=self.pos, size=self.size, radius=[dp(6)])
        self.bind(pos=self._follow, size=self._follow, fill=self._follow)

    def _follow(self, *_args: Any) -> None:
        self._colour.rgba = self.fill
        self._shape.pos = self.pos
        self._shape.size = self.size
        self.text_size = (self.width - dp(8), None)


def station_text(
    name: str,
    status: StationStatus | None,
    late_minutes: int,
    due: datetime,
    zone: str,
    loc: Any,
) -> str:
    """Where a section's waiter is, in words (第5条 2①: at the station half an hour before
    opening)."""
    tr = loc._
    who = table_look.person_name(name)
    if status is None:
        return tr("nobody assigned")
    if status == StationStatus.ON_TIME:
        return tr("{name} on station", name=who)
    if status == StationStatus.CAME_LATE:
        return tr("{name} came {minutes} min late", name=who, minutes=late_minutes)
    if status == StationStatus.MISSING:
        return tr("{name} not at station: {minutes} min late", name=who, minutes=late_minutes)
    local = due.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    return tr("{name} due by {time}", name=who, time=local)


def station_chip(
    section: str,
    name: str,
    status: StationStatus | None,
    late_minutes: int,
    due: datetime,
    zone: str,
    loc: Any,
) -> Chip:
    text = f"{section}: {station_text(name, status, late_minutes, due, zone, loc)}"
    ink = table_look.DARK_TEXT if status == StationStatus.CAME_LATE else table_look.LIGHT_TEXT
    return Chip(text=text, fill=STATION_COLOURS[status], color=ink, bold=True)
