"""Two waiters, one table, two tablets (two Store objects on one database): lines added on
both survive (odoo/odoo#138664 lost them); an edit made on a stale copy is refused with a
clear message, never silently overwriting; racing sends and voids happen exactly once.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import OrderSend, PrintJob
from services.errors import Conflict
from services.orders.sending import SentOrder
from services.orders.taking import ChangeLine, change_line
from tests.order_support import Dining, dining, new_id

_ = dining  # a fixture, used by name

LINE_CHANGED = "This line was just changed on another tablet; the order has been reloaded."


@pytest.fixture
def second_tablet(dining: Dining) -> Iterator[Store]:
    other = Store(dining.store.url)
    yield other
    other.dispose()


def _race(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions at the same moment, one thread each; results or the errors raised."""
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


def test_lines_added_on_two_tablets_at_once_all_survive(
    dining: Dining, second_tablet: Store
) -> None:
    def keep_adding(store: Store, waiter: str, code: str) -> None:
        for n in range(8):
            dining.add(code, by=waiter, store=store, note=f"{waiter} {n}")

    results = _race(
        lambda: keep_adding(dining.store, "W01", "jasmine_tea"),
        lambda: keep_adding(second_tablet, "W02", "coca_cola"),
    )
    assert results == [None, None]
    notes = sorted(line.note for line in dining.order().lines)
    assert notes == sorted([f"W01 {n}" for n in range(8)] + [f"W02 {n}" for n in range(8)])


def test_a_tablet_that_adds_never_loses_what_the_other_added(
    dining: Dining, second_tablet: Store
) -> None:
    """The failure to beat: tablet A's stale copy of the order must not win over B's add."""
    dining.add("jasmine_tea", note="A's tea")
    seen_on_a = dining.order()
    dining.add("coca_cola", seat=1, by="W02", store=second_tablet, note="B's cola")
    view = dining.add("smashed_cucumber", note="A again")  # A works on from its old screen
    assert [line.note for line in view.lines] == ["A's tea", "B's cola", "A again"]
    assert len(seen_on_a.lines) == 1  # A's screen was stale, and nothing was lost anyway


def test_voiding_a_line_the_other_tablet_just_voided_is_refused_clearly(
    dining: Dining, second_tablet: Store
) -> None:
    dining.add("mapo_tofu", seat=2, modifier_ids=(dining.modifiers[("spice_level", "mild")],))
    dining.send()
    seen_on_a = dining.order().lines[0]
    # Tablet B voids it first (the guest told the other waiter).
    dining.void(seen_on_a.id, version=seen_on_a.version, by="W02", store=second_tablet)
    before = dining.snapshot()
    with pytest.raises(Conflict) as refused:
        dining.void(seen_on_a.id, version=seen_on_a.version, words="guest left")
    assert str(refused.value) == LINE_CHANGED
    assert dining.snapshot() == before
    line = dining.order().lines[0]
    assert line.voided_by == "王芳 Wang Fang (W02)"  # B's void stands, untouched
    assert len(dining.jobs("void_ticket")) == 1


def test_changing_a_line_the_other_tablet_just_changed_is_refused(
    dining: Dining, second_tablet: Store
) -> None:
    line = dining.add("jasmine_tea", seat=1).lines[0]
    on_b = ChangeLine(line_id=line.id, version=line.version, quantity=2, course_id=line.course_id)
    change_line(second_tablet, dining.staff["W02"], on_b)
    before = dining.snapshot()
    on_a = on_b.model_copy(update={"quantity": 4, "note": "A's idea"})
    with pytest.raises(Conflict, match="just changed on another tablet"):
        change_line(dining.store, dining.waiter, on_a)
    assert dining.snapshot() == before
    assert dining.order().lines[0].quantity == 2


def test_two_tablets_voiding_the_same_line_at_once_make_one_void(
    dining: Dining, second_tablet: Store
) -> None:
    dining.add("mapo_tofu", seat=2, modifier_ids=(dining.modifiers[("spice_level", "mild")],))
    dining.send()
    line = dining.order().lines[0]
    results = _race(
        lambda: dining.void(line.id, version=line.version),
        lambda: dining.void(line.id, version=line.version, by="W02", store=second_tablet),
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict), results
    assert str(refused[0]) == LINE_CHANGED
    assert len(dining.jobs("void_ticket")) == 1
    assert dining.order().lines[0].voided


def test_the_same_read_back_sent_from_two_tablets_at_once_goes_once(
    dining: Dining, second_tablet: Store
) -> None:
    dining.add("jasmine_tea")
    dining.add("smashed_cucumber")
    seen = dining.order()
    results = _race(
        lambda: dining.send(seen),
        lambda: dining.send(seen, by="W02", store=second_tablet),
    )
    sent = [r for r in results if isinstance(r, SentOrder)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(sent) == 1 and len(refused) == 1 and isinstance(refused[0], Conflict), results
    _assert_one_send(dining)


def test_one_send_retried_on_two_connections_at_once_is_one_send(
    dining: Dining, second_tablet: Store
) -> None:
    """A retry after a time-out can reach the server while the first try is still running."""
    dining.add("jasmine_tea")
    dining.add("smashed_cucumber")
    seen = dining.order()
    client_send_id = new_id()
    results = _race(
        lambda: dining.send(seen, client_send_id=client_send_id),
        lambda: dining.send(seen, client_send_id=client_send_id, store=second_tablet),
    )
    assert all(isinstance(r, SentOrder) for r in results), results
    first, second = results
    assert first.send_id == second.send_id and first.print_jobs == second.print_jobs
    assert sorted([first.repeated, second.repeated]) == [False, True]
    _assert_one_send(dining)


def _assert_one_send(dining: Dining) -> None:
    with dining.store.read() as s:
        assert s.scalar(select(func.count()).select_from(OrderSend)) == 1
        # The dispatch slip, the bar's and the cold kitchen's tickets: once each.
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 3
    assert all(line.sent for line in dining.order().lines)
