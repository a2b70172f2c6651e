"""Recall (第8条): the tickets bumped last, newest first, for the cook who bumped one too
soon. Recalling puts the ticket back on the board, in its turn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from services.serving.kitchen import KitchenTicket

RULES = Path(__file__).with_suffix(".kv")


class RecallRow(BoxLayout):
    text = StringProperty("")


class RecallPopup(Popup):
    def __init__(
        self,
        recent: list[KitchenTicket],
        loc: Any,
        zone: str,
        recall: Callable[[KitchenTicket], None],
    ) -> None:
        # The dialog's rules sit beside it; the app unloads them when it stops.
        App.get_running_app()._load_kv(RULES)
        super().__init__(title=loc._("Recall a bumped ticket"))
        tr = loc._
        box = self.ids.rows
        for n, ticket in enumerate(recent):
            at = (
                ticket.bumped_at.astimezone(ZoneInfo(zone)).strftime("%H:%M")
                if ticket.bumped_at
                else ""
            )
            course = loc.pick(ticket.course_name_en, ticket.course_name_zh)
            row = RecallRow(
                text=tr(
                    "Table {table} · {course} · bumped at {time}",
                    table=ticket.table_label,
                    course=course,
                    time=at,
                )
            )
            row.ids.recall_button.bind(on_release=lambda _b, t=ticket: self._recall(recall, t))
            self.ids[f"recall_{n}"] = row
            box.add_widget(row)

    def _recall(self, recall: Callable[[KitchenTicket], None], ticket: KitchenTicket) -> None:
        self.dismiss(animation=False)
        recall(ticket)
