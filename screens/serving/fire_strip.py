"""Firing from the order screen (第8条 ①: dishes go out in a set order): a button for each
held course of the party, the one the app proposes (the course before it was served) in
green. One tap sends that course to its stations. The strip sits in the order's header
line and reads the party's courses again every few seconds while the order is shown.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout

from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.serving.courses import CourseView, FireCourse, fire_course, party_courses

REFRESH_SECONDS = 3
BUTTON_WIDTH = dp(190)


class FireStrip(BoxLayout):
    def __init__(self, screen: Any) -> None:
        super().__init__(size_hint_x=None, width=0, spacing=dp(6))
        self.screen = screen
        self.party_id = 0
        self.courses: list[CourseView] = []
        self._event: Any = None
        screen.app.localizer.bind(lang=lambda *_a: self._draw())

    def show(self, party_id: int) -> None:
        self.party_id = party_id
        self.courses = []
        self.refresh()
        if self._event is not None:
            self._event.cancel()
        self._event = Clock.schedule_interval(self._tick, REFRESH_SECONDS)

    def _tick(self, _dt: float) -> bool | None:
        screen = self.screen
        if screen.manager is None or screen.manager.current != screen.name or screen.app is None:
            self._event = None
            return False
        self.refresh()
        return None

    def refresh(self) -> None:
        app = self.screen.app
        if app is None or app.user is None or not self.party_id:
            return
        try:
            fresh = party_courses(app.store, app.user.staff_id, self.party_id)
        except DomainError:
            fresh = []
        if fresh != self.courses:
            self.courses = fresh
            self._draw()

    def _draw(self) -> None:
        self.clear_widgets()
        app = self.screen.app
        if app is None:
            return
        loc = app.localizer
        held = [c for c in self.courses if c.can_fire]
        for course in held:
            name = loc.pick(course.course_name_en, course.course_name_zh)
            kind = Factory.PrimaryButton if course.proposed else Factory.Button
            button = kind(text=loc._("Fire {course}", course=name), font_size=TYPE.body)
            button.course_id = course.course_id
            button.bind(on_release=lambda _b, c=course: self.fire(c))
            self.add_widget(button)
        self.width = len(held) * (BUTTON_WIDTH + dp(6))

    def fire(self, course: CourseView) -> None:
        app, screen = self.screen.app, self.screen
        name = app.localizer.pick(course.course_name_en, course.course_name_zh)
        try:
            fire_course(
                app.store,
                app.user.staff_id,
                FireCourse(party_id=self.party_id, course_id=course.course_id),
            )
        except DomainError as error:
            screen.fail(error)
            self.refresh()
            return
        screen.say("{course} fired: the kitchen has it.", course=name)
        self.refresh()


def attach(screen: Any) -> FireStrip:
    """Put the strip in the order screen's header line (once), showing this party."""
    strip = screen.ids.get("fire_strip")
    if strip is None:
        strip = FireStrip(screen)
        screen.ids.order_header.parent.add_widget(strip)
        screen.ids["fire_strip"] = strip
    strip.show(int(screen.party_id))
    return strip
