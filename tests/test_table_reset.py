"""After the guests leave (第10条): paid tables need a reset, the person resetting confirms
the check for forgotten belongings, found items go into the lost-and-found log with the
supervisor who keeps them, and the turn time is recorded."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import AuditEvent, PartyStage, TableOccupancy
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.floor.lost_and_found import ReturnItem, found_items, keepers, return_item
from services.floor.plan import TableState, floor_view
from services.floor.seating import GuestsLeft, Seated, advance_party, guests_left
from services.floor.table_reset import FoundBelonging, ResetTable, reset_table
from tests.seating_support import LUNCH, Floor, floor, minutes

_ = floor  # a fixture, used by name


def paid_and_gone(floor: Floor, party: Seated, after: int = 50) -> None:
    with floor.store.write() as s:
        advance_party(s, party.party_id, PartyStage.PAID, actor_id=floor.staff["C01"])
    left = GuestsLeft(party_id=party.party_id)
    guests_left(floor.store, floor.staff["W01"], left, at=LUNCH + minutes(after))


def state_of(floor: Floor, number: str) -> TableState:
    view = floor_view(floor.store, at=LUNCH + minutes(60))
    return next(t.state for t in view.tables if t.number == number)


def test_a_paid_table_needs_a_reset_then_is_free_with_its_turn_time(floor: Floor) -> None:
    party = floor.seat(4, "3")
    paid_and_gone(floor, party)
    assert state_of(floor, "3") == TableState.NEEDS_RESET
    # Nobody seats a table that has not been reset.
    with pytest.raises(DomainError, match="Table 3 needs resetting before the next party"):
        floor.seat(2, "3", at=LUNCH + minutes(52))
    reset = reset_table(
        floor.store,
        floor.staff["W01"],
        ResetTable(table_id=floor.tables["3"], belongings_checked=True),
        at=LUNCH + minutes(58),
    )
    assert reset.table_number == "3" and reset.turn_minutes == 58 and reset.found_items == 0
    assert state_of(floor, "3") == TableState.FREE
    with floor.store.read() as s:
        occupancy = s.scalar(select(TableOccupancy))
        assert occupancy is not None
        assert occupancy.reset_at == LUNCH + minutes(58)
        assert occupancy.reset_by_id == floor.staff["W01"]
    floor.seat(2, "3", at=LUNCH + minutes(59))


def test_guests_who_have_not_paid_are_never_hurried_away(floor: Floor) -> None:
    party = floor.seat(4, "3")
    with floor.store.write() as s:
        advance_party(s, party.party_id, PartyStage.BILL_REQUESTED, actor_id=floor.staff["W01"])
    before = floor.snapshot()
    with pytest.raises(DomainError, match="has not paid yet"):
        guests_left(floor.store, floor.staff["W01"], GuestsLeft(party_id=party.party_id), at=LUNCH)
    with pytest.raises(DomainError, match="Guests are still at table 3"):
        reset_table(
            floor.store,
            floor.staff["W01"],
            ResetTable(table_id=floor.tables["3"], belongings_checked=True),
            at=LUNCH,
        )
    assert floor.snapshot() == before


def test_no_reset_without_the_belongings_check(floor: Floor) -> None:
    party = floor.seat(4, "3")
    paid_and_gone(floor, party)
    before = floor.snapshot()
    with pytest.raises(DomainError, match="forgotten belongings first"):
        reset_table(
            floor.store,
            floor.staff["W01"],
            ResetTable(table_id=floor.tables["3"], belongings_checked=False),
        )
    with pytest.raises(DomainError, match="Table 4 does not need resetting"):
        reset_table(
            floor.store,
            floor.staff["W01"],
            ResetTable(table_id=floor.tables["4"], belongings_checked=True),
        )
    with pytest.raises(NotFound):
        reset_table(
            floor.store, floor.staff["W01"], ResetTable(table_id=777777, belongings_checked=True)
        )
    with pytest.raises(NotAllowed):
        reset_table(
            floor.store,
            floor.staff["C01"],
            ResetTable(table_id=floor.tables["3"], belongings_checked=True),
        )
    assert floor.snapshot() == before


def test_found_belongings_go_to_a_supervisor_and_back_to_their_owner(floor: Floor) -> None:
    party = floor.seat(14, "VIP1", "VIP2")
    paid_and_gone(floor, party, after=90)
    supervisor = floor.staff["S01"]
    assert supervisor in {k.id for k in keepers(floor.store)}
    reset_table(
        floor.store,
        floor.staff["W03"],
        ResetTable(
            table_id=floor.tables["VIP2"],
            belongings_checked=True,
            found=[
                FoundBelonging(description="black umbrella ☂", handed_to_id=supervisor),
                FoundBelonging(description="child's blue scarf", handed_to_id=floor.manager),
            ],
        ),
        at=LUNCH + minutes(95),
    )
    # The joined table is reset on its own: the tables are separate again.
    assert state_of(floor, "VIP2") == TableState.FREE
    assert state_of(floor, "VIP1") == TableState.NEEDS_RESET
    log = found_items(floor.store, supervisor)
    assert [(i.description, i.found_where, i.handed_to) for i in log] == [
        ("black umbrella ☂", "VIP2", "李娜 Li Na"),
        ("child's blue scarf", "VIP2", "王建国 Wang Jianguo"),
    ]
    assert log[0].found_by == "孙磊 Sun Lei" and log[0].found_at == LUNCH + minutes(95)
    return_item(
        floor.store,
        supervisor,
        ReturnItem(item_id=log[0].id, returned_to="Mr Lin (phone 138…)"),
        at=LUNCH + minutes(200),
    )
    log = found_items(floor.store, supervisor)
    # Still kept first; given back last.
    assert [i.description for i in log] == ["child's blue scarf", "black umbrella ☂"]
    assert log[1].returned_to == "Mr Lin (phone 138…)" and log[1].returned_by == "李娜 Li Na"
    assert log[1].returned_at == LUNCH + minutes(200)
    with pytest.raises(Conflict, match="already given back to Mr Lin"):
        return_item(floor.store, supervisor, ReturnItem(item_id=log[1].id, returned_to="someone"))
    with pytest.raises(DomainError, match="Write who the item was given back to"):
        ReturnItem(item_id=log[0].id, returned_to=" ")
    with pytest.raises(NotAllowed):
        found_items(floor.store, floor.staff["W01"])
    with floor.store.read() as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        reset_event = s.scalar(select(AuditEvent).where(AuditEvent.action == "table.reset"))
    assert actions.count("found_item.logged") == 2 and "found_item.returned" in actions
    assert reset_event is not None
    assert json.loads(reset_event.detail)["turn_minutes"] == 95


def test_belongings_are_handed_only_to_a_supervisor(floor: Floor) -> None:
    party = floor.seat(2, "21")
    paid_and_gone(floor, party)
    before = floor.snapshot()
    with pytest.raises(DomainError, match="is not a supervisor"):
        reset_table(
            floor.store,
            floor.staff["W02"],
            ResetTable(
                table_id=floor.tables["21"],
                belongings_checked=True,
                found=[FoundBelonging(description="phone", handed_to_id=floor.staff["W01"])],
            ),
        )
    with pytest.raises(DomainError, match="Say what was found"):
        FoundBelonging(description="", handed_to_id=floor.staff["S01"])
    assert floor.snapshot() == before
