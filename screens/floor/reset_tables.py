"""Resetting tables after the guests leave (第10条 ③④): look for forgotten belongings and
confirm it, hand anything found to a supervisor (it goes into the lost-and-found log), then
the table is free for the next party."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.togglebutton import ToggleButton

from screens.widgets import table_look
from screens.widgets.base import TablesideScreen
from screens.widgets.choice_list import Choice
from services.errors import DomainError
from services.floor.lost_and_found import Keeper, keepers
from services.floor.plan import TableState, TableView, floor_view
from services.floor.table_reset import FoundBelonging, ResetTable, reset_table
from services.service_day import utcnow


class ResetTablesScreen(TablesideScreen):
    # Set by the floor or my-tables screen before opening this one.
    chosen_id = NumericProperty(0)
    checked = BooleanProperty(False)
    chosen_title = StringProperty("")
    found_line = StringProperty("")
    nothing_waiting = BooleanProperty(False)
    # Items logged for the chosen table: finding something is looking, so while there are
    # any the "I checked" box stays ticked and cannot be unticked by mistake.
    found_count = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.waiting: list[TableView] = []
        self.keepers: list[Keeper] = []
        self.keeper_id = 0
        self.found: list[tuple[str, Keeper]] = []

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.keepers = keepers(self.app.store)
        self.keeper_id = 0
        self._start_table()
        self.reload()

    def on_leave(self, *_args: Any) -> None:
        self.chosen_id = 0

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        try:
            view = floor_view(self.app.store)
        except DomainError as error:
            self.fail(error)
            return
        self.waiting = [t for t in view.tables if t.state == TableState.NEEDS_RESET]
        if self.chosen_id not in {t.id for t in self.waiting}:
            # The person chooses the table; only a single one waiting is chosen for them.
            if self.chosen_id:
                self._start_table()
            self.chosen_id = self.waiting[0].id if len(self.waiting) == 1 else 0
        self._draw()

    def _start_table(self) -> None:
        self.checked = False
        self.found = []
        self.found_count = 0
        self.ids.found_input.text = ""

    def choose(self, table_id: int) -> None:
        if table_id != self.chosen_id:
            self._start_table()
        self.chosen_id = table_id
        self.clear_message()
        self._draw()

    def choose_keeper(self, keeper_id: int) -> None:
        self.keeper_id = keeper_id
        self._draw()

    def _draw(self) -> None:
        loc = self.app.localizer
        tr = loc._
        now = utcnow()
        self.nothing_waiting = not self.waiting
        waiting = [
            Choice(
                table.id,
                tr("Table {number}", number=table.number)
                + "\n"
                + tr(
                    "empty for {minutes} min",
                    minutes=table_look.minutes_since(table.vacated_at, now),
                ),
                f"reset_choice_{table.number}",
            )
            for table in self.waiting
        ]
        self.ids.choices.show(waiting, selected=self.chosen_id, ids=self.ids)
        chosen = next((t for t in self.waiting if t.id == self.chosen_id), None)
        self.chosen_title = (
            tr("Table {number}", number=chosen.number) if chosen else tr("Choose a table.")
        )
        keepers = [
            Choice(k.id, table_look.person_name(k.name), f"keeper_{k.number}") for k in self.keepers
        ]
        self.ids.keepers.show(keepers, selected=self.keeper_id, ids=self.ids)
        self.found_line = "\n".join(
            tr("{what}: to {name}", what=what, name=table_look.person_name(keeper.name))
            for what, keeper in self.found
        )

    def tick_checked(self, button: ToggleButton) -> None:
        """The "I checked" box. While found items are logged it stays ticked: they were
        found by looking, and unticking it would only get the reset refused."""
        if self.found:
            button.state = "down"
            self.say("Something was found here, so the table was checked: the box stays ticked.")
            return
        self.checked = button.state == "down"

    def add_found(self) -> None:
        if not self.chosen_id:
            self.fail(DomainError("Choose a table."))
            return
        keeper = next((k for k in self.keepers if k.id == self.keeper_id), None)
        what = self.ids.found_input.text
        if keeper is None:
            self.fail(DomainError("Choose the supervisor the item goes to."))
            return
        try:
            FoundBelonging(description=what, handed_to_id=keeper.id)
        except DomainError as error:
            self.fail(error)
            return
        self.found.append((what, keeper))
        self.found_count = len(self.found)
        self.ids.found_input.text = ""
        self._draw()
        self.say("Written down. Hand it to {name}.", name=table_look.person_name(keeper.name))

    def reset(self) -> None:
        if not self.chosen_id:
            self.fail(DomainError("Choose a table."))
            return
        try:
            done = reset_table(
                self.app.store,
                self.app.user.staff_id,
                ResetTable(
                    table_id=int(self.chosen_id),
                    # Logging a found item was looking for belongings.
                    belongings_checked=bool(self.checked or self.found),
                    found=[
                        FoundBelonging(description=what, handed_to_id=keeper.id)
                        for what, keeper in self.found
                    ],
                ),
            )
        except DomainError as error:
            self.fail(error)
            self.reload()
            return
        self._start_table()
        self.reload()
        self.say(
            "Table {number} is ready for the next party (turn {minutes} min, {count} found "
            "items logged).",
            number=done.table_number,
            minutes=done.turn_minutes,
            count=done.found_items,
        )
