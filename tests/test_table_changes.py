"""Moving a seated party: transfer (the party, and so its order, follows), join tables for
a large party and split them again, take a table out of service and back; the party's way
through the meal, with the table's state always derived from it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db.store import Store
from models import Party, PartyStage, TableOccupancy
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.floor.occupancy import Moved
from services.floor.plan import TableState, floor_view
from services.floor.seating import advance_party
from services.floor.table_changes import MoveParty, join_tables, split_tables, transfer_party
from services.floor.table_reset import CloseTable, ReopenTable, close_table, reopen_table
from tests.seating_support import LUNCH, Floor, floor, minutes

_ = floor  # a fixture, used by name


def transfer(store: Store, actor: int, party_id: int, tables: list[int], **at: Any) -> Moved:
    return transfer_party(store, actor, MoveParty(party_id=party_id, table_ids=tables), **at)


def join(store: Store, actor: int, party_id: int, tables: list[int], **at: Any) -> Moved:
    return join_tables(store, actor, MoveParty(party_id=party_id, table_ids=tables), **at)


def split(store: Store, actor: int, party_id: int, tables: list[int], **at: Any) -> Moved:
    return split_tables(store, actor, MoveParty(party_id=party_id, table_ids=tables), **at)


def close(store: Store, actor: int, table_id: int, reason: str, **at: Any) -> None:
    close_table(store, actor, CloseTable(table_id=table_id, reason=reason), **at)


def states(floor: Floor, *numbers: str) -> list[TableState]:
    view = floor_view(floor.store, at=LUNCH + minutes(30))
    by_number = {t.number: t for t in view.tables}
    return [by_number[n].state for n in numbers]


def test_a_transfer_keeps_the_party_so_everything_on_it_follows(floor: Floor) -> None:
    seated = floor.seat(4, "1", name="Lin")
    with floor.store.write() as s:
        advance_party(s, seated.party_id, PartyStage.ORDERED, actor_id=floor.staff["W01"])
    moved = transfer(
        floor.store,
        floor.staff["W01"],
        seated.party_id,
        [floor.tables["23"]],
        at=LUNCH + minutes(5),
    )
    assert moved.party_id == seated.party_id
    assert moved.tables == ["23"] and moved.released == ["1"]
    # Still the same party, still ordered, still Zhang Wei's guests; the old table wants a reset.
    assert states(floor, "23", "1") == [TableState.ORDERED, TableState.NEEDS_RESET]
    view = floor_view(floor.store, at=LUNCH + minutes(30))
    table = next(t for t in view.tables if t.number == "23")
    assert table.party_id == seated.party_id and table.waiter_number == "W01"
    assert table.seated_at == LUNCH and table.party_name == "Lin"
    with floor.store.read() as s:
        assert s.scalar(select(Party.stage).where(Party.id == seated.party_id)) == "ordered"


def test_a_transfer_to_a_table_that_is_not_free_is_refused(floor: Floor) -> None:
    lin = floor.seat(4, "1")
    floor.seat(2, "21")
    close(floor.store, floor.supervisor, floor.tables["2"], "wobbly leg", at=LUNCH)
    before = floor.snapshot()
    with pytest.raises(Conflict, match="Table 21 is taken"):
        transfer(floor.store, floor.greeter, lin.party_id, [floor.tables["21"]], at=LUNCH)
    with pytest.raises(DomainError, match="Table 2 is out of service: wobbly leg"):
        transfer(floor.store, floor.greeter, lin.party_id, [floor.tables["2"]], at=LUNCH)
    with pytest.raises(DomainError, match="Table 15 seats 2, too few for a party of 4"):
        transfer(floor.store, floor.greeter, lin.party_id, [floor.tables["15"]], at=LUNCH)
    with pytest.raises(DomainError, match="not at yet"):
        transfer(floor.store, floor.greeter, lin.party_id, [floor.tables["1"]], at=LUNCH)
    with pytest.raises(NotFound, match="No party has id 5150"):
        transfer(floor.store, floor.greeter, 5150, [floor.tables["3"]], at=LUNCH)
    with pytest.raises(DomainError, match="Choose tables from the floor plan"):
        transfer(floor.store, floor.greeter, lin.party_id, [-1], at=LUNCH)
    with pytest.raises(NotFound, match="No table has id 4040"):
        transfer(floor.store, floor.greeter, lin.party_id, [4040], at=LUNCH)
    with pytest.raises(NotAllowed):
        transfer(floor.store, floor.staff["C01"], lin.party_id, [floor.tables["3"]], at=LUNCH)
    assert floor.snapshot() == before


def test_tables_are_joined_for_a_large_party_and_split_again(floor: Floor) -> None:
    # Fourteen guests: more than any one table; the greeter seats them on two joined rounds.
    party = floor.seat(14, "VIP1", "VIP2")
    assert party.tables == ["VIP1", "VIP2"]
    view = floor_view(floor.store, at=LUNCH)
    vip1 = next(t for t in view.tables if t.number == "VIP1")
    assert vip1.joined_with == ("VIP2",) and vip1.party_size == 14
    # Two more arrive: a third table is pushed on.
    with floor.store.write() as s:
        s.get(Party, party.party_id).size = 18  # type: ignore[union-attr]
    with pytest.raises(DomainError, match="Table VIP1 seats 12, too few for a party of 18"):
        split(floor.store, floor.greeter, party.party_id, [floor.tables["VIP2"]], at=LUNCH)
    joined = join(floor.store, floor.greeter, party.party_id, [floor.tables["VIP4"]], at=LUNCH)
    assert joined.tables == ["VIP1", "VIP2", "VIP4"] and joined.released == []
    # Some go home early: the extra table is split off and needs resetting before reuse.
    with floor.store.write() as s:
        s.get(Party, party.party_id).size = 12  # type: ignore[union-attr]
    split_off = split(
        floor.store,
        floor.greeter,
        party.party_id,
        [floor.tables["VIP2"], floor.tables["VIP4"]],
        at=LUNCH + minutes(40),
    )
    assert split_off.tables == ["VIP1"] and split_off.released == ["VIP2", "VIP4"]
    assert states(floor, "VIP1", "VIP2", "VIP4") == [
        TableState.SEATED,
        TableState.NEEDS_RESET,
        TableState.NEEDS_RESET,
    ]
    view = floor_view(floor.store, at=LUNCH)
    assert next(t for t in view.tables if t.number == "VIP1").joined_with == ()


def test_joining_and_splitting_refuse_what_makes_no_sense(floor: Floor) -> None:
    party = floor.seat(4, "1")
    other = floor.seat(2, "21")
    before = floor.snapshot()
    with pytest.raises(Conflict, match="Table 21 is taken"):
        join(floor.store, floor.greeter, party.party_id, [floor.tables["21"]], at=LUNCH)
    with pytest.raises(DomainError, match="not at yet"):
        join(floor.store, floor.greeter, party.party_id, [floor.tables["1"]], at=LUNCH)
    with pytest.raises(DomainError, match="Choose the tables to join"):
        join(floor.store, floor.greeter, party.party_id, [], at=LUNCH)
    with pytest.raises(DomainError, match="Table 21 is not this party's table"):
        split(floor.store, floor.greeter, party.party_id, [floor.tables["21"]], at=LUNCH)
    with pytest.raises(DomainError, match="keeps at least one table"):
        split(floor.store, floor.greeter, party.party_id, [floor.tables["1"]], at=LUNCH)
    assert other.tables == ["21"]
    assert floor.snapshot() == before


def test_the_database_holds_one_active_party_per_table(floor: Floor) -> None:
    floor.seat(4, "1")
    with pytest.raises(IntegrityError, match=r"(?i)unique|duplicate"), floor.store.write() as s:
        party = Party(
            name="",
            size=2,
            stage="seated",
            arrived_at=LUNCH,
            greeted_by_id=floor.greeter,
        )
        s.add(party)
        s.flush()
        s.add(
            TableOccupancy(
                party_id=party.id,
                table_id=floor.tables["1"],
                started_at=LUNCH,
                seated_by_id=floor.greeter,
            )
        )
        s.flush()


def test_a_table_goes_out_of_service_with_a_reason_and_comes_back(floor: Floor) -> None:
    close(floor.store, floor.supervisor, floor.tables["7"], "leak from the ceiling 💧")
    view = floor_view(floor.store, at=LUNCH)
    seven = next(t for t in view.tables if t.number == "7")
    assert seven.state == TableState.OUT_OF_SERVICE
    assert seven.out_of_service_reason == "leak from the ceiling 💧"
    with pytest.raises(DomainError, match="Table 7 is out of service: leak"):
        floor.seat(6, "7")
    with pytest.raises(DomainError, match="already out of service"):
        close(floor.store, floor.supervisor, floor.tables["7"], "again")
    reopen_table(floor.store, floor.supervisor, ReopenTable(table_id=floor.tables["7"]))
    assert states(floor, "7") == [TableState.FREE]
    with pytest.raises(DomainError, match="in service already"):
        reopen_table(floor.store, floor.supervisor, ReopenTable(table_id=floor.tables["7"]))
    floor.seat(6, "7")


def test_out_of_service_needs_a_reason_a_free_table_and_a_supervisor(floor: Floor) -> None:
    floor.seat(2, "21")
    before = floor.snapshot()
    with pytest.raises(DomainError, match="Write why the table is out of service"):
        close(floor.store, floor.supervisor, floor.tables["22"], "  ")
    with pytest.raises(DomainError, match="at most 200 characters"):
        close(floor.store, floor.supervisor, floor.tables["22"], "x" * 201)
    with pytest.raises(DomainError, match="has guests or needs resetting"):
        close(floor.store, floor.supervisor, floor.tables["21"], "broken")
    with pytest.raises(NotAllowed):
        close(floor.store, floor.greeter, floor.tables["22"], "broken")
    with pytest.raises(NotFound):
        close(floor.store, floor.supervisor, 424242, "broken")
    assert floor.snapshot() == before


def test_the_table_state_follows_the_party_through_the_meal(floor: Floor) -> None:
    party = floor.seat(2, "21")
    waiter = floor.staff["W02"]
    for stage, state in [
        (PartyStage.ORDERED, TableState.ORDERED),
        (PartyStage.EATING, TableState.EATING),
        (PartyStage.BILL_REQUESTED, TableState.BILL_REQUESTED),
        (PartyStage.PAID, TableState.PAID),
    ]:
        with floor.store.write() as s:
            assert advance_party(s, party.party_id, stage, actor_id=waiter) == stage
        assert states(floor, "21") == [state]
    # A second round of orders after paying changes nothing: a party never goes back.
    with floor.store.write() as s:
        assert advance_party(s, party.party_id, "ordered", actor_id=waiter) == PartyStage.PAID
    with pytest.raises(DomainError, match="not a stage of a meal"), floor.store.write() as s:
        advance_party(s, party.party_id, "dancing", actor_id=waiter)
    with pytest.raises(DomainError, match="not a stage of a meal"), floor.store.write() as s:
        advance_party(s, party.party_id, "waiting", actor_id=waiter)
    with pytest.raises(NotAllowed), floor.store.write() as s:
        advance_party(s, party.party_id, "paid", actor_id=floor.greeter)
