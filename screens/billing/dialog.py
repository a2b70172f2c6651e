"""What every billing dialog shares: its rules loaded from the .kv beside its module, a
message line of its own for a refusal (the dialog stays open, nothing was written), and
the number pad the cashier types amounts on."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.metrics import dp
from kivy.properties import DictProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.popup import Popup

from screens.widgets import stepper
from screens.widgets.bilingual import paired
from screens.widgets.theme import TYPE
from services.errors import DomainError


class BillDialog(Popup):
    """A dialog of the signed-in cashier; the app closes every dialog at sign-out."""

    msg_key = StringProperty("")
    msg_params = DictProperty({})

    def __init__(self, **kwargs: Any) -> None:
        app = App.get_running_app()
        # The dialog's rules sit beside its module; the app unloads them when it stops.
        app._load_kv(Path(sys.modules[type(self).__module__].__file__ or "").with_suffix(".kv"))
        self.loc = app.localizer
        self.app = app
        kwargs.setdefault("size_hint", (0.86, 0.92))
        kwargs.setdefault("auto_dismiss", False)
        super().__init__(**kwargs)
        stepper.lift_ids(self)  # a stepper's buttons under the dialog's ids

    def dismiss(self, *args: Any, **kwargs: Any) -> Any:
        # At once, without the fade: a closing dialog would take the cashier's next tap.
        kwargs.setdefault("animation", False)
        return super().dismiss(*args, **kwargs)

    def fail(self, error: DomainError) -> None:
        self.msg_key = ""
        self.msg_params = paired(error.params)  # {name} and {name_zh}: the reader's one
        self.msg_key = error.message


class NumberPad(GridLayout):
    """Large keys for an amount; the typed text is kept in `text`."""

    text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cols", 3)
        kwargs.setdefault("spacing", dp(6))
        super().__init__(**kwargs)
        self.keys: dict[str, Button] = {}
        for key in ("7", "8", "9", "4", "5", "6", "1", "2", "3", ".", "0", "back"):
            # "<" rubs out the last digit (the font has no ⌫).
            button = Button(text="<" if key == "back" else key, font_size=TYPE.display)
            button.bind(on_release=lambda _b, k=key: self.press(k))
            self.keys[key] = button
            self.add_widget(button)

    def press(self, key: str) -> None:
        if key == "back":
            self.text = self.text[:-1]
        elif key == "." and "." in self.text:
            return
        elif len(self.text) < 10:
            self.text += key
