"""The waitlist: parties are offered tables strictly in order of arrival (第6条 ⑥), and a
larger later party never jumps a smaller earlier one that fits."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.store import Store
from models import AT_TABLE, Party, PartyStage
from services.errors import DomainError, NotFound
from services.floor.guest_input import PartyDetails
from services.floor.plan import FreeTable
from services.floor.seating import GuestsLeft, SeatParty, advance_party, guests_left, seat_party
from services.floor.table_offers import InLine, offer_tables
from services.floor.table_reset import CloseTable, ResetTable, close_table, reset_table
from services.floor.waitlist import (
    LeaveWaitlist,
    add_to_waitlist,
    leave_waitlist,
    propose_tables,
    waitlist,
)
from tests.seating_support import LUNCH, Floor, floor, minutes

_ = floor  # a fixture, used by name


def only_free(floor: Floor, *numbers: str) -> None:
    """Take every other table out of service, so the test controls what is free."""
    for number, table_id in floor.tables.items():
        if number not in numbers:
            command = CloseTable(table_id=table_id, reason="test")
            close_table(floor.store, floor.supervisor, command, at=LUNCH)


def wait(floor: Floor, name: str, size: int, at: datetime) -> int:
    return add_to_waitlist(floor.store, floor.greeter, PartyDetails(size=size, name=name), at=at).id


def seat_waiting(floor: Floor, party_id: int, number: str, at: datetime) -> None:
    seat_party(
        floor.store,
        floor.greeter,
        SeatParty(table_ids=[floor.tables[number]], party_id=party_id),
        at=at,
    )


def test_a_larger_later_party_never_jumps_a_smaller_earlier_one_that_fits(floor: Floor) -> None:
    only_free(floor, "1")  # one four-top
    chen = wait(floor, "Chen", 2, LUNCH)
    wang = wait(floor, "Wang", 4, LUNCH + minutes(5))
    line = waitlist(floor.store, at=LUNCH + minutes(10))
    assert [(p.name, p.offer.number if p.offer else None) for p in line] == [
        ("Chen", "1"),
        ("Wang", None),
    ]
    before = floor.snapshot()
    with pytest.raises(DomainError, match="Chen, a party of 2, was here first and fits table 1"):
        seat_waiting(floor, wang, "1", LUNCH + minutes(10))
    # Nor may a party that walks in now take it, and nothing is proposed to them.
    with pytest.raises(DomainError, match="Chen, a party of 2, was here first"):
        floor.seat(4, "1", at=LUNCH + minutes(10))
    walk_in = propose_tables(floor.store, 4, at=LUNCH + minutes(10))
    assert walk_in.tables == [] and walk_in.ahead == 1
    assert floor.snapshot() == before
    seat_waiting(floor, chen, "1", LUNCH + minutes(11))
    assert [p.name for p in waitlist(floor.store, at=LUNCH + minutes(11))] == ["Wang"]


def test_an_earlier_party_that_fits_no_free_table_does_not_block_the_line(floor: Floor) -> None:
    only_free(floor, "21")  # one two-top
    big = wait(floor, "Big family", 8, LUNCH)
    couple = wait(floor, "Couple", 2, LUNCH + minutes(3))
    line = waitlist(floor.store, at=LUNCH + minutes(4))
    assert line[0].id == big and line[0].offer is None
    assert line[1].id == couple and line[1].offer and line[1].offer.number == "21"
    seat_waiting(floor, couple, "21", LUNCH + minutes(4))
    assert [p.id for p in waitlist(floor.store, at=LUNCH + minutes(5))] == [big]


def test_a_party_can_leave_the_waitlist(floor: Floor) -> None:
    chen = wait(floor, "Chen", 2, LUNCH)
    leave_waitlist(floor.store, floor.greeter, LeaveWaitlist(party_id=chen), at=LUNCH + minutes(20))
    assert waitlist(floor.store, at=LUNCH + minutes(20)) == []
    with pytest.raises(DomainError, match="not on the waitlist any more"):
        leave_waitlist(
            floor.store, floor.greeter, LeaveWaitlist(party_id=chen), at=LUNCH + minutes(21)
        )
    with pytest.raises(NotFound):
        leave_waitlist(
            floor.store, floor.greeter, LeaveWaitlist(party_id=987654), at=LUNCH + minutes(21)
        )
    with pytest.raises(DomainError, match="not waiting for a table any more"):
        seat_waiting(floor, chen, "21", LUNCH + minutes(22))


def test_the_waitlist_needs_a_name_and_a_possible_size(floor: Floor) -> None:
    before = floor.snapshot()
    with pytest.raises(DomainError, match="Write a name for the waitlist"):
        add_to_waitlist(floor.store, floor.greeter, PartyDetails(size=2, name="   "), at=LUNCH)
    with pytest.raises(DomainError, match="more than the restaurant's 146 seats"):
        add_to_waitlist(floor.store, floor.greeter, PartyDetails(size=200, name="Tour"), at=LUNCH)
    with pytest.raises(DomainError, match="at least one guest"):
        PartyDetails(size=-2, name="Lin")
    assert floor.snapshot() == before


# ---- the rule itself, over random arrivals -------------------------------------------------

TABLE_SEATS = st.lists(st.tuples(st.integers(1, 12), st.integers(0, 2)), min_size=0, max_size=12)
ARRIVALS = st.lists(st.integers(1, 14), min_size=0, max_size=15)


def _tables(spec: list[tuple[int, int]]) -> list[FreeTable]:
    return [
        FreeTable(
            id=i + 1,
            number=str(i + 1),
            seats=seats,
            section_id=section,
            section_sort=section,
            section_en="s",
            section_zh="区",
        )
        for i, (seats, section) in enumerate(spec)
    ]


@settings(max_examples=400, deadline=None)
@given(
    spec=TABLE_SEATS,
    sizes=ARRIVALS,
    covers=st.dictionaries(st.integers(10, 12), st.integers(0, 40)),
)
def test_offers_are_first_come_first_served(
    spec: list[tuple[int, int]], sizes: list[int], covers: dict[int, int]
) -> None:
    tables = _tables(spec)
    staffing = {0: 10, 1: 11, 2: 12}
    line = [InLine(party_id=i, size=size) for i, size in enumerate(sizes)]
    offers = offer_tables(line, tables, staffing, covers).offers
    seats = {p: sum(t.seats for t in offer) for p, offer in offers.items()}
    # Every offer seats its party, in one section, and no table is offered twice.
    assert all(seats[p.party_id] >= p.size for p in line if p.party_id in offers)
    assert all(len({t.section_id for t in offer}) == 1 for offer in offers.values())
    given = [t.id for offer in offers.values() for t in offer]
    assert len(given) == len(set(given))
    for position, party in enumerate(line):
        earlier = line[:position]
        if party.party_id in offers:
            # Nobody earlier who got nothing would have been seated by what this party got.
            assert all(q.size > seats[party.party_id] for q in earlier if q.party_id not in offers)
        else:
            # Left without an offer: every table that alone fits it went to someone earlier,
            # and no section has enough free seats left to join for it.
            taken = {t.id for q in earlier for t in offers.get(q.party_id, [])}
            for table in tables:
                if table.seats >= party.size:
                    assert table.id in taken
            for section in staffing:
                free = [t for t in tables if t.section_id == section and t.id not in taken]
                assert sum(t.seats for t in free) < party.size


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    arrivals=st.lists(
        st.tuples(st.integers(0, 90), st.integers(1, 10)),
        min_size=1,
        max_size=6,
        unique_by=lambda a: a[0],
    ),
    data=st.data(),
)
def test_the_store_keeps_the_line_in_order_of_arrival(
    store: Store, arrivals: list[tuple[int, int]], data: st.DataObject
) -> None:
    """Parties entered in any order are listed in arrival order; whichever party the
    greeter then tries to seat at whichever table, no party that was here earlier loses
    the table the line offered it, and a refusal changes nothing."""
    floor = _shared_floor(store)
    now = LUNCH + minutes(100)  # 13:40, still lunch
    # Whatever an earlier example left behind (one that failed half-way, too).
    for party in waitlist(floor.store, at=now):
        leave_waitlist(floor.store, floor.greeter, LeaveWaitlist(party_id=party.id), at=now)
    with floor.store.read() as s:
        at_tables = [a.value for a in AT_TABLE]
        seated = s.scalars(select(Party.id).where(Party.stage.in_(at_tables))).all()
    for party_id in seated:
        _clear(floor, party_id, now)
    ids = {
        wait(floor, f"P{offset}", size, LUNCH + minutes(offset)): (offset, size)
        for offset, size in arrivals
    }
    line = waitlist(floor.store, at=now)
    assert [ids[p.id][0] for p in line] == sorted(offset for offset, _ in arrivals)
    chosen = data.draw(st.sampled_from(line))
    fitting = [n for n in FREE if SEATS[n] >= chosen.size]
    if fitting:
        number = data.draw(st.sampled_from(fitting))
        position = line.index(chosen)
        owed = {p.id for p in line[:position] if p.offer is not None}
        before = floor.snapshot()
        try:
            seat_waiting(floor, chosen.id, number, now)
        except DomainError as refusal:
            assert "was here first" in str(refusal)
            assert floor.snapshot() == before
        else:
            after = waitlist(floor.store, at=now)
            assert owed <= {p.id for p in after if p.offer is not None}
            _clear(floor, chosen.id, now)
    for party in waitlist(floor.store, at=now):
        leave_waitlist(floor.store, floor.greeter, LeaveWaitlist(party_id=party.id), at=now)


FREE = ("1", "5", "21", "22", "VIP4")
SEATS = {"1": 4, "5": 6, "21": 2, "22": 2, "VIP4": 8}


_FLOORS: dict[str, Floor] = {}


def _shared_floor(store: Store) -> Floor:
    # Hypothesis runs many examples in one test: load the demo once per database.
    if store.url not in _FLOORS:
        _FLOORS.clear()
        _FLOORS[store.url] = Floor(store)
        only_free(_FLOORS[store.url], *FREE)
    return _FLOORS[store.url]


def _clear(floor: Floor, party_id: int, at: datetime) -> None:
    with floor.store.write() as s:
        advance_party(s, party_id, PartyStage.PAID, actor_id=floor.staff["W01"])
    released = guests_left(floor.store, floor.staff["W01"], GuestsLeft(party_id=party_id), at=at)
    for number in released.released:
        reset_table(
            floor.store,
            floor.staff["W01"],
            ResetTable(table_id=floor.tables[number], belongings_checked=True),
            at=at,
        )
