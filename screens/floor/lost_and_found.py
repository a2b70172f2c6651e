"""The lost-and-found log for supervisors (第10条 ③): what was found, where, when, by whom,
who keeps it; and to whom it was given back."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kivy.properties import NumericProperty

from screens.widgets import table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.choice_list import Choice
from services.errors import DomainError
from services.floor.lost_and_found import FoundItemLine, ReturnItem, found_items, return_item


class LostAndFoundScreen(TablesideScreen):
    chosen_id = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.items: list[FoundItemLine] = []

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.chosen_id = 0
        self.ids.returned_to_input.text = ""
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        try:
            self.items = found_items(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            self.items = []
        self._draw()

    def _draw(self) -> None:
        loc = self.app.localizer
        tr = loc._
        zone = ZoneInfo(self.app.restaurant.timezone if self.app.restaurant else "UTC")
        choices = []
        for item in self.items:
            found = item.found_at.astimezone(zone).strftime("%m-%d %H:%M")
            head = tr(
                "{what} · table {where} · {when} · found by {finder} · kept by {keeper}",
                what=item.description,
                where=item.found_where,
                when=found,
                finder=table_look.person_name(item.found_by),
                keeper=table_look.person_name(item.handed_to),
            )
            if item.returned_at is not None:
                back = item.returned_at.astimezone(zone).strftime("%m-%d %H:%M")
                tail = tr(
                    "Given back to {name} on {when} by {by}",
                    name=item.returned_to,
                    when=back,
                    by=table_look.person_name(item.returned_by),
                )
            else:
                tail = tr("Kept: tap to record its return")
            choices.append(
                Choice(item.id, f"{head}\n{tail}", f"item_{item.id}", item.returned_at is None)
            )
        self.ids.found_list.show(choices, selected=self.chosen_id, ids=self.ids)
        if not self.items:
            self.say("Nothing has been found yet.")

    def choose(self, item_id: int) -> None:
        self.chosen_id = 0 if self.chosen_id == item_id else item_id
        self.clear_message()
        self._draw()

    def record_return(self) -> None:
        if not self.chosen_id:
            self.fail(DomainError("Tap the item that was given back."))
            return
        try:
            command = ReturnItem(
                item_id=int(self.chosen_id), returned_to=self.ids.returned_to_input.text
            )
            return_item(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            self.reload()
            return
        name = self.ids.returned_to_input.text
        self.chosen_id = 0
        self.ids.returned_to_input.text = ""
        self.reload()
        self.say("Recorded: given back to {name}.", name=name)
