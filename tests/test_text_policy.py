"""One text policy (services/text.py) on every command that takes text.

The same class of bad input is refused by every one, with one of the policy's sentences
and never the input itself in the message: NUL (PostgreSQL cannot store it), other control
characters (ESC and GS drive a kitchen printer), a lone surrogate (a Python str that cannot
be written as UTF-8) and a 100,000-character paste. Emoji and text that looks like SQL or
a format string are kept verbatim, on both databases.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from db.store import Store
from models import AuditEvent, OrderLine, Party, SeatingGateOverride, TableClosure
from services import text as policy
from services.billing.payments import TakePayment
from services.billing.splits import SplitKind, SplitPlan
from services.checklists.escalations import ResolveEscalation
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.checklists.runs import CorrectItem, FailAction, Result, StartRun, TickItem
from services.errors import DomainError
from services.floor.guest_input import PartyDetails
from services.floor.lost_and_found import ReturnItem
from services.floor.seating import GuestsLeft
from services.floor.stations import CheckIn
from services.floor.table_reset import CloseTable, FoundBelonging, ReopenTable, close_table
from services.floor.waitlist import LeaveWaitlist
from services.menu.catalog import SetInStock, set_in_stock
from services.orders.taking import AddLine, ChangeLine
from services.orders.voids import VoidLine, VoidReason
from services.people.management import Deactivate
from services.printing.jobs import ChooseJob, Reprint
from services.serving.kitchen import BumpTicket
from tests.checklist_support import DURING_LUNCH, Kitchen
from tests.demo_data import item_id
from tests.order_support import Dining
from tests.seating_support import Floor

UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"

# Every command field that takes text, with the smallest valid command around it.
FIELDS: dict[str, Callable[[object], BaseModel]] = {
    "party name": lambda t: PartyDetails(size=2, name=t),
    "party note": lambda t: PartyDetails(size=2, note=t),
    "gate override reason": lambda t: OverrideSeatingGate(manager_pin="9999", reason=t),
    "checklist template code": lambda t: StartRun(template_code=t),
    "checklist fail note": lambda t: TickItem(
        run_id=1, item_id=1, result=Result.FAIL, note=t, fail_action=FailAction.FIXED
    ),
    "checklist correction reason": lambda t: CorrectItem(
        run_id=1, item_id=1, result=Result.PASS, reason=t
    ),
    "escalation resolution note": lambda t: ResolveEscalation(escalation_id=1, note=t),
    "86 reason": lambda t: SetInStock(item_id=1, in_stock=False, reason=t),
    "kitchen note on a new line": lambda t: AddLine(
        client_line_id=UUID, party_id=1, item_id=1, note=t
    ),
    "kitchen note on a changed line": lambda t: ChangeLine(
        line_id=1, version=1, quantity=1, course_id=1, note=t
    ),
    "void reason words": lambda t: VoidLine(
        client_void_id=UUID, line_id=1, version=1, words=t, manager_pin="9999"
    ),
    "out-of-service reason": lambda t: CloseTable(table_id=1, reason=t),
    "found belonging": lambda t: FoundBelonging(description=t, handed_to_id=1),
    "given back to": lambda t: ReturnItem(item_id=1, returned_to=t),
}

HUGE = "x" * 100_000
BAD: dict[str, tuple[str, str]] = {
    "NUL": ("Lin\x00Wei", "invisible control characters"),
    "escape (printer reset)": ("no ice\x1b@", "invisible control characters"),
    "group separator (paper cut)": ("\x1dV", "invisible control characters"),
    "delete": ("abc\x7f", "invisible control characters"),
    "C1 next line": ("a\x85b", "invisible control characters"),
    "lone surrogate": ("caf\ud800", "broken character"),
    "100,000 characters": (HUGE, "That is too long: at most"),
}
POLICY_SENTENCES = {
    "The text holds invisible control characters: type it again.",
    "The text holds a broken character: type it again.",
    "That is too long: at most {max} characters (this has {length}).",
}
KEPT = [
    "Robert'); DROP TABLE party;--",
    "🎂👨‍👩‍👧 Lin",
    "%s %(x)s {0} {name}",
    "王小明 <b>bold</b> \\N",
]


@pytest.mark.parametrize("bad", list(BAD), ids=list(BAD))
@pytest.mark.parametrize("field", list(FIELDS), ids=list(FIELDS))
def test_bad_text_is_refused_with_a_policy_sentence_never_echoing_it(field: str, bad: str) -> None:
    value, expected = BAD[bad]
    with pytest.raises(DomainError) as caught:
        FIELDS[field](value)
    error = caught.value
    assert expected in str(error)
    assert error.message in POLICY_SENTENCES
    # The screen gets a sentence, not the text: a 100,000-character paste is not sent back.
    assert len(str(error)) < 120 and value not in str(error)
    assert all(value not in str(v) for v in error.params.values())


@pytest.mark.parametrize("field", list(FIELDS), ids=list(FIELDS))
def test_text_that_is_not_text_is_refused(field: str) -> None:
    with pytest.raises(DomainError):
        FIELDS[field](12345)


@pytest.mark.parametrize("kept", KEPT)
@pytest.mark.parametrize("field", list(FIELDS), ids=list(FIELDS))
def test_emoji_and_sql_looking_text_pass_unchanged(field: str, kept: str) -> None:
    command = FIELDS[field](kept)
    assert kept in command.model_dump().values()


def test_one_limit_per_kind() -> None:
    assert (policy.NAME_MAX, policy.NOTE_MAX, policy.REASON_MAX) == (80, 1000, 500)
    for build, limit in [
        (FIELDS["gate override reason"], policy.REASON_MAX),
        (FIELDS["86 reason"], policy.REASON_MAX),
        (FIELDS["checklist correction reason"], policy.REASON_MAX),
        (FIELDS["checklist fail note"], policy.NOTE_MAX),
        (FIELDS["escalation resolution note"], policy.NOTE_MAX),
        (FIELDS["kitchen note on a new line"], policy.NOTE_MAX),
        (FIELDS["party name"], policy.NAME_MAX),
        (FIELDS["given back to"], policy.NAME_MAX),
    ]:
        build("a" * limit)
        with pytest.raises(DomainError, match=f"at most {limit} characters"):
            build("a" * (limit + 1))


def test_blank_edges_are_trimmed_but_a_control_character_at_the_edge_is_refused() -> None:
    assert PartyDetails(size=2, name="  Lin \n").name == "Lin"
    assert PartyDetails(size=2, name="\u3000王小明\u3000").name == "王小明"
    # str.strip() would have removed these silently: they are refused instead.
    for edge in ("\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\x0b", "\x0c"):
        with pytest.raises(DomainError, match="invisible control characters"):
            PartyDetails(size=2, name=f"{edge}Lin")


def test_one_line_fields_refuse_line_breaks_notes_keep_them() -> None:
    with pytest.raises(DomainError, match="invisible control characters"):
        OverrideSeatingGate(manager_pin="9999", reason="late\ndelivery")
    assert PartyDetails(size=2, note="birthday\ncake at 8").note == "birthday\ncake at 8"


# ---- kept verbatim on both databases ---------------------------------------------------------


@pytest.mark.parametrize("kept", KEPT[:2])
def test_the_floor_keeps_names_reasons_and_belongings_verbatim(store: Store, kept: str) -> None:
    floor = Floor(store)
    seated = floor.seat(2, "21", name=kept, note=f"note {kept}")
    close_table(store, floor.supervisor, CloseTable(table_id=floor.tables["7"], reason=kept))
    with store.read() as s:
        party = s.get(Party, seated.party_id)
        assert party is not None and (party.name, party.note) == (kept, f"note {kept}")
        assert s.scalar(select(TableClosure.reason)) == kept


def test_the_gate_and_the_menu_keep_reasons_verbatim(store: Store) -> None:
    kitchen = Kitchen(store)
    reason = "🎂 Wedding; DROP TABLE seating_gate_override;--"
    override = OverrideSeatingGate(manager_pin="9999", reason=reason)
    assert override_seating_gate(store, kitchen.supervisor, override, DURING_LUNCH).reason == reason
    with store.read() as s:
        assert s.scalar(select(SeatingGateOverride.reason)) == reason
    sold_out = SetInStock(item_id=item_id(store, "peking_duck_half"), in_stock=False, reason=reason)
    set_in_stock(store, kitchen.supervisor, sold_out)
    with store.read() as s:
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.action == "menu.sold_out"))
    assert json.loads(detail or "{}")["reason"] == reason


def test_orders_keep_kitchen_notes_and_void_words_verbatim(store: Store) -> None:
    dining = Dining(store)
    note = "少辣 🌶️ no coriander'); DELETE FROM order_line;--"
    view = dining.add("jasmine_tea", note=note)
    assert view.lines[0].note == note
    dining.send(view)
    words = "客人说 'too spicy' 🙅"
    voided = dining.void(view.lines[0].id, reason=VoidReason.QUALITY, words=words)
    line = voided.line(view.lines[0].id)
    assert line is not None and line.void_reason.endswith(": " + words)
    with store.read() as s:
        assert s.scalar(select(OrderLine.note)) == note


# ---- the commands given to the services that used to take loose values ----------------------

ID_COMMANDS: dict[str, Callable[[object], BaseModel]] = {
    "guests left": lambda i: GuestsLeft(party_id=i),
    "check in": lambda i: CheckIn(waiter_id=i),
    "back in service": lambda i: ReopenTable(table_id=i),
    "left the waitlist": lambda i: LeaveWaitlist(party_id=i),
    "86": lambda i: SetInStock(item_id=i, in_stock=False),
    "retry now / it printed": lambda i: ChooseJob(job_id=i),
    "reprint": lambda i: Reprint(job_id=i, idempotency_key=UUID),
}


@pytest.mark.parametrize("loose", [True, False, 0, -1, 2**31, 2**63, "12", 1.0, None])
@pytest.mark.parametrize("command", list(ID_COMMANDS), ids=list(ID_COMMANDS))
def test_an_id_no_screen_shows_is_refused_by_every_command(command: str, loose: object) -> None:
    with pytest.raises(DomainError, match="Choose from what the screen shows"):
        ID_COMMANDS[command](loose)
    assert ID_COMMANDS[command](2**31 - 1).model_dump()  # the largest INTEGER is fine


@pytest.mark.parametrize("command", list(ID_COMMANDS), ids=list(ID_COMMANDS))
def test_commands_refuse_fields_they_do_not_have_and_cannot_be_changed(command: str) -> None:
    made = ID_COMMANDS[command](1)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        type(made)(**made.model_dump(), actor_id=1)
    with pytest.raises(ValidationError, match="frozen"):
        made.__setattr__(next(iter(type(made).model_fields)), 2)


def test_a_print_key_and_a_pin_must_be_what_a_tablet_sends() -> None:
    with pytest.raises(DomainError, match="8 to 80 characters"):
        Reprint(job_id=1, idempotency_key="short")
    with pytest.raises(DomainError, match="8 to 80 characters"):
        Reprint(job_id=1, idempotency_key="k" * 100_000)
    with pytest.raises(DomainError, match="4 to 8 digits"):
        OverrideSeatingGate(manager_pin=9999, reason="Late delivery")


# ---- numbers a screen offers: True is not 1, a float is not a whole number ------------------

NUMBER_COMMANDS: dict[str, Callable[[object], BaseModel]] = {
    "part of a split paid": lambda n: TakePayment(
        client_payment_id=UUID, bill_id=1, part_number=n, method_id=1, amount_minor=100
    ),
    "ways of an even split": lambda n: SplitPlan(kind=SplitKind.EVEN, ways=n),
    "ticket version seen at the pass": lambda n: BumpTicket(ticket_id=1, seen_version=n),
    "staff row version seen by the manager": lambda n: Deactivate(
        staff_id=1, version=n, manager_pin="9999"
    ),
}


@pytest.mark.parametrize("loose", [True, False, 1.0, "2", None, 2**63], ids=repr)
@pytest.mark.parametrize("command", list(NUMBER_COMMANDS), ids=list(NUMBER_COMMANDS))
def test_a_number_that_is_not_one_the_screen_offers_is_refused(command: str, loose: object) -> None:
    with pytest.raises(DomainError) as refused:
        NUMBER_COMMANDS[command](loose)
    assert len(str(refused.value)) < 120
    assert NUMBER_COMMANDS[command](2).model_dump()
