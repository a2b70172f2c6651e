"""Staff, for a manager: everyone on the team on the left; on the right, a new person's
form or the chosen person's roles, a PIN reset, lifting a lockout, deactivating someone who
has left. Every change asks for the manager's own PIN (services/people/management.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.togglebutton import ToggleButton

from screens.widgets import theme
from screens.widgets.base import TablesideScreen
from screens.widgets.table_look import person_name
from services.errors import Conflict, DomainError
from services.people import management
from services.people.management import (
    AddPerson,
    Deactivate,
    LiftLockout,
    ResetPin,
    SetRoles,
    StaffLine,
)
from services.permissions import ROLE_WORDS, Role


class PersonButton(Button):
    staff_id = NumericProperty(0)
    active = BooleanProperty(True)


class RoleButton(ToggleButton):
    role = StringProperty("")


class StaffScreen(TablesideScreen):
    chosen_id = NumericProperty(0)  # 0: adding a new person
    chosen_active = BooleanProperty(True)
    chosen_locked = BooleanProperty(False)
    form_title = StringProperty("")
    state_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.people: list[StaffLine] = []

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.chosen_id = 0
        self._clear_fields()
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        try:
            self.people = management.staff_list(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    def _chosen(self) -> StaffLine | None:
        return next((p for p in self.people if p.id == self.chosen_id), None)

    # -- drawing ------------------------------------------------------------------------------

    def _role_words(self, roles: tuple[Role, ...]) -> str:
        tr = self.app.localizer._
        return " · ".join(tr(ROLE_WORDS[r]) for r in roles)

    def _person_text(self, person: StaffLine) -> str:
        tr = self.app.localizer._
        text = f"{person.number} · {person_name(person.name)}\n{self._role_words(person.roles)}"
        if not person.active:
            text += " · " + tr("has left")
        elif person.locked:
            text += " · " + tr("LOCKED OUT")
        return text

    def _draw(self) -> None:
        tr = self.app.localizer._
        box = self.ids.people
        box.clear_widgets()
        for person in self.people:
            button = PersonButton(
                text=self._person_text(person), staff_id=person.id, active=person.active
            )
            if person.id == self.chosen_id:
                button.background_color = theme.SELECTED
            button.bind(on_release=lambda b: self.choose(int(b.staff_id)))
            box.add_widget(button)
        chosen = self._chosen()
        if chosen is None:
            self.chosen_id = 0
        self.chosen_active = chosen.active if chosen else True
        self.chosen_locked = bool(chosen and (chosen.locked or chosen.approvals_locked))
        if chosen is None:
            self.form_title = tr("A new person")
            self.state_text = tr('They change this first PIN with "Change my PIN".')
        else:
            self.form_title = f"{chosen.number} · {chosen.name}"
            if not chosen.active:
                self.state_text = tr("Has left: can no longer sign in.")
            elif chosen.locked:
                self.state_text = tr("Locked out after too many wrong PINs.")
            elif chosen.approvals_locked:
                self.state_text = tr("Approvals locked after too many wrong manager PINs.")
            else:
                self.state_text = tr("Can sign in.")
        self._draw_roles(chosen)

    def _draw_roles(self, chosen: StaffLine | None) -> None:
        tr = self.app.localizer._
        grid = self.ids.roles
        was = {b.role for b in grid.children if b.state == "down"}
        has = {r.value for r in chosen.roles} if chosen else was
        grid.clear_widgets()
        for role in Role:
            grid.add_widget(
                RoleButton(
                    text=tr(ROLE_WORDS[role]),
                    role=role.value,
                    state="down" if role.value in has else "normal",
                    size_hint_y=None,
                    height=dp(56),
                )
            )

    def _clear_fields(self) -> None:
        for field in ("number", "name", "pin", "manager_pin"):
            self.ids[field].text = ""
        for button in self.ids.roles.children:
            button.state = "normal"

    # -- what the manager does ----------------------------------------------------------------

    def choose(self, staff_id: int | None) -> None:
        self.clear_message()
        self.chosen_id = staff_id or 0
        self._clear_fields()
        chosen = self._chosen()
        if chosen is not None:
            self.ids.number.text = chosen.number
            self.ids.name.text = chosen.name
        self._draw()

    def _roles(self) -> list[str]:
        return [b.role for b in reversed(self.ids.roles.children) if b.state == "down"]

    def _manager_pin(self) -> str:
        pin, self.ids.manager_pin.text = self.ids.manager_pin.text, ""
        return pin

    def _do(self, act: Callable[[], StaffLine]) -> StaffLine | None:
        """The change, then the list as the store has it now; the caller says what was done."""
        try:
            done = act()
        except DomainError as error:
            if isinstance(error, Conflict):  # another tablet changed them: show it as it is
                self.reload()
            self.fail(error)
            return None
        self.ids.pin.text = ""
        self.chosen_id = done.id
        self.reload()
        self.ids.number.text, self.ids.name.text = done.number, done.name
        return done

    def add(self) -> None:
        store, me = self.app.store, self.app.user.staff_id
        fields = {
            "number": self.ids.number.text,
            "name": self.ids.name.text,
            "roles": self._roles(),
            "pin": self.ids.pin.text,
            "manager_pin": self._manager_pin(),
        }
        done = self._do(lambda: management.add_person(store, me, AddPerson(**fields)))
        if done is not None:
            self.say("{name} was added and can sign in now.", name=done.name)

    def save_roles(self) -> None:
        chosen, store, me = self._chosen(), self.app.store, self.app.user.staff_id
        if chosen is None:
            return
        command = {"roles": self._roles(), "manager_pin": self._manager_pin()}
        done = self._do(
            lambda: management.set_roles(
                store, me, SetRoles(staff_id=chosen.id, version=chosen.version, **command)
            )
        )
        if done is not None:
            self.say("The roles of {name} were saved.", name=done.name)

    def reset_pin(self) -> None:
        chosen, store, me = self._chosen(), self.app.store, self.app.user.staff_id
        if chosen is None:
            return
        command = {"pin": self.ids.pin.text, "manager_pin": self._manager_pin()}
        done = self._do(
            lambda: management.reset_pin(
                store, me, ResetPin(staff_id=chosen.id, version=chosen.version, **command)
            )
        )
        if done is not None:
            self.say("The PIN of {name} was reset; any lockout is lifted.", name=done.name)

    def lift_lockout(self) -> None:
        chosen, store, me = self._chosen(), self.app.store, self.app.user.staff_id
        if chosen is None:
            return
        pin = self._manager_pin()
        done = self._do(
            lambda: management.lift_lockout(
                store, me, LiftLockout(staff_id=chosen.id, version=chosen.version, manager_pin=pin)
            )
        )
        if done is not None:
            self.say("{name} may sign in again.", name=done.name)

    def deactivate(self) -> None:
        chosen, store, me = self._chosen(), self.app.store, self.app.user.staff_id
        if chosen is None:
            return
        pin = self._manager_pin()
        done = self._do(
            lambda: management.deactivate(
                store, me, Deactivate(staff_id=chosen.id, version=chosen.version, manager_pin=pin)
            )
        )
        if done is not None:
            self.say(
                "{name} was deactivated: they can no longer sign in; their records stay.",
                name=done.name,
            )
