"""One choice out of a few, as a row or grid of toggle buttons fed by data: a party's size,
the service to staff, a waiter for a section, the table to reset, who keeps what was found.

The screen gives the choices (`show(...)`) and hears which one was tapped (`on_choose`);
the buttons, their group and their ids are built here the same way everywhere. Each
button is put into the owner's ids (`ids=self.ids`) under its choice's id, and the old
ones are dropped first, so a choice that is gone cannot be found.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout
from kivy.uix.togglebutton import ToggleButton

_groups = itertools.count(1)
NOTHING = object()  # no choice down (a key may itself be None: "shared" for a seat)


@dataclass(frozen=True)
class Choice:
    key: Any  # what `on_choose` gets back (hashable: an id, a code, an enum member, None)
    text: str
    id: str = ""  # the owner's id for its button, if anything looks it up
    enabled: bool = True  # shown but not to be chosen (a found item already given back)
    # Its share of a row: a long name ("Rice, noodles and dumplings") gets the room it needs.
    weight: float = 1.0


class ChoiceList(GridLayout):
    """Toggle buttons in `cols` columns (neither cols nor rows given: one row); at most one
    is down."""

    # Empty: the button class's own rule decides (a Button's is TYPE.label).
    font_size = StringProperty("")
    # The toggle button class, by its Factory name, for buttons with a look of their own
    # (the order screen's category tabs and seats).
    button_class = StringProperty("ToggleButton")
    # A fixed height per button (a column of long choices); 0: the rows share the height.
    button_height = NumericProperty(0)
    # A fixed width per button (a row of short choices that must not stretch); 0: shared.
    button_width = NumericProperty(0)
    # False: a tap on the chosen button keeps it chosen (radio buttons).
    allow_none = BooleanProperty(True)
    # The buttons' toggle group, for a test or a screen that looks them up by it; left
    # empty, each list gets one of its own, so two lists never untoggle each other.
    group = StringProperty("")

    __events__ = ("on_choose",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._own_group = f"choice_list_{next(_groups)}"
        self._ids: list[str] = []
        self.buttons: dict[Any, ToggleButton] = {}

    def on_choose(self, key: Any) -> None:
        """A choice was tapped; the owner binds to it."""

    def chosen(self, default: Any = None) -> Any:
        """The key of the choice that is down, or `default`."""
        return next((k for k, b in self.buttons.items() if b.state == "down"), default)

    def show(self, choices: list[Choice], selected: Any = NOTHING, ids: Any = None) -> None:
        """Draw `choices`, with the one whose key is `selected` down."""
        if ids is not None:
            for name in self._ids:
                ids.pop(name, None)
        self._ids = []
        self.clear_widgets()
        self.buttons = {}
        if not self.cols and not self.rows:
            self.rows = 1
        make = Factory.get(self.button_class)
        for choice in choices:
            looks: dict[str, Any] = {"font_size": self.font_size} if self.font_size else {}
            if choice.weight != 1.0:
                looks["size_hint_x"] = choice.weight
            button = make(
                text=choice.text,
                group=self.group or self._own_group,
                allow_no_selection=self.allow_none,
                state="down" if choice.key == selected else "normal",
                disabled=not choice.enabled,
                **looks,
            )
            if self.button_height:
                button.size_hint_y = None
                button.height = self.button_height
            if self.button_width:
                button.size_hint_x = None
                button.width = self.button_width
            button.bind(on_release=lambda _b, key=choice.key: self.dispatch("on_choose", key))
            self.buttons[choice.key] = button
            if choice.id and ids is not None:
                ids[choice.id] = button
                self._ids.append(choice.id)
            self.add_widget(button)
