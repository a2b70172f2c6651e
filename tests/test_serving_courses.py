"""Courses held, fired, ready and served (第8条 ①), on SQLite and on PostgreSQL: the first
course fires with the send and later ones wait; the waiter fires the next one; only legal
steps are taken, and a refusal changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import PartyStage, PrintJob
from services.errors import DomainError, NotAllowed
from services.floor.seating import advance_party
from services.orders.sending import LineSeen, SendOrder, send_order
from services.serving.courses import CourseState, held_by_send
from tests.order_support import new_id
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def test_the_first_course_fires_with_the_send_and_later_courses_are_held(
    serving: Serving,
) -> None:
    serving.lunch_for_four()
    sent = serving.send_at(at(5))
    # Drinks are poured at once; the cold dishes are the first course; the rest wait.
    assert set(sent.print_jobs) == {"cashier", "bar", "cold_kitchen"}
    courses = serving.courses()
    assert [c.course_code for c in courses.values()] == ["drinks", "cold", "main", "dessert"]
    assert courses["drinks"].state == CourseState.FIRED
    assert courses["cold"].state == CourseState.FIRED and courses["cold"].fired_at == at(5)
    assert courses["main"].state == CourseState.HELD and courses["main"].can_fire
    assert not courses["main"].proposed  # the cold dishes are not served yet
    assert courses["main"].hot and courses["main"].lines == 2  # 水煮鱼 is marked hot
    assert not courses["cold"].hot
    # The slip for the cashier still lists every dish.
    with serving.store.read() as s:
        slip = json.loads(
            s.scalar(select(PrintJob.payload).where(PrintJob.id == sent.print_jobs["cashier"]))
            or "{}"
        )
    assert len(slip["lines"]) == 5
    assert {t.station for t in serving.board(None, at(6)).tickets} == {"bar", "cold_kitchen"}


def test_the_waiter_fires_the_next_course_and_its_station_gets_ticket_and_paper(
    serving: Serving,
) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    fired = serving.fire("main", at(20))
    assert fired.state == CourseState.FIRED and fired.fired_at == at(20) and not fired.can_fire
    hot = serving.ticket("hot_kitchen", at(21))
    assert [i.name_en[:9] for i in hot.items] == ["Mapo tofu", "Sichuan b"]
    assert [i.hot for i in hot.items] == [False, True]
    assert hot.sent_by == "张伟 Zhang Wei" and hot.fired_at == at(20)
    papers = [j for j in serving.jobs("kitchen_ticket") if j[0] == "hot_kitchen"]
    assert len(papers) == 1 and len(papers[0][2]["lines"]) == 2
    event = serving.events("course.fired")[-1]
    assert event["actor"] == serving.waiter and event["course"] == "main"


def test_fire_now_at_the_send(serving: Serving) -> None:
    serving.lunch_for_four()
    sent = serving.send_at(at(5), fire_now=("main",))
    assert set(sent.print_jobs) == {"cashier", "bar", "cold_kitchen", "hot_kitchen"}
    courses = serving.courses()
    assert courses["main"].state == CourseState.FIRED
    assert courses["dessert"].state == CourseState.HELD


def test_refusals_say_why_and_change_nothing(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    before = serving.serving_snapshot()
    with pytest.raises(DomainError, match="has not been fired yet"):
        serving.serve("main", at(6))
    with pytest.raises(DomainError, match="not ready at the pass yet"):
        serving.serve("cold", at(6))
    with pytest.raises(DomainError, match="already been fired"):
        serving.fire("cold", at(6))
    with pytest.raises(NotAllowed):
        serving.fire("main", at(6), by="G01")  # a greeter does not fire courses
    with pytest.raises(NotAllowed):
        serving.serve("cold", at(6), by="K01")  # the kitchen does not serve at the table
    assert serving.serving_snapshot() == before


def test_firing_twice_is_refused_and_prints_once(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    serving.fire("main", at(20))
    before = serving.serving_snapshot()
    with pytest.raises(DomainError, match="already been fired"):
        serving.fire("main", at(20))  # a double tap
    assert serving.serving_snapshot() == before


def test_a_paid_party_fires_nothing(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    with serving.store.write() as s:
        advance_party(s, serving.party_id, PartyStage.PAID, actor_id=serving.staff["S01"])
    before = serving.serving_snapshot()
    with pytest.raises(DomainError, match="has paid"):
        serving.fire("main", at(30))
    assert serving.serving_snapshot() == before


def test_the_first_course_served_moves_the_party_to_eating_and_proposes_the_next(
    serving: Serving,
) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    assert serving.stage() == PartyStage.ORDERED
    serving.bump_all("cold", at(12))
    assert serving.courses()["cold"].state == CourseState.READY
    assert serving.courses()["cold"].can_serve
    served = serving.serve("cold", at(14))
    assert served.state == CourseState.SERVED and served.served_at == at(14)
    assert serving.stage() == PartyStage.EATING
    courses = serving.courses()
    assert courses["main"].proposed and not courses["dessert"].proposed
    with pytest.raises(DomainError, match="already been served"):
        serving.serve("cold", at(15))


def test_a_party_goes_from_seated_to_eating_with_every_course_served(serving: Serving) -> None:
    assert serving.stage() == PartyStage.SEATED
    serving.lunch_for_four()
    serving.send_at(at(5))
    for n, code in enumerate(("drinks", "cold", "main", "dessert")):
        if serving.courses()[code].state == CourseState.HELD:
            assert serving.courses()[code].proposed
            serving.fire(code, at(10 + n * 10))
        serving.bump_all(code, at(15 + n * 10))
        serving.serve(code, at(17 + n * 10))
    courses = serving.courses()
    assert all(c.state == CourseState.SERVED for c in courses.values())
    assert serving.stage() == PartyStage.EATING
    steps = [e["action"] for e in serving.events("course.")]
    assert steps.count("course.served") == 4 and steps.count("course.fired") == 2
    assert len(serving.events("kitchen.ticket_ready")) == 4  # each course at one station
    advanced = [e for e in serving.events("party.advanced") if e["stage"] == "eating"]
    assert len(advanced) == 1 and advanced[0]["actor"] == serving.waiter


def test_lines_added_to_a_course_already_fired_go_straight_to_the_station(
    serving: Serving,
) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    serving.add("smashed_cucumber", seat=2)
    serving.send_at(at(8))
    cold = [t for t in serving.board("cold_kitchen", at(9)).tickets]
    assert len(cold) == 2 and [t.order_ref[-2:] for t in cold] == ["-1", "-2"]
    assert serving.courses()["cold"].state == CourseState.FIRED


def test_a_retried_send_makes_no_second_ticket(serving: Serving) -> None:
    serving.lunch_for_four()
    view = serving.order()
    command = SendOrder(
        client_send_id=new_id(),
        party_id=serving.party_id,
        lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
    )
    first = send_order(serving.store, serving.waiter, command, at=at(5))
    before = serving.serving_snapshot()
    again = send_order(serving.store, serving.waiter, command, at=at(5))  # a double tap
    assert again.repeated and again.print_jobs == first.print_jobs
    assert serving.serving_snapshot() == before
    assert len(serving.board(None, at(6)).tickets) == 2  # the bar and the cold kitchen


def test_the_read_back_learns_which_courses_a_send_would_hold(serving: Serving) -> None:
    serving.lunch_for_four()
    ids = {c: serving.course_id(c) for c in ("drinks", "cold", "main", "dessert")}
    sending = [li.course_id for li in serving.order().new_lines]
    held = held_by_send(serving.store, serving.waiter, serving.party_id, sending)
    assert sorted(held) == sorted([ids["main"], ids["dessert"]])
    fire_main = held_by_send(
        serving.store, serving.waiter, serving.party_id, sending, fire_now=[ids["main"]]
    )
    assert fire_main == [ids["dessert"]]
    serving.send_at(at(5), fire_now=("main",))
    states = {code: c.state for code, c in serving.courses().items()}
    assert [code for code, state in states.items() if state == CourseState.HELD] == ["dessert"]
    # Later: a second cold dish goes straight to the cold kitchen, a staple waits.
    serving.add("smashed_cucumber", seat=2)
    serving.add("steamed_rice", seat=1)
    sending = [li.course_id for li in serving.order().new_lines]
    assert held_by_send(serving.store, serving.waiter, serving.party_id, sending) == [
        serving.course_id("staple")
    ]
