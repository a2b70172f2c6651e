""" "Fire now" at the read-back (第8条 ①): by default the first course fires with the send
and the later ones are held until the waiter fires them. Under each course that would be
held, a toggle lets the waiter send it to the kitchen with this send (the guests want the
mains with the cold dishes). Drinks are never held, so they get none.
"""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.properties import NumericProperty
from kivy.uix.togglebutton import ToggleButton

from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.orders.views import CourseGroup, OrderView
from services.serving.courses import held_by_send


class FireNowToggle(ToggleButton):
    course_id = NumericProperty(0)


def held_after_send(screen: Any, order: OrderView) -> set[int]:
    """The courses of this send that the kitchen would not get yet, by the send's own rule
    (services.serving.courses.held_by_send), so the toggles never disagree with it."""
    app = screen.app
    course_ids = [group.seats[0].lines[0].course_id for group in order.read_back()]
    try:
        return set(held_by_send(app.store, app.user.staff_id, order.party_id, course_ids))
    except DomainError:
        return set()


def toggle_for(
    group: CourseGroup, held: set[int], loc: Any, chosen: set[int]
) -> FireNowToggle | None:
    """The toggle under a course that would be held; `chosen` is the screen's set of
    courses to fire now, kept through a redraw (a change of language)."""
    course_id = group.seats[0].lines[0].course_id
    if course_id not in held:
        return None
    toggle = FireNowToggle(
        course_id=course_id,
        size_hint=(None, None),
        size=(dp(560), dp(50)),
        font_size=TYPE.body,
        state="down" if course_id in chosen else "normal",
    )

    def words(*_args: Any) -> None:
        if toggle.state == "down":
            chosen.add(course_id)
        else:
            chosen.discard(course_id)
        name = loc.pick(group.course_name_en, group.course_name_zh)
        toggle.text = (
            loc._("{course}: fire now, with this send", course=name)
            if toggle.state == "down"
            else loc._("{course}: held until you fire it (tap to fire now)", course=name)
        )

    toggle.bind(state=words)
    words()
    return toggle
