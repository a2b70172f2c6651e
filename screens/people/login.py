"""Sign in: tap your name, then your PIN on the pad."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import NumericProperty, ObjectProperty
from kivy.uix.togglebutton import ToggleButton

from screens.widgets.base import TablesideScreen
from screens.widgets.table_look import person_name
from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.people import staff as staff_service
from services.people.staff import SignIn, StaffCard
from services.permissions import ROLE_WORDS


class StaffButton(ToggleButton):
    staff_id = NumericProperty(0)


class LoginScreen(TablesideScreen):
    selected = ObjectProperty(None, allownone=True)
    _drawn: object = None  # what the people buttons show: (people, language)

    def on_pre_enter(self, *_args: Any) -> None:
        self.selected = None
        self.ids.pad.pin = ""
        notice = self.app.take_notice()
        if notice:
            sentence, params = notice
            self.notify(sentence, **params)
        else:
            self.clear_message()
        self._people = staff_service.staff_for_sign_in(self.app.store)
        self._draw_people()

    def on_language(self) -> None:
        self._draw_people()

    def _draw_people(self) -> None:
        grid = self.ids.people
        people = tuple(getattr(self, "_people", ()))
        # The same people in the same language (every sign-out comes back here): the
        # buttons stay, only the one held down is let go.
        key = (people, self.app.localizer.lang)
        if key == self._drawn:
            for button in grid.children:
                chosen = self.selected is not None and self.selected.id == button.staff_id
                button.state = "down" if chosen else "normal"
            return
        self._drawn = key
        grid.clear_widgets()
        tr = self.app.localizer._
        for person in people:
            roles = " · ".join(tr(ROLE_WORDS[role]) for role in person.roles)
            button = StaffButton(
                text=f"[b]{person_name(person.name)}[/b]\n{person.number}  {roles}",
                markup=True,
                group="staff",
                allow_no_selection=False,
                staff_id=person.id,
                size_hint_y=None,
                height=dp(88),
                font_size=TYPE.body,
                state="down" if self.selected and self.selected.id == person.id else "normal",
            )
            button.bind(on_release=lambda b, p=person: self.choose(p))
            grid.add_widget(button)

    def choose(self, person: StaffCard) -> None:
        self.selected = person
        self.ids.pad.pin = ""
        self.clear_message()

    def submit(self, pin: str) -> None:
        if self.selected is None:
            self.fail(DomainError("Tap your name first."))
            return
        try:
            user = staff_service.sign_in(self.app.store, SignIn(staff_id=self.selected.id, pin=pin))
        except DomainError as error:
            self.fail(error)
            return
        self.app.signed_in(user)
