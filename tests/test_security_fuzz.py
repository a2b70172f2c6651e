"""Hostile values into every command and every service that takes one (issue 11, 2-3).

Two layers, each found by walking services/ (tests/fuzz_support.py), so nothing new
escapes:
- every command model, each field given ints around and past 2**31 and 2**63, bools,
  floats, None, lists, dicts, control characters, NUL, lone surrogates, emoji, SQL,
  format strings and 100,000 characters: accepted, or refused with a DomainError or a
  ValidationError whose message is short. Never another exception, never the input back;
- every service entry point, on both databases, given well-formed commands naming rows
  that do not exist, and odd but acceptable text: a clear DomainError and no change (the
  row count of every table and the audit chain's head as they were). A refused manager's
  PIN is the one thing a refusal leaves behind, by design (services/people/approvals.py:
  audited in its own transaction); the well-formed commands carry the demo manager's
  real PIN, and any event a refusal adds must be such a refusal.
"""

from __future__ import annotations

import inspect
import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import select, text

from db.store import Store
from models import AuditEvent, Base
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.checklists.templates import load_templates
from services.errors import DomainError
from services.reports.end_of_day import AskReport, end_of_day
from tests.demo_data import demo, staff_id  # noqa: F401 - demo is a fixture
from tests.fuzz_support import (
    HOSTILE,
    HOSTILE_INTS,
    HOSTILE_TEXTS,
    ODD_BUT_FINE,
    UNKNOWN_ID,
    Entry,
    assert_clear_refusal,
    commands,
    entry_points,
    text_fields,
    well_formed_fields,
)
from tests.seating_support import MANAGER_PIN

COMMANDS = commands()
ENTRIES = entry_points()
FAST = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_the_walk_finds_the_commands_and_services() -> None:
    """A guard on the discovery itself: if it found nothing, the fuzz would pass empty."""
    names = {c.__name__ for c in COMMANDS}
    assert {"TakePayment", "AddLine", "SeatParty", "VoidLine", "SignIn", "OpenDrawer"} <= names
    served = {e.name.rsplit(".", 1)[1] for e in ENTRIES}
    assert {"take_payment", "add_line", "seat_party", "void_line", "sign_in"} <= served
    # A service that takes a model which is not frozen is fuzzed all the same (and named
    # here, so that it is looked at).
    assert {e.command.__name__ for e in ENTRIES} - {c.__name__ for c in COMMANDS} == {
        "PrintRequest"
    }


# -- every field of every command ---------------------------------------------------------


def _validate(model: type[BaseModel], fields: dict[str, Any]) -> None:
    try:
        model(**fields)
    except Exception as error:  # judged below: only a clear refusal is acceptable
        assert_clear_refusal(error)


@pytest.mark.parametrize("model", COMMANDS, ids=lambda m: m.__qualname__)
def test_every_hostile_value_in_every_field_is_taken_or_clearly_refused(
    model: type[BaseModel],
) -> None:
    base = well_formed_fields(model)
    for field in model.model_fields:
        for value in HOSTILE:
            _validate(model, {**base, field: value})
    _validate(model, {**base, "no_such_field": 1})  # extra="forbid"
    _validate(model, {})


_chars = st.characters(codec=None, categories=("Cc", "Cf", "Cs", "Co", "So", "Zl", "Lo", "Nd"))
_scalars = st.one_of(
    st.sampled_from(HOSTILE_INTS),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(_chars, max_size=40),
    st.text(max_size=40),
    st.sampled_from(HOSTILE_TEXTS),
    st.none(),
    st.booleans(),
    st.floats(),
    st.binary(max_size=8),
)
HOSTILE_VALUES = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=4),
    st.tuples(_scalars, _scalars),
    st.dictionaries(st.text(max_size=6), _scalars, max_size=3),
)


@pytest.mark.parametrize("model", COMMANDS, ids=lambda m: m.__qualname__)
@FAST
@given(data=st.data())
def test_generated_hostile_values_are_taken_or_clearly_refused(
    model: type[BaseModel], data: st.DataObject
) -> None:
    base = well_formed_fields(model)
    fields = data.draw(st.lists(st.sampled_from(sorted(model.model_fields)), min_size=1))
    _validate(model, {**base, **{f: data.draw(HOSTILE_VALUES) for f in fields}})


# -- every service, on both databases ----------------------------------------------------

# The people a service is tried as, most powerful first: the first whose roles allow it
# shows the refusal comes from the unknown row, not from the role check.
PEOPLE = ("M01", "S01", "C01", "W01", "G01", "K01")
ROLE_REFUSAL = "may not do this"
# Reading services that take a command: they may answer; they must change nothing.
READERS = {"services.audit.audit_events", "services.reports.end_of_day.end_of_day"}
# Services whose command names no existing row to get wrong: tried as people whose roles
# do not allow them (with the fields given here), so a refusal is still a refusal.
NAMES_NOTHING: dict[str, tuple[tuple[str, ...], dict[str, object]]] = {
    "services.billing.accounts.create_account": (("W01", "G01", "K01"), {}),
    "services.cash.drawer.open_drawer": (("W01", "G01", "K01"), {}),
    "services.cash.settings.set_blind_count": (("W01", "G01", "K01"), {}),
    "services.floor.waitlist.add_to_waitlist": (("K01",), {}),
    "services.printing.reports.print_day_report": (("W01", "G01", "K01"), {}),
    "services.serving.station_times.set_station_times": (("W01", "G01"), {}),
    # Anyone may ask with a manager's PIN (第3条): asked with a PIN that is nobody's.
    "services.checklists.gate.override_seating_gate": (("W01",), {"manager_pin": "1357"}),
    "services.people.management.add_person": (("W01", "C01", "K01"), {}),
    "services.printing.jobs.queue_print": (("G01", "K01"), {}),
    # The console's own commands (main.py add-staff, reset-pin): a staff number that is
    # someone's already, or nobody's.
    "services.people.staff.add_staff": (("M01",), {"number": "M01"}),
    "services.people.staff.reset_pin": (("M01",), {"number": "Z99"}),
    # Signing out ends the session it is given: given one that is not a session.
    "services.people.staff.sign_out": (("unsigned",), {}),
    # The current PIN wrong: refused, and audited by design in its own transaction.
    "services.people.staff.change_own_pin": (("W01",), {"current_pin": "1357"}),
}
PIN_REFUSALS = re.compile(r"refused|failed|locked")


def snapshot(store: Store) -> tuple[dict[str, int], tuple[object, ...]]:
    """The row count of every table, and the audit chain's head (one query each)."""
    tables = sorted(Base.metadata.tables)
    counts = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    with store.read() as s:
        found = {name: int(n) for name, n in s.execute(text(counts)).all()}
        head = s.execute(
            select(AuditEvent.chain_seq, AuditEvent.digest)
            .order_by(AuditEvent.chain_seq.desc())
            .limit(1)
        ).first()
    return found, tuple(head or ())


def assert_no_change(store: Store, before: tuple[dict[str, int], tuple[object, ...]]) -> None:
    counts, head = snapshot(store)
    added = counts["audit_event"] - before[0]["audit_event"]
    assert {**counts, "audit_event": 0} == {**before[0], "audit_event": 0}
    if not added:
        assert head == before[1]
        return
    # Only refused PINs, each audited in its own transaction by design.
    with store.read() as s:
        actions = list(
            s.scalars(select(AuditEvent.action).where(AuditEvent.chain_seq > before[1][0]))
        )
    assert actions and all(PIN_REFUSALS.search(a) for a in actions), actions


class Tablet:
    """The demo restaurant with its people signed in, and a way to call any service."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.people = {n: staff_id(store, n) for n in PEOPLE}
        self.templates = load_templates()
        # Seating open, so that seating is refused for the rows it names, not the gate.
        override_seating_gate(
            store, self.people["M01"], OverrideSeatingGate(manager_pin=MANAGER_PIN, reason="fuzz")
        )

    def command(self, entry: Entry, **fields: object) -> BaseModel:
        if entry.command.__name__ == "PrintDayReport":
            report = end_of_day(
                self.store,
                self.people["M01"],
                AskReport(service_date=date.today() - timedelta(days=2)),
            )
            return entry.command(idempotency_key=ODD_BUT_FINE[:40], report=report, **fields)
        return entry.command(**{**well_formed_fields(entry.command), **fields})

    def call(self, entry: Entry, who: str, command: BaseModel) -> BaseException | None:
        kwargs: dict[str, object] = {entry.command_param: command}
        if "templates" in inspect.signature(entry.function).parameters:
            kwargs["templates"] = self.templates
        if entry.actor_param is not None:
            kwargs[entry.actor_param] = UNKNOWN_ID if who == "unsigned" else self.people[who]
        before = snapshot(self.store)
        try:
            entry.function(self.store, **kwargs)
        except DomainError as error:
            assert_clear_refusal(error)
            outcome: BaseException | None = error
        else:
            outcome = None
        assert_no_change(self.store, before)
        return outcome


@pytest.fixture
def tablet(demo: Store) -> Tablet:  # noqa: F811 - the fixture imported above
    return Tablet(demo)


def _refused_by_unknown_rows(tablet: Tablet, entry: Entry) -> None:
    """Tried as each person in turn until one the roles allow: refused every time (or,
    for a reader, answered), with no change."""
    command = tablet.command(entry)
    reasons = []
    for who in PEOPLE if entry.actor_param else ("nobody",):
        outcome = tablet.call(entry, who, command)
        if outcome is None:
            assert entry.name in READERS, f"{entry.name} did something as {who}: {command!r}"
            return
        reasons.append(str(outcome))
        if ROLE_REFUSAL not in str(outcome):
            return
    raise AssertionError(f"{entry.name}: nobody got past the role check: {reasons}")


def test_every_service_refuses_unknown_rows_and_changes_nothing(tablet: Tablet) -> None:
    for entry in ENTRIES:
        if entry.name in NAMES_NOTHING:
            people, fields = NAMES_NOTHING[entry.name]
            command = tablet.command(entry, **fields)
            for who in people:
                outcome = tablet.call(entry, who, command)
                assert outcome is not None, f"{entry.name} did something as {who}"
            continue
        _refused_by_unknown_rows(tablet, entry)
    assert set(NAMES_NOTHING) <= {e.name for e in ENTRIES}  # no stale names


@FAST
@given(data=st.data())
def test_odd_text_where_a_command_takes_it_changes_nothing(
    tablet: Tablet, data: st.DataObject
) -> None:
    """Text the model takes (SQL, format strings, emoji, any script), with rows that do
    not exist: the same clear refusal, no change."""
    with_text = [e for e in ENTRIES if text_fields(e.command) and e.name not in NAMES_NOTHING]
    entry = data.draw(st.sampled_from(with_text))
    field = data.draw(st.sampled_from(text_fields(entry.command)))
    value = data.draw(
        st.one_of(
            st.sampled_from([ODD_BUT_FINE, "'; DELETE FROM bill; --", "{0}{1}{x}", "%(x)s"]),
            st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=60),
        )
    )
    try:
        command = tablet.command(entry, **{field: value})
    except Exception as error:  # the model's own refusal: judged as above
        assert_clear_refusal(error)
        return
    for who in PEOPLE:
        outcome = tablet.call(entry, who, command)
        if outcome is None:
            assert entry.name in READERS
            return
        if ROLE_REFUSAL not in str(outcome):
            return
