"""A PIN pad with large keys; the digits never leave it except through on_submit."""

from __future__ import annotations

from typing import Any

from kivy.properties import AliasProperty, NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

MAX_PIN_LENGTH = 8


class PinPad(GridLayout):
    pin = StringProperty("")
    min_length = NumericProperty(4)

    __events__ = ("on_submit",)

    def press(self, key: str) -> None:
        if key == "clear":
            self.pin = ""
        elif key == "back":
            self.pin = self.pin[:-1]
        elif key.isdigit() and len(self.pin) < MAX_PIN_LENGTH:
            self.pin += key

    def submit(self) -> None:
        pin, self.pin = self.pin, ""
        self.dispatch("on_submit", pin)

    def on_submit(self, *_args: Any) -> None:
        pass

    def _dots(self) -> str:
        shown = max(len(self.pin), int(self.min_length))
        return " ".join("●" if i < len(self.pin) else "○" for i in range(shown))

    # One dot per digit typed, so the person sees progress but nobody sees the PIN.
    dots = AliasProperty(_dots, bind=["pin", "min_length"], cache=True)
