"""Two tablets seat two parties at the same table at the same moment: one succeeds, the other
is told the table was just taken; no table ever holds two parties. Each tablet is its own
Store (its own engine and connections), on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import TableOccupancy
from services.errors import Conflict
from services.floor import seating
from services.floor.guest_input import PartyDetails
from services.floor.seating import Seated, SeatParty, seat_party
from tests.seating_support import LUNCH, Floor, floor

_ = floor  # a fixture, used by name


def _race(floor: Floor, tablets: list[Store], table_ids: list[int]) -> list[Seated | Conflict]:
    """Each tablet seats its own party at the same tables; all start at one signal."""
    start = threading.Barrier(len(tablets))
    results: list[Seated | Conflict] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def tablet(store: Store, name: str) -> None:
        start.wait()
        try:
            outcome: Seated | Conflict = seat_party(
                store,
                floor.greeter,
                SeatParty(table_ids=table_ids, guests=PartyDetails(size=2, name=name)),
                at=LUNCH,
            )
        except Conflict as refusal:
            outcome = refusal
        except BaseException as exc:  # anything else fails the test below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(outcome)

    threads = [
        threading.Thread(target=tablet, args=(store, f"tablet {i}"))
        for i, store in enumerate(tablets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _parties_on(floor: Floor, table_id: int) -> int:
    with floor.store.read() as s:
        return (
            s.scalar(
                select(func.count()).where(
                    TableOccupancy.table_id == table_id, TableOccupancy.reset_at.is_(None)
                )
            )
            or 0
        )


@pytest.fixture
def tablets(floor: Floor) -> Iterator[list[Store]]:
    stores = [Store(floor.store.url), Store(floor.store.url)]
    yield stores
    for store in stores:
        store.dispose()


@pytest.mark.parametrize("number", ["1", "21", "VIP3", "15", "6"])
def test_two_tablets_one_table_one_party(floor: Floor, tablets: list[Store], number: str) -> None:
    table_id = floor.tables[number]
    results = _race(floor, tablets, [table_id])
    winners = [r for r in results if isinstance(r, Seated)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "taken" in str(losers[0]) and "choose another table" in str(losers[0])
    assert _parties_on(floor, table_id) == 1


def test_the_database_stops_the_second_party_when_both_tablets_saw_the_table_free(
    floor: Floor, tablets: list[Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worst case on PostgreSQL (Read Committed): both tablets have already checked that
    the table is free. The partial unique index refuses the second, and the tablet is told."""
    monkeypatch.setattr(seating, "require_free", lambda _session, _tables: None)
    table_id = floor.tables["2"]
    results = _race(floor, tablets, [table_id])
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(losers) == 1, results
    assert "just taken on another tablet" in str(losers[0]) or "is taken" in str(losers[0])
    assert _parties_on(floor, table_id) == 1
    # Without any race at all, the index alone still refuses a second party.
    with pytest.raises(Conflict, match="just taken on another tablet"):
        seat_party(
            tablets[0],
            floor.greeter,
            SeatParty(table_ids=[table_id], guests=PartyDetails(size=2)),
            at=LUNCH,
        )
    assert _parties_on(floor, table_id) == 1
