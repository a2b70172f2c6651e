"""Resetting tables after the guests leave (第10条 ③④): look for forgotten belongings and
confirm it, hand anything found to a supervisor (it goes into the lost-and-found log), then
the table is free for the next party."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.togglebutton import ToggleButton

from screens.widgets import built_ids, table_look
from screens.widgets.base import TablesideScreen
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
        box = self.ids.choices
        box.clear_widgets()
        built_ids.forget(self.ids, "reset_choice_", "keeper_")
        if not self.waiting:
            box.add_widget(
                Label(
                    text=tr("No table needs resetting."),
                    font_size="20sp",
                    size_hint_y=None,
                    height=dp(80),
                )
            )
        for table in self.waiting:
            minutes = table_look.minutes_since(table.vacated_at, now)
            button = ToggleButton(
                text=tr("Table {number}", number=table.number)
                + "\n"
                + tr("empty for {minutes} min", minutes=minutes),
                group="reset_choice",
                allow_no_selection=False,
                state="down" if table.id == self.chosen_id else "normal",
                font_size="20sp",
                size_hint_y=None,
                height=dp(76),
            )
            button.bind(on_release=lambda _b, t=table.id: self.choose(t))
            self.ids[f"reset_choice_{table.number}"] = button
            box.add_widget(button)
        chosen = next((t for t in self.waiting if t.id == self.chosen_id), None)
        self.chosen_title = (
            tr("Table {number}", number=chosen.number) if chosen else tr("Choose a table.")
        )
        row = self.ids.keepers
        row.clear_widgets()
        for keeper in self.keepers:
            button = ToggleButton(
                text=table_look.short_name(keeper.name, loc.lang),
                group="keeper",
                state="down" if keeper.id == self.keeper_id else "normal",
                font_size="18sp",
            )
            button.bind(on_release=lambda _b, k=keeper.id: self.choose_keeper(k))
            self.ids[f"keeper_{keeper.number}"] = button
            row.add_widget(button)
        self.found_line = "\n".join(
            tr("{what}: to {name}", what=what, name=keeper.name) for what, keeper in self.found
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
        self.say("Written down. Hand it to {name}.", name=keeper.name)

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
