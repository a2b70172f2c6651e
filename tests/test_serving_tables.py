"""The waiter's tables by what needs them (第6条, 第8条), on SQLite and on PostgreSQL: a
course ready first, then the next course to fire, a bill asked for, drinks, a visit, a high
chair, a table just seated; a ticket that reached no screen and no paper warns the waiter
and the supervisor; one tap marks a refill or a visit done. And the service timings."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from models import PartyStage, PrintJob, PrintState, ServicePeriod
from services.errors import DomainError, NotAllowed
from services.floor.seating import advance_party
from services.serving.tables import (
    MarkDone,
    NeedKind,
    mark_done,
    tables_by_need,
    waiter_alerts,
)
from services.serving.timings import service_timings
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def _kinds(serving: Serving, minute: float, waiter: int | None = None) -> list[NeedKind]:
    tables = tables_by_need(serving.store, waiter or serving.waiter, at=at(minute))
    table = next(t for t in tables if t.party_id == serving.party_id)
    return [n.kind for n in table.needs]


def test_a_table_just_seated_asks_for_a_visit_and_one_tap_clears_it(serving: Serving) -> None:
    assert _kinds(serving, 1) == [NeedKind.JUST_SEATED]
    alerts = waiter_alerts(serving.store, serving.waiter, since=at(-1), at=at(1))
    assert [t.party_id for t in alerts] == [serving.party_id]
    assert waiter_alerts(serving.store, serving.waiter, since=at(0.5), at=at(1)) == []
    table = mark_done(
        serving.store, serving.waiter, MarkDone(party_id=serving.party_id, kind="visit"), at=at(2)
    )
    assert table.needs == [] and table.table_label == "1" and table.guests == 4
    assert serving.events("table.visit")[-1]["actor"] == serving.waiter


def test_a_high_chair_asked_for_stays_until_brought(serving: Serving) -> None:
    party = serving.floor.seat(3, "2", children=1, high_chair=True).party_id
    serving.party_id = party
    assert NeedKind.HIGH_CHAIR in _kinds(serving, 1)
    mark_done(serving.store, serving.waiter, MarkDone(party_id=party, kind="high_chair"), at=at(2))
    assert NeedKind.HIGH_CHAIR not in _kinds(serving, 3)


def test_a_course_ready_comes_first_then_the_next_course_to_fire(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    assert _kinds(serving, 6) == []
    serving.bump_all("cold", at(12))
    tables = tables_by_need(serving.store, serving.waiter, at=at(12))
    ready = tables[0].needs[0]
    assert ready.kind == NeedKind.COURSE_READY and ready.since == at(12)
    assert ready.course_name_en == "Cold dishes" and not ready.hot
    assert [t.party_id for t in waiter_alerts(serving.store, serving.waiter, at(11), at(12))] == [
        serving.party_id
    ]
    serving.serve("cold", at(13))
    needs = tables_by_need(serving.store, serving.waiter, at=at(14))[0].needs
    assert [n.kind for n in needs] == [NeedKind.FIRE_NEXT]
    assert needs[0].course_name_en == "Mains" and needs[0].hot and needs[0].since == at(13)
    serving.fire("main", at(14))
    serving.bump_all("main", at(30))
    hot = tables_by_need(serving.store, serving.waiter, at=at(30))[0].needs[0]
    assert hot.kind == NeedKind.COURSE_READY and hot.hot  # 第8条 ⑦: warn the guests


def test_drinks_and_visits_come_due_after_their_set_times(serving: Serving) -> None:
    serving.add("jasmine_tea")
    serving.send_at(at(1))
    # The tea reached the bar's screen: it is delivered.
    serving.board("bar", at(1.5))
    assert _kinds(serving, 9) == []
    assert _kinds(serving, 12) == [NeedKind.VISIT]  # ten minutes without anyone at the table
    assert _kinds(serving, 16) == [NeedKind.REFILL, NeedKind.VISIT]
    mark_done(
        serving.store, serving.waiter, MarkDone(party_id=serving.party_id, kind="refill"), at=at(16)
    )
    mark_done(
        serving.store, serving.waiter, MarkDone(party_id=serving.party_id, kind="visit"), at=at(16)
    )
    assert _kinds(serving, 17) == []


def test_a_bill_asked_for_is_a_need(serving: Serving) -> None:
    serving.add("jasmine_tea")
    serving.send_at(at(1))
    serving.board("bar", at(1.5))
    with serving.store.write() as s:
        advance_party(s, serving.party_id, PartyStage.BILL_REQUESTED, actor_id=serving.waiter)
    assert _kinds(serving, 5) == [NeedKind.BILL_REQUESTED]


def test_a_ticket_no_screen_showed_and_no_printer_printed_warns_waiter_and_supervisor(
    serving: Serving,
) -> None:
    serving.add("smashed_cucumber")
    serving.add("jasmine_tea")
    serving.send_at(at(1))
    assert NeedKind.NOT_DELIVERED not in _kinds(serving, 2)
    kinds = _kinds(serving, 4)
    assert kinds[0] == NeedKind.NOT_DELIVERED and kinds.count(NeedKind.NOT_DELIVERED) == 2
    assert _kinds(serving, 4, waiter=serving.floor.supervisor)[0] == NeedKind.NOT_DELIVERED
    # The bar printed its paper; the cold kitchen's screen shows its ticket.
    with serving.store.write() as s:
        job = s.get(PrintJob, serving.ticket_print_job("bar"))
        assert job is not None
        job.state = PrintState.PRINTED.value
    assert _kinds(serving, 4).count(NeedKind.NOT_DELIVERED) == 1
    serving.board("cold_kitchen", at(5))
    assert NeedKind.NOT_DELIVERED not in _kinds(serving, 6)


def test_a_waiter_sees_their_own_tables_and_a_supervisor_all(serving: Serving) -> None:
    window = serving.floor.seat(2, "21").party_id  # W02's section
    mine = [t.party_id for t in tables_by_need(serving.store, serving.waiter, at=at(1))]
    theirs = [t.party_id for t in tables_by_need(serving.store, serving.staff["W02"], at=at(1))]
    everyone = tables_by_need(serving.store, serving.floor.supervisor, at=at(1))
    assert mine == [serving.party_id] and theirs == [window]
    assert {t.party_id for t in everyone} == {serving.party_id, window}
    with pytest.raises(NotAllowed):
        tables_by_need(serving.store, serving.staff["K01"], at=at(1))


def test_marking_a_party_that_left_is_refused(serving: Serving) -> None:
    with serving.store.write() as s:
        advance_party(s, serving.party_id, PartyStage.PAID, actor_id=serving.staff["S01"])
    before = serving.serving_snapshot()
    with pytest.raises(DomainError, match="not at a table"):
        mark_done(serving.store, serving.waiter, MarkDone(party_id=serving.party_id, kind="refill"))
    assert serving.serving_snapshot() == before


def test_service_timings_come_from_the_stored_times(serving: Serving) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))  # seated at lunch + 0: first course fired 5 minutes later
    serving.bump_all("drinks", at(7))
    serving.bump_all("cold", at(13))  # the cold kitchen took 8 minutes
    serving.serve("cold", at(15))  # 2 minutes at the pass
    serving.fire("main", at(18))  # 3 minutes between courses
    serving.bump_all("main", at(38))
    serving.serve("main", at(39))
    timings = service_timings(serving.store, serving.floor.supervisor, day=at(0).date())
    assert timings.parties == 1
    assert timings.seated_to_first_fire.average_seconds == 5 * 60
    assert timings.fire_to_ready["cold_kitchen"].average_seconds == 8 * 60
    assert timings.fire_to_ready["hot_kitchen"].average_seconds == 20 * 60
    assert timings.fire_to_ready["bar"].count == 1
    assert timings.ready_to_served.count == 2
    assert (
        timings.ready_to_served.average_seconds == 90
        and timings.ready_to_served.longest_seconds == 120
    )
    assert timings.between_courses.count == 1
    assert timings.between_courses.average_seconds == 3 * 60
    with serving.store.read() as s:
        lunch = s.scalar(select(ServicePeriod.id).where(ServicePeriod.code == "lunch"))
        dinner = s.scalar(select(ServicePeriod.id).where(ServicePeriod.code == "dinner"))
    assert lunch is not None and dinner is not None
    by_service = service_timings(
        serving.store, serving.floor.supervisor, day=at(0).date(), period_id=lunch
    )
    assert by_service.parties == 1 and by_service.between_courses == timings.between_courses
    empty = service_timings(
        serving.store, serving.floor.supervisor, day=at(0).date(), period_id=dinner
    )
    assert empty.parties == 0 and empty.fire_to_ready == {}
    assert empty.seated_to_first_fire.count == 0
    with pytest.raises(NotAllowed):
        service_timings(serving.store, serving.waiter)


def test_the_tables_cost_the_same_few_statements_for_one_table_or_many(
    serving: Serving,
) -> None:
    def statements() -> int:
        count = 0

        def counted(*_args: Any) -> None:
            nonlocal count
            count += 1

        event.listen(serving.store.engine, "before_cursor_execute", counted)
        try:
            tables_by_need(serving.store, serving.floor.supervisor, at=at(30))
        finally:
            event.remove(serving.store.engine, "before_cursor_execute", counted)
        return count

    serving.lunch_for_four()
    serving.send_at(at(5))
    one = statements()
    for table in ("2", "3", "21"):
        serving.party_id = serving.floor.seat(2, table).party_id
        serving.add("smashed_cucumber")
        serving.send_at(at(6))
    assert statements() == one and one <= 12
