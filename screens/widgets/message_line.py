"""The line under a form that says what just happened, in the current language."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty, StringProperty
from kivy.uix.label import Label


class MessageLine(Label):
    sentence = StringProperty("")
    params = DictProperty({})
    is_error = BooleanProperty(False)
    is_notice = BooleanProperty(False)
    lang = StringProperty("en")

    def on_sentence(self, *_args: Any) -> None:
        self._redraw()

    def on_params(self, *_args: Any) -> None:
        self._redraw()

    def on_lang(self, *_args: Any) -> None:
        self._redraw()

    def _redraw(self) -> None:
        app = App.get_running_app()
        if not self.sentence or app is None:
            self.text = ""
            return
        self.text = app.localizer._(self.sentence, **self.params)
