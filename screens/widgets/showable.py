"""A block that is there only when something holds: a fail's note, a correction's reason,
the quantity row of a line not sent yet.

Hidden, it takes no room, is invisible and takes no touch; shown, it gets back its size.
Before this, every such block said it three times in kv (`height: dp(64) if x else 0`,
`opacity: 1 if x else 0`, `disabled: not x`), and one of the three was easy to forget: a
hidden button that still takes taps.

    ShowBox:
        shown: root.editable
        open_size: dp(64)     # the height when shown; leave it out to share the space
    ShowPrimary:
        shown: root.editable
        collapse: 'width'      # a button in a row gives its width to its neighbours
"""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput


class Showable:
    """Mixin for any widget: `shown` decides whether it is there at all."""

    shown = BooleanProperty(True)
    # Shown but not to be tapped (e.g. "Use this photo" before a photo is chosen).
    usable = BooleanProperty(True)
    # Which size a hidden block gives up: its height (a row in a column), its width (a
    # button in a row) or none (it keeps its place, e.g. a header button).
    collapse = OptionProperty("height", options=("height", "width", "none"))
    # The size along `collapse` when shown; None: the size hint below shares the space.
    open_size = NumericProperty(None, allownone=True)
    open_hint = NumericProperty(1)

    # Nothing is applied until the widget's kv rules are: they set these properties in an
    # order of their own, and `shown` seen before `collapse: 'width'` would collapse the
    # height of a button that only ever gives up its width.
    _ready = False

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)  # type: ignore[misc]
        self._ready = True
        self._show()

    def on_shown(self, *_args: Any) -> None:
        self._show()

    def on_usable(self, *_args: Any) -> None:
        self._show()

    def on_collapse(self, *_args: Any) -> None:
        self._show()

    def on_open_size(self, *_args: Any) -> None:
        self._show()

    def on_open_hint(self, *_args: Any) -> None:
        self._show()

    def _show(self) -> None:
        if not self._ready:
            return
        widget: Any = self
        widget.opacity = 1 if self.shown else 0
        widget.disabled = not (self.shown and self.usable)
        if self.collapse == "none":
            return
        hint = "size_hint_y" if self.collapse == "height" else "size_hint_x"
        if not self.shown:
            setattr(widget, hint, None)
            setattr(widget, self.collapse, 0)
        elif self.open_size is None:
            setattr(widget, hint, self.open_hint)
        else:
            setattr(widget, hint, None)
            setattr(widget, self.collapse, self.open_size)


# The mixin by name, for the kv rules that combine it with kv-defined buttons.
Factory.register("Showable", cls=Showable)


class ShowBox(Showable, BoxLayout):
    pass


class ShowGrid(Showable, GridLayout):
    pass


class ShowButton(Showable, Button):
    pass


class ShowLabel(Showable, Label):
    pass


class ShowInput(Showable, TextInput):
    pass


class ShowScroll(Showable, ScrollView):
    pass
