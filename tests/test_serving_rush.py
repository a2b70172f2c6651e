"""The waiter rushes a course already cooking (第8条: 如客人赶时间，应通知厨房加快): every open
ticket of it, at every station, comes up RUSH with who asked; tickets ready at the pass
are left alone; a held course is fired instead; a second rush changes nothing. On SQLite
and on PostgreSQL."""

from __future__ import annotations

import pytest

from services.errors import DomainError, NotAllowed
from services.serving.courses import CourseState, CourseView
from services.serving.rushing import RushCourse, rush_course
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def rush(
    serving: Serving, code: str, minute: float, asked_by: str = "", by: str = "W01"
) -> CourseView:
    command = RushCourse(
        party_id=serving.party_id, course_id=serving.course_id(code), asked_by=asked_by
    )
    return rush_course(serving.store, serving.staff[by], command, at=at(minute))


def test_every_open_ticket_of_the_course_comes_up_rush_with_who_asked(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    serving.fire("main", at(20))
    before = serving.board("hot_kitchen", at(21)).tickets
    view = rush(serving, "main", 22, asked_by="客人赶飞机 flight at 2")
    assert view.state == CourseState.FIRED
    hot = serving.ticket("hot_kitchen", at(23), course="main")
    assert hot.rush and hot.rush_by == "客人赶飞机 flight at 2"
    assert hot.version != next(t.version for t in before if t.id == hot.id)
    # Only that course: the cold dishes already cooking are not rushed.
    assert not serving.ticket("cold_kitchen", at(23), course="cold").rush
    event = serving.events("course.rushed")[-1]
    assert event["actor"] == serving.waiter and event["tickets"] == [hot.id]
    assert serving.events("kitchen.ticket_rushed")[-1]["asked_by"] == "客人赶飞机 flight at 2"


def test_blank_who_asked_is_the_waiter_tapping(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    rush(serving, "cold", 8)
    assert serving.ticket("cold_kitchen", at(9), course="cold").rush_by == "张伟 Zhang Wei"


def test_a_ticket_ready_at_the_pass_is_left_alone(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    serving.bump_all("cold", at(8))
    with pytest.raises(DomainError, match="already ready at the pass"):
        rush(serving, "cold", 9)


def test_a_second_rush_changes_nothing_and_refusals_change_nothing(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    rush(serving, "cold", 8)
    before = serving.serving_snapshot()
    rush(serving, "cold", 9, asked_by="again")  # a double tap, or a second waiter
    assert serving.serving_snapshot() == before
    with pytest.raises(DomainError, match="has not been fired yet"):
        rush(serving, "main", 9)
    with pytest.raises(NotAllowed):
        rush(serving, "cold", 9, by="G01")  # the greeter does not rush the kitchen
    assert serving.serving_snapshot() == before
