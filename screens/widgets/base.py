"""The base every screen builds on: access to the app, and a message line that follows
the language (errors are kept as sentence + fields and translated when shown)."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty, StringProperty
from kivy.uix.screenmanager import Screen

from screens.widgets import stepper
from screens.widgets.bilingual import paired
from services.errors import DomainError
from services.people.sessions import SessionEnded


class TablesideScreen(Screen):
    msg_key = StringProperty("")
    msg_params = DictProperty({})
    msg_is_error = BooleanProperty(False)
    msg_is_notice = BooleanProperty(False)  # neither done nor refused (see `notify`)

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)
        # Steppers' buttons are found under the screen's ids, like the rest of its widgets.
        stepper.lift_ids(self)

    @property
    def app(self) -> Any:
        return App.get_running_app()

    def say(self, sentence: str, **params: Any) -> None:
        self._show(sentence, params, is_error=False)

    def notify(self, sentence: str, **params: Any) -> None:
        """Something the person should know that they did not do: signed out for being
        idle, or elsewhere (a lockout, a PIN reset). Not green: nothing went well."""
        self._show(sentence, params, is_error=False, is_notice=True)

    def fail(self, error: DomainError) -> None:
        if isinstance(error, SessionEnded):
            # Signed out elsewhere (locked out, deactivated): the pad, not a message here.
            self.app.session_ended(error.message)
            return
        self._show(error.message, error.params, is_error=True)

    def _show(
        self, sentence: str, params: dict[str, Any], *, is_error: bool, is_notice: bool = False
    ) -> None:
        # Sentence last: a new sentence must never be drawn with the old one's fields.
        self.msg_key = ""
        self.msg_is_error = is_error
        self.msg_is_notice = is_notice
        # A service's bilingual names ({service} and {service_zh}) shown in one language.
        self.msg_params = paired(params)
        self.msg_key = sentence

    def clear_message(self) -> None:
        self.msg_key = ""
        self.msg_params = {}
        self.msg_is_notice = False

    def on_language(self) -> None:
        """Redraw what Python built from data; kv-bound text follows by itself."""
