"""Property test over random sequences of fire, ready (bump), serve and void on one party's
courses, on SQLite and on PostgreSQL. Whatever the sequence:

- a course's state only moves forward (held -> fired -> ready -> served), and an illegal
  step is refused with a sentence and changes nothing;
- the party is "eating" exactly when a course has been served;
- every change that went through left its audit event.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import AuditEvent, DiningTable, PartyStage
from services.errors import DomainError
from services.floor.seating import GuestsLeft, advance_party, guests_left
from services.floor.table_reset import ResetTable, reset_table
from services.serving.courses import CourseState
from services.serving.kitchen import BumpItem, BumpTicket, bump_item, bump_ticket
from tests.test_serving_support import Serving, at, serving

_ = serving  # a fixture, used by name

COURSES = ("drinks", "cold", "main", "dessert")
ORDER = (CourseState.HELD, CourseState.FIRED, CourseState.READY, CourseState.SERVED)

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["fire", "bump", "bump_item", "serve", "void"]),
        st.sampled_from(COURSES),
        st.integers(0, 3),
    ),
    max_size=12,
)


def _events(serving: Serving) -> int:
    with serving.store.read() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _apply(serving: Serving, action: tuple[str, str, int], minute: float) -> bool:
    """Do the action; True if it went through, False if refused (with a sentence)."""
    kind, code, index = action
    when = at(minute)
    courses = serving.courses()
    try:
        if kind == "fire":
            serving.fire(code, when)
        elif kind == "serve":
            serving.serve(code, when)
        elif kind == "void":
            lines = [
                line
                for line in serving.order().lines
                if line.course_code == code and not line.voided
            ]
            if not lines:
                return False
            serving.void(lines[index % len(lines)].id)
        else:
            tickets = [
                t
                for t in serving.board(None, when).tickets
                if t.party_id == serving.party_id and t.course_id == courses[code].course_id
            ]
            if not tickets:
                return False
            ticket = tickets[index % len(tickets)]
            if kind == "bump":
                command = BumpTicket(ticket_id=ticket.id, seen_version=ticket.version)
                bump_ticket(serving.store, serving.kitchen, command, at=when)
            else:
                item = ticket.items[index % len(ticket.items)]
                bump_item(
                    serving.store,
                    serving.kitchen,
                    BumpItem(
                        ticket_id=ticket.id, line_id=item.line_id, seen_version=ticket.version
                    ),
                    at=when,
                )
        return True
    except DomainError as error:
        assert error.message  # a sentence for the screen
        return False


def _next_party(serving: Serving) -> None:
    with serving.store.write() as s:
        advance_party(s, serving.party_id, PartyStage.PAID, actor_id=serving.staff["S01"])
    guests_left(serving.store, serving.waiter, GuestsLeft(party_id=serving.party_id), at=at(0))
    with serving.store.read() as s:
        table_id = s.scalar(select(DiningTable.id).where(DiningTable.number == "1"))
    assert table_id is not None
    reset_table(
        serving.store,
        serving.waiter,
        ResetTable(table_id=table_id, belongings_checked=True),
        at=at(0),
    )
    serving.party_id = serving.floor.seat(4, "1").party_id


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_course_states_only_move_forward_and_the_party_follows(
    serving: Serving, actions: list[tuple[str, str, int]]
) -> None:
    try:
        serving.lunch_for_four()
        serving.send_at(at(1))
        states = {code: c.state for code, c in serving.courses().items()}
        for n, action in enumerate(actions):
            before_events = _events(serving)
            before = serving.serving_snapshot()
            done = _apply(serving, action, 2 + n)
            after = {code: c.state for code, c in serving.courses().items()}
            if done:
                # Audited, or a repeat (a dish tapped ready twice) that changed nothing.
                assert _events(serving) > before_events or serving.serving_snapshot() == before
            elif action[0] != "void":
                assert serving.serving_snapshot() == before  # a refusal changed nothing
            for code, state in after.items():
                assert ORDER.index(state) >= ORDER.index(states[code]), (action, code)
            served = any(state == CourseState.SERVED for state in after.values())
            assert (serving.stage() == PartyStage.EATING) == served
            states = after
    finally:
        _next_party(serving)
