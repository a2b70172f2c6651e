"""The kitchen screens (第8条 ①: 按顺序，不插队), on SQLite and on PostgreSQL: tickets in turn,
a rush the only way up; bumps, recalls, voids struck through, a moved party's new table;
two screens bumping one ticket give one "ready"; a stale screen is refused."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select

from db.store import Store
from models import StationTicket
from services.errors import Conflict, DomainError, NotAllowed
from services.floor.table_changes import MoveParty, transfer_party
from services.serving.courses import CourseState
from services.serving.kitchen import (
    BumpItem,
    BumpTicket,
    RecallTicket,
    RushTicket,
    bump_item,
    bump_ticket,
    kitchen_board,
    kitchen_marker,
    recall_ticket,
    rush_ticket,
)
from services.serving.station_times import SetStationTimes, set_station_times
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def _race(*actions: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except Exception as exc:  # kept, to assert on
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _second_party(serving: Serving, table: str, when_min: float) -> int:
    """Another party at another hall table orders a cold dish."""
    party = serving.floor.seat(2, table).party_id
    first = serving.party_id
    serving.party_id = party
    serving.add("smashed_cucumber")
    serving.send_at(at(when_min))
    serving.party_id = first
    return party


def test_tickets_come_in_turn_and_only_a_rush_moves_one_up(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    second = _second_party(serving, "2", 6)
    third = _second_party(serving, "3", 7)
    board = serving.board("cold_kitchen", at(8))
    assert [t.party_id for t in board.tickets] == [serving.party_id, second, third]
    assert not any(t.rush for t in board.tickets)

    rushed = rush_ticket(
        serving.store,
        serving.waiter,
        RushTicket(ticket_id=board.tickets[2].id, asked_by="客人赶飞机 guests have a flight"),
        at=at(9),
    )
    assert rushed.rush and rushed.rush_by == "客人赶飞机 guests have a flight"
    board = serving.board("cold_kitchen", at(10))
    assert [t.party_id for t in board.tickets] == [third, serving.party_id, second]
    event = serving.events("kitchen.ticket_rushed")[-1]
    assert event["actor"] == serving.waiter and event["asked_by"].startswith("客人赶飞机")


def test_a_ticket_shows_what_the_cooks_need(serving: Serving) -> None:
    serving.add("smashed_cucumber", quantity=2, note="no garlic")
    serving.add(
        "sichuan_boiled_fish", seat=3, modifier_ids=(serving.modifiers[("spice_level", "mild")],)
    )
    serving.send_at(at(5), fire_now=("main",))
    hot = serving.ticket("hot_kitchen", at(16))
    assert hot.table_label == "1" and hot.guests == 4 and hot.moved_from == ""
    assert hot.order_ref == f"{serving.party_id}-1" and hot.course_name_zh == "热菜"
    (fish,) = hot.items
    assert fish.seat == 3 and fish.hot and fish.choices == ["Mild 微辣"]
    assert fish.choice_names == [("Mild", "微辣")]  # a screen shows the reader's one
    assert "fish" in fish.allergens and not fish.voided and not fish.ready
    assert hot.age_seconds == 11 * 60 and hot.age_level == "amber"  # 10 min by default
    assert serving.ticket("hot_kitchen", at(26)).age_level == "red"  # 20 min by default
    cold = serving.ticket("cold_kitchen", at(6))
    assert cold.items[0].quantity == 2 and cold.items[0].note == "no garlic"
    assert cold.age_level == "ok"
    set_station_times(
        serving.store,
        serving.floor.supervisor,
        SetStationTimes(station="cold_kitchen", amber_minutes=1, red_minutes=3),
    )
    assert serving.ticket("cold_kitchen", at(7)).age_level == "amber"
    assert serving.ticket("cold_kitchen", at(9)).age_level == "red"


def test_bumping_items_then_the_ticket_makes_the_course_ready(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.add("mouth_watering_chicken")
    serving.send_at(at(5))
    ticket = serving.ticket("cold_kitchen", at(6))
    board = serving.board("cold_kitchen", at(6))
    assert ("Smashed cucumber with garlic", "蒜泥拍黄瓜", 1) in board.all_day
    first = ticket.items[0]
    after = bump_item(
        serving.store,
        serving.kitchen,
        BumpItem(ticket_id=ticket.id, line_id=first.line_id, seen_version=ticket.version),
        at=at(8),
    )
    assert after.items[0].ready and not after.items[1].ready and after.bumped_at is None
    assert serving.courses()["cold"].state == CourseState.FIRED
    assert len(serving.board("cold_kitchen", at(8)).all_day) == 1
    done = bump_item(
        serving.store,
        serving.kitchen,
        BumpItem(ticket_id=ticket.id, line_id=after.items[1].line_id, seen_version=after.version),
        at=at(9),
    )
    assert done.bumped_at == at(9)
    assert serving.courses()["cold"].state == CourseState.READY
    board = serving.board("cold_kitchen", at(10))
    assert (
        board.tickets == [] and board.all_day == [] and [t.id for t in board.recent] == [ticket.id]
    )


def test_a_recall_brings_a_bumped_ticket_back_and_is_logged(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    ticket = serving.ticket("cold_kitchen", at(6))
    before = serving.serving_snapshot()
    with pytest.raises(DomainError, match="never bumped"):
        recall_ticket(serving.store, serving.kitchen, RecallTicket(ticket_id=ticket.id), at=at(7))
    assert serving.serving_snapshot() == before
    serving.bump_all("cold", at(8))
    assert serving.courses()["cold"].state == CourseState.READY
    back = recall_ticket(
        serving.store, serving.kitchen, RecallTicket(ticket_id=ticket.id), at=at(9)
    )
    assert back.bumped_at is None and not any(i.ready for i in back.items)
    assert serving.courses()["cold"].state == CourseState.FIRED
    assert [t.id for t in serving.board("cold_kitchen", at(9)).tickets] == [ticket.id]
    assert serving.events("kitchen.ticket_recalled")[-1]["actor"] == serving.kitchen


def test_a_void_arrives_struck_through_and_a_stale_screen_is_refused(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.add("mouth_watering_chicken")
    serving.send_at(at(5))
    seen = serving.ticket("cold_kitchen", at(6))
    marker = kitchen_marker(serving.store)
    serving.void(seen.items[1].line_id)
    assert kitchen_marker(serving.store) != marker
    now = serving.ticket("cold_kitchen", at(7))
    assert [i.voided for i in now.items] == [False, True] and now.version != seen.version
    assert serving.board("cold_kitchen", at(7)).all_day == [
        ("Smashed cucumber with garlic", "蒜泥拍黄瓜", 1)
    ]
    before = serving.serving_snapshot()
    with pytest.raises(Conflict, match="changed on another screen"):
        bump_ticket(
            serving.store,
            serving.kitchen,
            BumpTicket(ticket_id=seen.id, seen_version=seen.version),
            at=at(8),
        )
    with pytest.raises(DomainError, match="voided"):
        bump_item(
            serving.store,
            serving.kitchen,
            BumpItem(ticket_id=now.id, line_id=now.items[1].line_id, seen_version=now.version),
            at=at(8),
        )
    assert serving.serving_snapshot() == before
    done = bump_item(
        serving.store,
        serving.kitchen,
        BumpItem(ticket_id=now.id, line_id=now.items[0].line_id, seen_version=now.version),
        at=at(9),
    )
    assert done.bumped_at == at(9)  # the voided dish is not waited for


def test_a_moved_party_shows_its_new_table(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    marker = kitchen_marker(serving.store)
    transfer_party(
        serving.store,
        serving.waiter,
        MoveParty(party_id=serving.party_id, table_ids=[serving.floor.tables["4"]]),
        at=at(6),
    )
    assert kitchen_marker(serving.store) != marker
    ticket = serving.ticket("cold_kitchen", at(7))
    assert ticket.table_label == "4" and ticket.moved_from == "1"
    assert serving.events("kitchen.party_moved")[-1]["tickets"] == [ticket.id]


def test_showing_a_board_marks_tickets_once_and_never_makes_a_second_ticket(
    serving: Serving,
) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    marker = kitchen_marker(serving.store)
    for minute in (6, 7, 8):
        serving.board("cold_kitchen", at(minute))
        serving.board(None, at(minute))
    with serving.store.read() as s:
        rows = s.execute(select(StationTicket.shown_at)).all()
        assert rows == [(at(6),)]
        assert s.scalar(select(func.count()).select_from(StationTicket)) == 1
    assert kitchen_marker(serving.store) == marker  # showing is not a change to redraw for


def test_the_pass_sees_every_station_and_a_waiter_sees_no_board(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5), fire_now=("main",))
    stations = [t.station for t in serving.board(None, at(6)).tickets]
    assert sorted(stations) == ["bar", "cold_kitchen", "hot_kitchen"]
    with pytest.raises(NotAllowed):
        kitchen_board(serving.store, serving.waiter, None, at=at(6))
    with pytest.raises(DomainError, match="no station called"):
        serving.board("laundry", at(6))


def test_two_kitchen_screens_bumping_one_ticket_give_one_ready(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    ticket = serving.ticket("cold_kitchen", at(6))
    other = Store(serving.store.url)
    try:
        command = BumpTicket(ticket_id=ticket.id, seen_version=ticket.version)
        results = _race(
            lambda: bump_ticket(serving.store, serving.kitchen, command, at=at(8)),
            lambda: bump_ticket(other, serving.kitchen, command, at=at(8)),
        )
    finally:
        other.dispose()
    assert all(not isinstance(r, Exception) for r in results), results
    assert all(r.bumped_at == at(8) for r in results)
    assert len(serving.events("kitchen.ticket_ready")) == 1
    assert serving.courses()["cold"].state == CourseState.READY


def test_two_cooks_bumping_two_dishes_of_one_ticket_at_once_both_count(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.add("jasmine_tea")
    serving.add("mapo_tofu", modifier_ids=(serving.modifiers[("spice_level", "hot")],))
    serving.add("sichuan_boiled_fish", modifier_ids=(serving.modifiers[("spice_level", "hot")],))
    serving.send_at(at(5), fire_now=("main",))
    hot = serving.ticket("hot_kitchen", at(6))
    other = Store(serving.store.url)
    try:
        results = _race(
            lambda: bump_item(
                serving.store,
                serving.kitchen,
                BumpItem(ticket_id=hot.id, line_id=hot.items[0].line_id, seen_version=hot.version),
                at=at(8),
            ),
            lambda: bump_item(
                other,
                serving.kitchen,
                BumpItem(ticket_id=hot.id, line_id=hot.items[1].line_id, seen_version=hot.version),
                at=at(8),
            ),
        )
    finally:
        other.dispose()
    # Each cook's dish is ready; the second one made the ticket, and the course, ready once.
    assert all(not isinstance(r, Exception) for r in results), results
    assert serving.ticket_state(hot.id) == (at(8), 2)
    assert len(serving.events("kitchen.ticket_ready")) == 1
    assert serving.courses()["main"].state == CourseState.READY


def _statements(serving: Serving, action: Callable[[], Any]) -> int:
    count = 0

    def counted(*_args: Any) -> None:
        nonlocal count
        count += 1

    event.listen(serving.store.engine, "before_cursor_execute", counted)
    try:
        action()
    finally:
        event.remove(serving.store.engine, "before_cursor_execute", counted)
    return count


def test_a_board_costs_the_same_few_statements_for_one_ticket_or_many(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    serving.board(None, at(6))  # shown: later polls write nothing
    one = _statements(serving, lambda: serving.board(None, at(7)))
    for table, minute in (("2", 8), ("3", 9), ("4", 10)):
        _second_party(serving, table, minute)
    serving.board(None, at(11))
    many = _statements(serving, lambda: serving.board(None, at(12)))
    assert many == one and one <= 12
    assert _statements(serving, lambda: kitchen_marker(serving.store)) <= 3


def test_a_send_or_a_firing_asked_as_rush_comes_up_marked_with_who_asked(
    serving: Serving,
) -> None:
    _second_party(serving, "2", 4)
    serving.lunch_for_four()
    serving.send_at(at(5), rush=True)
    cold = serving.board("cold_kitchen", at(6)).tickets
    assert cold[0].party_id == serving.party_id and cold[0].rush
    assert cold[0].rush_by == "张伟 Zhang Wei"
    serving.fire("main", at(7), rush=True)
    hot = serving.ticket("hot_kitchen", at(8))
    assert hot.rush and hot.rush_by == "张伟 Zhang Wei"
    papers = [j for j in serving.jobs("kitchen_ticket") if j[0] == "hot_kitchen"]
    assert papers[-1][2]["rush"]
