"""A rush (第8条: if the guests are in a hurry, tell the kitchen to speed up): the only way a
ticket jumps the queue. A waiter at the pass asks; whoever is at the display picks the
ticket and writes who asked (the waiter, or the guest's words), which the ticket then
shows and the record keeps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.popup import Popup

from services.serving.kitchen import KitchenTicket

RULES = Path(__file__).with_suffix(".kv")


class RushRow(BoxLayout):
    text = StringProperty("")


class RushPopup(Popup):
    def __init__(
        self,
        tickets: list[KitchenTicket],
        loc: Any,
        rush: Callable[[KitchenTicket, str], None],
    ) -> None:
        # The dialog's rules sit beside it; the app unloads them when it stops.
        App.get_running_app()._load_kv(RULES)
        super().__init__(title=loc._("Rush a ticket: the guests are in a hurry"))
        tr = loc._
        for n, ticket in enumerate(tickets):
            row = RushRow(
                text=tr(
                    "Table {table} · {course} · {minutes} min",
                    table=ticket.table_label,
                    course=loc.pick(ticket.course_name_en, ticket.course_name_zh),
                    minutes=ticket.age_seconds // 60,
                )
            )
            row.ids.rush_button.bind(on_release=lambda _b, t=ticket: self._rush(rush, t))
            self.ids[f"rush_{n}"] = row
            self.ids.rows.add_widget(row)

    def _rush(self, rush: Callable[[KitchenTicket, str], None], ticket: KitchenTicket) -> None:
        asked_by = self.ids.who.text
        self.dismiss(animation=False)
        rush(ticket, asked_by)
