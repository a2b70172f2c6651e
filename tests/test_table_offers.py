"""The best-first rule a host would use (services/floor/table_offers.py): fit first (no
private room unasked, fewest tables, fewest empty seats), then the waiters' covers.

Pure functions over the demo restaurant's own tables (assets/demo/floor.toml), so the cases
read like the dining room: the hall (W01), the window (W02) and the private rooms (W03).
"""

from __future__ import annotations

import pytest

from services.floor.plan import PRIVATE_ROOM_SECTIONS, FreeTable
from services.floor.table_offers import InLine, best_for, join_for, offer_tables, rank_tables
from services.restaurant.demo_files import read_demo

HALL, WINDOW, PRIVATE = 1, 2, 3
W01, W02, W03 = 11, 12, 13
STAFFING = {HALL: W01, WINDOW: W02, PRIVATE: W03}


def _demo_tables() -> list[FreeTable]:
    floor = read_demo().floor
    sections = {s.code: (i + 1, s) for i, s in enumerate(floor.sections)}
    return [
        FreeTable(
            id=i + 1,
            number=t.number,
            seats=t.seats,
            section_id=sections[t.section][0],
            section_sort=sections[t.section][1].sort,
            section_en=sections[t.section][1].name_en,
            section_zh=sections[t.section][1].name_zh,
            x=t.x,
            y=t.y,
            width=t.width,
            height=t.height,
            private_room=t.section in PRIVATE_ROOM_SECTIONS,
        )
        for i, t in enumerate(floor.tables)
    ]


TABLES = _demo_tables()


def _numbers(tables: list[FreeTable]) -> list[str]:
    return [t.number for t in tables]


def _without(*numbers: str) -> list[FreeTable]:
    return [t for t in TABLES if t.number not in numbers]


def test_the_demo_has_its_private_rooms_where_the_rule_expects_them() -> None:
    assert {t.number for t in TABLES if t.private_room} == {"VIP1", "VIP2", "VIP3", "VIP4"}


def test_six_get_a_six_top_in_the_hall_before_the_quiet_private_room() -> None:
    """Issue 12: the hall's waiter is busy and the private rooms' waiter has nobody, yet a
    party of six is a hall six-top's, not VIP4's (eight seats, a room of its own)."""
    covers = {W01: 30, W02: 12, W03: 0}
    ranked = rank_tables(6, TABLES, STAFFING, covers)
    assert _numbers(ranked)[:4] == ["5", "6", "7", "8"]
    assert all(t.private_room for t in ranked[-4:])
    assert _numbers(best_for(6, TABLES, STAFFING, covers)) == ["5"]


def test_a_private_room_comes_first_when_the_party_asks_for_one() -> None:
    ranked = rank_tables(6, TABLES, STAFFING, {}, private=True)
    assert _numbers(ranked)[0] == "VIP4"  # the smallest room that seats them
    assert _numbers(best_for(12, TABLES, STAFFING, {}, private=True)) == ["VIP1"]


def test_fewest_empty_seats_beat_the_least_busy_waiter() -> None:
    """Four at a window four-top (no empty seat) even though the hall waiter is idle and
    the hall's only free tables left are sixes."""
    free = [t for t in TABLES if t.number in {"5", "6", "23"}]
    covers = {W01: 0, W02: 20}
    assert _numbers(rank_tables(4, free, STAFFING, covers)) == ["23", "5", "6"]


def test_between_equal_fits_the_least_busy_waiter_gets_the_party() -> None:
    covers = {W01: 8, W02: 0}
    assert _numbers(rank_tables(4, TABLES, STAFFING, covers))[:2] == ["23", "24"]
    assert _numbers(rank_tables(4, TABLES, STAFFING, {}))[:2] == ["1", "2"]


def test_fourteen_get_two_large_tables_joined_not_five_two_tops() -> None:
    """Issue 12: a party of 14 was offered five of the window's two-tops (its waiter was
    less busy) before two larger tables of the hall."""
    covers = {W01: 30, W02: 0, W03: 0}
    joined = join_for(14, TABLES, STAFFING, covers)
    assert [len(c) for c in joined] == sorted(len(c) for c in joined)
    best = best_for(14, TABLES, STAFFING, covers)
    assert len(best) == 2 and sum(t.seats for t in best) == 14
    assert {t.section_id for t in best} == {HALL}
    # Tables 5 and 9 stand one behind the other: closest together of the exact fits.
    assert sorted(_numbers(best), key=int) == ["5", "9"]


def test_private_rooms_are_never_joined() -> None:
    for size in (14, 20, 24):
        for combo in join_for(size, TABLES, STAFFING, {}):
            assert not any(t.private_room for t in combo)


def test_a_room_is_offered_unasked_only_when_nothing_else_fits() -> None:
    # Ten at the one free table left in the hall... there is none: only two-tops and rooms.
    only = [t for t in TABLES if t.number in {"15", "VIP3"}]
    assert _numbers(best_for(10, only, STAFFING, {})) == ["VIP3"]
    # With hall tables free to join, those come before the room.
    some = [t for t in TABLES if t.number in {"5", "9", "VIP3"}]
    assert _numbers(rank_tables(10, some, STAFFING, {})) == []
    assert sorted(_numbers(best_for(10, some, STAFFING, {})), key=int) == ["5", "9"]


def test_sections_nobody_works_are_never_offered() -> None:
    staffing = {WINDOW: W02}
    ranked = rank_tables(2, TABLES, staffing, {})
    assert ranked and {t.section_id for t in ranked} == {WINDOW}
    assert best_for(30, TABLES, {}, {}) == []


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 9, 11, 13, 16, 19, 22, 30])
def test_every_offer_seats_the_party_in_one_section(size: int) -> None:
    offer = best_for(size, TABLES, STAFFING, {})
    assert offer, f"nothing for {size}"
    assert sum(t.seats for t in offer) >= size and len({t.section_id for t in offer}) == 1


def test_the_line_is_served_in_order_of_arrival_with_the_same_rule() -> None:
    line = [InLine(party_id=1, size=6), InLine(party_id=2, size=6), InLine(party_id=3, size=14)]
    served = offer_tables(line, _without("5", "6", "7"), STAFFING, {W01: 10})
    assert _numbers(served.offers[1]) == ["8"]  # the last hall six-top
    # The hall's six-tops are gone: an eight-top of the hall, not the room VIP4.
    assert _numbers(served.offers[2]) == ["9"]
    # Fourteen: a ten and a four pushed together, the closest exact pair left.
    assert sorted(_numbers(served.offers[3]), key=int) == ["11", "14"]
