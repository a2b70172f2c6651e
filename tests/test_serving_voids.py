"""A void reaches the kitchen only if the kitchen had the dish (第7条 ⑤, 第8条 ①): a line of a
course still held was never on paper or on a screen, so its void prints nothing; a line of
a fired course still gets its void ticket. On SQLite and on PostgreSQL."""

from __future__ import annotations

from services.serving.courses import CourseState
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def _line(serving: Serving, name_start: str) -> int:
    return next(li.id for li in serving.order().lines if li.name_en.startswith(name_start))


def test_a_void_of_a_held_line_prints_nothing_and_no_board_shows_it(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    assert serving.courses()["main"].state == CourseState.HELD
    jobs = serving.jobs()
    view = serving.void(_line(serving, "Mapo tofu"))
    voided = next(li for li in view.lines if li.name_en.startswith("Mapo tofu"))
    assert voided.voided  # struck through on the order all the same, with its reason
    assert serving.jobs() == jobs  # no paper at all: the kitchen never had it
    assert serving.events("order.line_voided")[-1]["print_job"] is None
    assert all(t.station != "hot_kitchen" for t in serving.board(None, at(6)).tickets)
    # Fired later, the course goes without the voided dish.
    serving.fire("main", at(20))
    hot = serving.ticket("hot_kitchen", at(21))
    assert [i.name_en[:9] for i in hot.items] == ["Sichuan b"]
    assert not serving.jobs("void_ticket")


def test_a_void_of_a_fired_line_still_prints_its_void_ticket(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    serving.fire("main", at(20))
    serving.void(_line(serving, "Mapo tofu"))
    voids = serving.jobs("void_ticket")
    assert [(station, doc["lines"][0]["name_en"][:9]) for station, _k, doc in voids] == [
        ("hot_kitchen", "Mapo tofu")
    ]
    assert serving.events("order.line_voided")[-1]["print_job"] is not None


def test_a_void_of_a_first_course_line_prints_at_once(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))  # the cold dishes fire with the send
    serving.void(_line(serving, "Smashed"))
    assert [station for station, _k, _d in serving.jobs("void_ticket")] == ["cold_kitchen"]
