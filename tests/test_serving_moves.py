"""A party moved after a course fired (第8条: dishes go to the right table): every station
still cooking for it gets a "moved" paper saying where the dishes go now and that it is NOT
a new order; a station with nothing open for it, or a party with nothing fired, gets none;
a move is never papered twice. On SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import Staff, TableOccupancy
from services.errors import DomainError
from services.floor.occupancy import Moved
from services.floor.table_changes import MoveParty, join_tables, split_tables, transfer_party
from services.serving.moves import move_key, print_moved
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name


def transfer(serving: Serving, *numbers: str, minute: float = 30) -> Moved:
    command = MoveParty(
        party_id=serving.party_id, table_ids=[serving.floor.tables[n] for n in numbers]
    )
    return transfer_party(serving.store, serving.waiter, command, at=at(minute))


def moved_papers(serving: Serving) -> dict[str, list[dict[str, object]]]:
    papers: dict[str, list[dict[str, object]]] = {}
    for station, _kind, doc in serving.jobs("moved_ticket"):
        papers.setdefault(station, []).append(doc)
    return papers


def test_each_station_cooking_for_the_party_is_told_where_the_dishes_go(
    serving: Serving,
) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))  # tea to the bar, cucumbers to the cold kitchen; mains held
    serving.fire("main", at(20))
    kitchen_tickets = len(serving.jobs("kitchen_ticket"))
    transfer(serving, "4")
    papers = moved_papers(serving)
    assert set(papers) == {"bar", "cold_kitchen", "hot_kitchen"}
    hot = papers["hot_kitchen"][0]
    assert hot["from_table"] == "1" and hot["table_number"] == "4"
    assert [c["order_ref"] for c in hot["courses"]] == [
        serving.ticket("hot_kitchen", at(31)).order_ref
    ]
    assert [c["course_name_en"] for c in hot["courses"]] == [
        serving.courses()["main"].course_name_en
    ]
    assert hot["moved_by"]["number"] == "W01"
    assert "lines" not in hot  # nothing on it to cook
    # Not a new order: no new kitchen ticket, nothing new on any board.
    assert len(serving.jobs("kitchen_ticket")) == kitchen_tickets
    assert serving.events("party.transferred")[-1]["moved_paper"].keys() == papers.keys()


def test_a_station_whose_dishes_were_served_and_held_courses_get_no_paper(
    serving: Serving,
) -> None:
    serving.lunch_for_four()
    serving.send_at(at(5))
    serving.bump_all("drinks", at(7))
    serving.serve("drinks", at(8))
    transfer(serving, "4")
    # Tea is on the table; the mains and dessert were never fired.
    assert set(moved_papers(serving)) == {"cold_kitchen"}


def test_nothing_fired_yet_means_no_paper(serving: Serving) -> None:
    serving.add("smashed_cucumber")  # on the order, not sent
    transfer(serving, "4")
    assert moved_papers(serving) == {}


def test_a_retried_move_queues_nothing_twice_and_a_second_move_is_new_paper(
    serving: Serving,
) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    transfer(serving, "4", minute=10)
    with pytest.raises(DomainError, match="not at yet"):
        transfer(serving, "4", minute=10)  # the same tap again, from another tablet
    assert len(moved_papers(serving)["cold_kitchen"]) == 1
    transfer(serving, "2", minute=12)  # a second move is a second paper
    both = moved_papers(serving)["cold_kitchen"]
    assert [(p["from_table"], p["table_number"]) for p in both] == [("1", "4"), ("4", "2")]


def test_joining_and_splitting_tables_are_papered_once_each(serving: Serving) -> None:
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    tables = serving.floor.tables
    join_tables(
        serving.store,
        serving.waiter,
        MoveParty(party_id=serving.party_id, table_ids=[tables["2"]]),
        at=at(10),
    )
    split_tables(
        serving.store,
        serving.waiter,
        MoveParty(party_id=serving.party_id, table_ids=[tables["2"]]),
        at=at(20),
    )
    papers = moved_papers(serving)["cold_kitchen"]
    assert [(p["from_table"], p["table_number"]) for p in papers] == [
        ("1", "1 + 2"),
        ("1 + 2", "1"),
    ]


def test_the_same_move_papered_again_finds_the_paper_it_made(serving: Serving) -> None:
    """A move's paper is keyed by the move itself: asked twice, it is one job a station."""
    serving.add("smashed_cucumber")
    serving.send_at(at(5))
    transfer(serving, "4")
    with serving.store.write() as s:
        staff = s.get(Staff, serving.waiter)
        assert staff is not None
        made = s.scalar(
            select(func.max(TableOccupancy.id)).where(TableOccupancy.party_id == serving.party_id)
        )
        assert made is not None
        again = print_moved(s, serving.party_id, "1", at(30), staff, move_key([made], []))
    first = serving.events("party.transferred")[-1]["moved_paper"]
    assert again == first and len(serving.jobs("moved_ticket")) == 1
