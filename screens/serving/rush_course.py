"""The waiter's rush from "My tables" (第8条: 如客人赶时间，应通知厨房加快): a course already
cooking is rushed at every station that cooks it. A short dialog asks who asked (the guest's
words, or blank for the waiter tapping), then the service marks every open ticket RUSH."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.uix.popup import Popup

from services.errors import DomainError
from services.serving.courses import CourseView
from services.serving.rushing import RushCourse, rush_course

RULES = Path(__file__).with_suffix(".kv")


class RushCoursePopup(Popup):
    def __init__(self, screen: Any, table_label: str, course: CourseView) -> None:
        # The dialog's rules sit beside it; the app unloads them when it stops.
        App.get_running_app()._load_kv(RULES)
        loc = screen.app.localizer
        self.course_name = str(loc.pick(course.course_name_en, course.course_name_zh))
        super().__init__(
            title=loc._(
                "Rush {course} at table {table}: the guests are in a hurry",
                course=self.course_name,
                table=table_label,
            )
        )
        self.screen = screen
        self.table_label = table_label
        self.course = course

    def rush(self) -> None:
        screen = self.screen
        command = RushCourse(
            party_id=self.course.party_id,
            course_id=self.course.course_id,
            asked_by=self.ids.who.text.strip(),
        )
        self.dismiss(animation=False)
        try:
            rush_course(screen.app.store, screen.app.user.staff_id, command)
        except DomainError as error:
            screen.fail(error)
            screen.refresh()
            return
        screen.say(
            "Table {table}: {course} rushed, the kitchen has it on top.",
            table=self.table_label,
            course=self.course_name,
        )
        screen.refresh()


def open_rush(screen: Any, table_label: str, course: CourseView) -> RushCoursePopup:
    popup = RushCoursePopup(screen, table_label, course)
    popup.open(animation=False)
    return popup
