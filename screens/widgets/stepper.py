"""The − value + stepper: a party's size, its children, a dish's quantity, the parts of a
split, the pieces of a banknote in the drawer.

The owner says what the value reads and what a step does (`on_step: root.step(args[1])`);
the stepper draws the three parts alike on every screen. Tests and screens find the parts
under the owner's own ids, named in `names` (down, value, up), as before the parts moved
here: call `lift_ids(owner)` once the owner's rule has been applied.
"""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from screens.widgets.theme import TYPE


class Stepper(BoxLayout):
    text = StringProperty("")
    value_font_size = StringProperty(TYPE.title)
    value_bold = BooleanProperty(True)
    # 0: the value takes the room the buttons leave.
    value_width = NumericProperty(0)
    button_width = NumericProperty(dp(70))
    # The owner's ids for the − button, the value and the + button.
    names = ListProperty([])

    __events__ = ("on_step",)

    def on_step(self, step: int) -> None:
        """A tap on − (-1) or + (+1); the owner binds to it."""


def lift_ids(owner: Any) -> None:
    """Put each stepper's parts into `owner.ids` under the names the stepper was given."""
    for widget in list(owner.ids.values()):
        if isinstance(widget, Stepper) and widget.names:
            down, value, up = widget.names
            owner.ids[down] = widget.ids.down
            owner.ids[value] = widget.ids.value
            owner.ids[up] = widget.ids.up
