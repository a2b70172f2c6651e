"""Property tests over random sequences of what waiters do to one table's order: add, remove,
void, send. Whatever the sequence, on SQLite and on PostgreSQL:

- the order's total is the sum of its live (not voided) lines;
- removed lines are gone, voided lines are still there, struck through;
- dispatch slips hold the sent lines one-to-one, kitchen tickets the fired ones (a later
  course is held until fired), and void tickets the voided lines one-to-one: nothing
  missing, nothing doubled.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import DiningTable, OrderLine, PartyStage, PrintJob, StationTicketLine
from services.errors import Conflict, DomainError
from services.floor.seating import GuestsLeft, advance_party, guests_left
from services.floor.table_reset import ResetTable, reset_table
from services.orders.taking import RemoveLine, remove_line
from tests.order_support import Dining, dining

_ = dining  # a fixture, used by name

# (dish, its required choices as (group, choice)): every station and a priced choice.
DISHES = (
    ("jasmine_tea", ()),
    ("smashed_cucumber", ()),
    ("mapo_tofu", (("spice_level", "hot"),)),
    ("xiaolongbao", (("dipping_sauce", "sesame_paste"),)),
    ("egg_tarts", ()),
)

ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.sampled_from(DISHES),
            st.integers(1, 4),
            st.sampled_from([None, 1, 2, 3, 4]),
        ),
        st.tuples(st.just("remove"), st.integers(0, 15)),
        st.tuples(st.just("void"), st.integers(0, 15)),
        st.tuples(st.just("send"), st.booleans()),
    ),
    max_size=14,
)


@dataclass
class Expected:
    """What the order must hold, kept by the test alongside the store."""

    total: dict[int, int] = field(default_factory=dict)  # line id -> quantity x unit price
    note: dict[int, str] = field(default_factory=dict)
    sent: set[int] = field(default_factory=set)
    voided: set[int] = field(default_factory=set)

    def pick(self, index: int) -> int | None:
        ids = sorted(self.total)
        return ids[index % len(ids)] if ids else None


def _apply(dining: Dining, expected: Expected, action: tuple[object, ...], n: int) -> None:
    kind = action[0]
    if kind == "add":
        (code, choices), quantity, seat = action[1], action[2], action[3]  # type: ignore[misc]
        modifiers = tuple(dining.modifiers[c] for c in choices)
        note = f"line {n}"
        view = dining.add(code, quantity=quantity, seat=seat, modifier_ids=modifiers, note=note)
        line = next(li for li in view.lines if li.note == note)
        expected.total[line.id] = line.quantity * line.unit_price_minor
        expected.note[line.id] = note
        return
    if kind == "send":
        if expected.total.keys() <= expected.sent:
            with pytest.raises(DomainError, match="nothing new"):
                dining.send(rush=bool(action[1]))
            return
        sent = dining.send(rush=bool(action[1]))
        expected.sent |= set(sent.line_ids)
        return
    line_id = expected.pick(int(action[1]))  # type: ignore[call-overload]
    if line_id is None:
        return
    current = dining.order().line(line_id)
    assert current is not None
    if kind == "remove":
        command = RemoveLine(line_id=line_id, version=current.version)
        if line_id in expected.sent:
            with pytest.raises(DomainError, match="void it instead"):
                remove_line(dining.store, dining.waiter, command)
            return
        remove_line(dining.store, dining.waiter, command)
        del expected.total[line_id]
        return
    if line_id not in expected.sent:
        with pytest.raises(DomainError, match="remove it instead"):
            dining.void(line_id)
    elif line_id in expected.voided:
        with pytest.raises(Conflict):
            dining.void(line_id)
    else:
        dining.void(line_id)
        expected.voided.add(line_id)


def _paper_notes(dining: Dining, party_id: int, kind: str) -> Counter[str]:
    notes: Counter[str] = Counter()
    with dining.store.read() as s:
        for payload in s.scalars(select(PrintJob.payload).where(PrintJob.kind == kind)):
            document = json.loads(payload)
            if document["order_ref"].split("-")[0] == str(party_id):
                notes.update(line["note"] for line in document["lines"])
    return notes


def _check(dining: Dining, expected: Expected) -> None:
    view = dining.order()
    live = {i: t for i, t in expected.total.items() if i not in expected.voided}
    assert view.total_minor == sum(live.values())
    assert {line.id for line in view.lines} == set(expected.total)
    assert {line.id for line in view.lines if line.voided} == expected.voided
    assert {line.id for line in view.lines if line.sent} == expected.sent
    sent_notes = Counter(expected.note[i] for i in expected.sent)
    # Kitchen paper holds the lines fired, one-to-one; a later course's lines are held
    # until the waiter fires them (第8条 ①, services/serving/), and every held line is sent.
    with dining.store.read() as s:
        fired = set(
            s.scalars(
                select(StationTicketLine.line_id)
                .join(OrderLine, OrderLine.id == StationTicketLine.line_id)
                .where(OrderLine.party_id == view.party_id)
            ).all()
        )
    assert fired <= expected.sent
    fired_notes = Counter(expected.note[i] for i in fired)
    assert _paper_notes(dining, view.party_id, "kitchen_ticket") == fired_notes
    assert _paper_notes(dining, view.party_id, "dispatch_slip") == sent_notes
    # A void goes to the kitchen on paper only for a line the kitchen had: one of a course
    # still held was never on a ticket, so nothing is printed to strike it through.
    voided_notes = Counter(expected.note[i] for i in expected.voided & fired)
    assert _paper_notes(dining, view.party_id, "void_ticket") == voided_notes


def _next_party(dining: Dining) -> None:
    """The party pays and leaves, the table is reset, and a new party sits down."""
    with dining.store.write() as s:
        advance_party(s, dining.party_id, PartyStage.PAID, actor_id=dining.staff["S01"])
    guests_left(
        dining.store, dining.waiter, GuestsLeft(party_id=dining.party_id), at=dining.floor.at
    )
    with dining.store.read() as s:
        table_id = s.scalar(select(DiningTable.id).where(DiningTable.number == "1"))
    assert table_id is not None
    reset_table(
        dining.store,
        dining.waiter,
        ResetTable(table_id=table_id, belongings_checked=True),
        at=dining.floor.at,
    )
    dining.party_id = dining.floor.seat(4, "1").party_id


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_any_sequence_keeps_totals_voids_and_tickets_true(
    dining: Dining, actions: list[tuple[object, ...]]
) -> None:
    expected = Expected()
    try:
        for n, action in enumerate(actions):
            _apply(dining, expected, action, n)
        _check(dining, expected)
    finally:
        _next_party(dining)  # each sequence on a fresh party at the same table
