"""The base every screen builds on: access to the app, and a message line that follows
the language (errors are kept as sentence + fields and translated when shown)."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty, StringProperty
from kivy.uix.screenmanager import Screen

from services.errors import DomainError


class TablesideScreen(Screen):
    msg_key = StringProperty("")
    msg_params = DictProperty({})
    msg_is_error = BooleanProperty(False)

    @property
    def app(self) -> Any:
        return App.get_running_app()

    def say(self, sentence: str, **params: Any) -> None:
        self._show(sentence, params, is_error=False)

    def fail(self, error: DomainError) -> None:
        self._show(error.message, error.params, is_error=True)

    def _show(self, sentence: str, params: dict[str, Any], *, is_error: bool) -> None:
        # Sentence last: a new sentence must never be drawn with the old one's fields.
        self.msg_key = ""
        self.msg_is_error = is_error
        self.msg_params = params
        self.msg_key = sentence

    def clear_message(self) -> None:
        self.msg_key = ""
        self.msg_params = {}

    def on_language(self) -> None:
        """Redraw what Python built from data; kv-bound text follows by itself."""
