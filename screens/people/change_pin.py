"""Change my PIN: current PIN, new PIN, new PIN again, on one large pad."""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty

from screens.widgets.base import TablesideScreen
from services.errors import DomainError
from services.i18n import N_
from services.people import staff as staff_service
from services.people.staff import ChangePin

STEPS = (N_("Enter your current PIN"), N_("Enter the new PIN"), N_("Enter the new PIN again"))


class ChangePinScreen(TablesideScreen):
    step = NumericProperty(0)

    def on_pre_enter(self, *_args: Any) -> None:
        self._entered: list[str] = []
        self.step = 0
        self.ids.pad.pin = ""
        self.clear_message()

    def submit(self, pin: str) -> None:
        self._entered.append(pin)
        if len(self._entered) < len(STEPS):
            self.step = len(self._entered)
            return
        current, new, repeated = self._entered
        self._entered = []
        self.step = 0
        try:
            command = ChangePin(current_pin=current, new_pin=new, repeated_pin=repeated)
            staff_service.change_own_pin(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.say("Your PIN was changed.")
