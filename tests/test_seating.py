"""Seating a party: proposals, one-tap seating with the section's waiter, and every refusal
leaving the store exactly as it was. On SQLite and on PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from db.store import Store
from models import AuditEvent, Party
from services.checklists.gate import SeatingClosed
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.floor.guest_input import PartyDetails
from services.floor.plan import TableState, floor_view
from services.floor.seating import SeatParty, seat_party
from services.floor.waitlist import propose_tables
from tests.seating_support import LUNCH, Floor, floor, minutes

_ = floor  # a fixture, used by name


def test_a_party_of_four_gets_the_smallest_fitting_table_of_the_least_busy_waiter(
    floor: Floor,
) -> None:
    proposals = propose_tables(floor.store, 4, at=LUNCH)
    # Nobody has guests yet: the first section by its order (the hall), four-tops first.
    assert [t.number for t in proposals.tables[:6]] == ["1", "2", "3", "4", "11", "12"]
    assert {t.seats for t in proposals.tables} >= {4, 6}
    seated = floor.seat(4, proposals.tables[0].number, high_chair=True, children=1)
    assert seated.tables == ["1"] and seated.waiter_number == "W01" and seated.high_chair
    # Zhang Wei now has four guests: Wang Fang's window four-tops come first.
    again = propose_tables(floor.store, 4, at=LUNCH)
    assert [t.number for t in again.tables[:2]] == ["23", "24"]
    assert again.tables[0].waiter_number == "W02" and again.tables[2].waiter_covers == 4


def test_a_banquet_table_is_offered_to_a_couple_only_after_the_tables_that_suit(
    floor: Floor,
) -> None:
    proposals = propose_tables(floor.store, 2, at=LUNCH)
    seats = [t.seats for t in proposals.tables]
    assert seats[:2] == [2, 2] and max(seats[:8]) <= 4
    assert seats.index(12) > seats.index(4)


def test_seated_party_shows_on_the_floor_with_its_waiter_and_time(floor: Floor) -> None:
    floor.seat(3, "5", name="Chen", note="birthday 🎂", children=1, high_chair=True)
    view = floor_view(floor.store, at=LUNCH + minutes(25))
    table = next(t for t in view.tables if t.number == "5")
    assert table.state == TableState.SEATED
    assert (table.party_size, table.children, table.high_chair) == (3, 1, True)
    assert table.waiter_number == "W01" and table.waiter_name == "张伟 Zhang Wei"
    assert table.seated_at == LUNCH and table.note == "birthday 🎂"
    free = [t for t in view.tables if t.state == TableState.FREE]
    assert len(free) == len(view.tables) - 1
    hall = next(s for s in view.sections if s.name_en == "Main hall")
    assert hall.waiter_number == "W01"


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (0, "A party is at least one guest"),
        (-3, "A party is at least one guest"),
        (10**12, "not possible: at most 999 guests"),
        (True, "whole number"),
        ("4", "whole number"),
        (4.0, "whole number"),
    ],
)
def test_impossible_party_sizes_are_refused_before_anything_is_written(
    floor: Floor, size: object, message: str
) -> None:
    before = floor.snapshot()
    with pytest.raises(DomainError, match=message):
        floor.seat(size, "1")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match=message):
        propose_tables(floor.store, size, at=LUNCH)
    assert floor.snapshot() == before


def test_a_party_larger_than_the_restaurant_is_refused(floor: Floor) -> None:
    before = floor.snapshot()
    with pytest.raises(DomainError, match="party of 147 is more than the restaurant's 146 seats"):
        floor.seat(147, "VIP1", "VIP2", "VIP3", "VIP4", "13", "14", "9", "10")
    assert floor.snapshot() == before


def test_a_table_that_is_not_free_is_refused(floor: Floor) -> None:
    floor.seat(2, "21")
    before = floor.snapshot()
    with pytest.raises(Conflict, match="Table 21 is taken"):
        floor.seat(2, "21")
    # A table too small, or a mix with a taken one, is refused just the same.
    with pytest.raises(DomainError, match="Table 22 seats 2, too few for a party of 3"):
        floor.seat(3, "22")
    with pytest.raises(Conflict, match="Table 21 is taken"):
        floor.seat(4, "22", "21")
    assert floor.snapshot() == before


@pytest.mark.parametrize("number", ["W01", "C01"])
def test_a_role_that_may_not_seat_is_refused(floor: Floor, number: str) -> None:
    before = floor.snapshot()
    with pytest.raises(NotAllowed, match="may not do this"):
        seat_party(
            floor.store,
            floor.staff[number],
            SeatParty(table_ids=[floor.tables["1"]], guests=PartyDetails(size=2)),
            at=LUNCH,
        )
    assert floor.snapshot() == before


def test_seating_waits_for_the_inspection_or_a_managers_override(store: Store) -> None:
    closed = Floor(store, gate_open=False)
    before = closed.snapshot()
    with pytest.raises(SeatingClosed, match="pre-service inspection"):
        closed.seat(2, "21")
    assert closed.snapshot() == before


def test_a_section_nobody_works_cannot_take_guests(store: Store) -> None:
    unstaffed = Floor(store, staffed=False)
    assert propose_tables(store, 2, at=LUNCH).no_waiters
    assert propose_tables(store, 2, at=LUNCH).tables == []
    before = unstaffed.snapshot()
    with pytest.raises(DomainError, match="Nobody works the section Main hall"):
        unstaffed.seat(2, "15")
    assert unstaffed.snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        "Robert'); DROP TABLE party;--",
        "🎂👨‍👩‍👧 Lin",
        "two  spaces  inside",
        "王小明",
        "%s %(x)s {0} {name}",
    ],
)
def test_names_and_notes_are_kept_verbatim(floor: Floor, name: str) -> None:
    seated = floor.seat(2, "21", name=name, note=f"note: {name}\nsecond line")
    with floor.store.read() as s:
        party = s.get(Party, seated.party_id)
        assert party is not None
        assert party.name == name and party.note == f"note: {name}\nsecond line"
    view = floor_view(floor.store, at=LUNCH)
    assert next(t for t in view.tables if t.number == "21").party_name == name


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"name": "x" * 81}, "too long: at most 80 characters"),
        ({"note": "n" * 201}, "too long: at most 200 characters"),
        ({"name": "Lin\x00"}, "invisible control characters"),
        ({"note": "\x1b[31m"}, "invisible control characters"),
        ({"children": -1}, "-1 is not a possible number here"),
        ({"children": 3}, "3 children cannot be in a party of 2"),
        ({"high_chair": "yes"}, "yes or no"),
        ({"name": 12}, "Only text"),
    ],
)
def test_bad_details_are_refused_with_a_clear_message(
    floor: Floor, details: dict[str, object], message: str
) -> None:
    before = floor.snapshot()
    with pytest.raises(DomainError, match=message):
        floor.seat(2, "21", **details)
    assert floor.snapshot() == before


def test_unknown_ids_are_refused(floor: Floor) -> None:
    before = floor.snapshot()
    with pytest.raises(NotFound, match="No table has id 999999"):
        seat_party(
            floor.store,
            floor.greeter,
            SeatParty(table_ids=[999999], guests=PartyDetails(size=2)),
            at=LUNCH,
        )
    with pytest.raises(NotFound, match="No party has id 424242"):
        seat_party(
            floor.store,
            floor.greeter,
            SeatParty(table_ids=[floor.tables["21"]], party_id=424242),
            at=LUNCH,
        )
    with pytest.raises(NotAllowed, match="Sign in first"):
        seat_party(
            floor.store,
            31337,
            SeatParty(table_ids=[floor.tables["21"]], guests=PartyDetails(size=2)),
            at=LUNCH,
        )
    with pytest.raises(DomainError, match="Choose at least one table"):
        floor.seat(2)
    with pytest.raises(DomainError, match="either a party from the waitlist or a party at"):
        SeatParty(table_ids=[1])
    with pytest.raises(DomainError, match="Choose tables from the floor plan"):
        SeatParty(table_ids=["1; DROP TABLE party"], guests=PartyDetails(size=2))  # type: ignore[list-item]
    assert floor.snapshot() == before


def test_seating_is_audited_with_the_greeter_and_the_waiter(floor: Floor) -> None:
    seated = floor.seat(6, "7", at=LUNCH + minutes(2))
    with floor.store.read() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "party.seated"))
    assert event is not None and event.actor_id == floor.greeter
    assert event.object_id == str(seated.party_id)
    detail = json.loads(event.detail)
    assert detail["tables"] == ["7"] and detail["waiter"] == "W01" and detail["size"] == 6


def test_a_party_too_big_for_any_table_is_offered_neighbouring_tables_to_join(
    floor: Floor,
) -> None:
    proposals = propose_tables(floor.store, 14, at=LUNCH)
    assert proposals.tables == []
    hall = proposals.joined[0]
    # Table 5 (six) and table 9 (eight) stand one behind the other in the hall.
    assert (hall.numbers, hall.seats, hall.waiter_number) == (["5", "9"], 14, "W01")
    seated = seat_party(
        floor.store,
        floor.greeter,
        SeatParty(table_ids=hall.table_ids, guests=PartyDetails(size=14)),
        at=LUNCH,
    )
    assert seated.tables == ["5", "9"]
    view = floor_view(floor.store, at=LUNCH)
    nine = next(t for t in view.tables if t.number == "9")
    assert nine.joined_with == ("5",) and nine.party_size == 14
