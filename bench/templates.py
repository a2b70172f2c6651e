"""Template parties: a few whole meals played through the real services on a scratch
database, at chosen moments of one service, so that bench/history.py can copy their rows
(every table, audit events included) a hundred thousand times instead of guessing what the
services write.

Each template party is seated, orders 4-8 dishes, has its order sent, its held courses
fired, its kitchen tickets bumped and its courses served, asks for its bill, has it
presented and paid (cash or card), leaves, and its tables are reset.
"""

from __future__ import annotations

import random
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select

import models.base
from db.migrate import upgrade
from db.store import Store
from models import (
    Base,
    DiningTable,
    MenuItem,
    MenuItemModifierGroup,
    ModifierGroup,
    PaymentMethod,
    Section,
)
from services.billing.bills import PartyBill, present_bill, request_bill
from services.billing.payments import TakePayment, take_payment
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.floor.guest_input import PartyDetails
from services.floor.seating import GuestsLeft, SeatParty, guests_left, seat_party
from services.floor.stations import AssignSection, assign_section
from services.floor.table_reset import ResetTable, reset_table
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import order_view
from services.people.staff import SignIn, sign_in, staff_for_sign_in
from services.restaurant.demo import load_demo
from services.serving.courses import (
    CourseState,
    FireCourse,
    MarkServed,
    fire_course,
    mark_served,
    party_courses,
)
from services.serving.kitchen import BumpTicket, bump_ticket, kitchen_board

MANAGER_PIN = "9999"  # the demo manager, 王建国 Wang Jianguo (assets/demo/staff.toml)
DEMO_STAFF = Path(__file__).resolve().parents[1] / "assets" / "demo" / "staff.toml"


def sign_in_demo_staff(store: Store) -> dict[str, int]:
    """Every demo person signed in through the real PIN route, as their tablets would be:
    the services act for a signed-in session (services/people/sessions.py)."""
    pins = {p["number"]: p["pin"] for p in tomllib.loads(DEMO_STAFF.read_text("utf-8"))["staff"]}
    return {
        card.number: sign_in(store, SignIn(staff_id=card.id, pin=pins[card.number])).staff_id
        for card in staff_for_sign_in(store)
    }


# The template service: a lunch in Asia/Shanghai (UTC+8), 11:00 local.
TEMPLATE_START = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)
SECTION_WAITERS = (("hall", "W01"), ("window", "W02"), ("private", "W03"))


class _Clock:
    """The time every `utcnow()` of the services returns while templates are played
    (request_bill and take_payment take no `at`): so each step of a meal happens at its
    own moment and the copied rows read like a real service, not like one second."""

    now = TEMPLATE_START


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return _Clock.now if tz is None else _Clock.now.astimezone(tz)


@contextmanager
def fixed_clock() -> Iterator[None]:
    """models.base.utcnow reads `datetime` from its module: point that at the clock."""
    real = models.base.datetime
    models.base.datetime = _ClockDatetime  # type: ignore[misc]
    try:
        yield
    finally:
        models.base.datetime = real  # type: ignore[misc]


def set_now(moment: datetime) -> datetime:
    """Move the clock of `fixed_clock` (bench/latency.py plays a lunch of today with it)."""
    _Clock.now = moment
    return moment


def at(minute: float) -> datetime:
    _Clock.now = TEMPLATE_START + timedelta(minutes=minute)
    return _Clock.now


Rows = dict[str, list[dict[str, Any]]]  # table name -> new rows, in id order


@dataclass
class Templates:
    """What the services wrote: once for the service (gate, sections), once per party."""

    service: Rows
    parties: list[Rows]
    start: datetime = TEMPLATE_START
    # Rows that existed before and were changed (table -> count), for the report.
    changed: dict[str, int] = field(default_factory=dict)


def _id_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if list(t.primary_key.columns.keys()) == ["id"]]


def _max_ids(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {t.name: s.scalar(select(func.max(t.c.id))) or 0 for t in _id_tables()}


def _new_rows(store: Store, before: dict[str, int]) -> Rows:
    out: Rows = {}
    with store.read() as s:
        for t in _id_tables():
            rows = s.execute(select(t).where(t.c.id > before[t.name]).order_by(t.c.id)).all()
            if rows:
                out[t.name] = [dict(r._mapping) for r in rows]
    return out


def _all_rows(store: Store) -> dict[str, set[tuple[Any, ...]]]:
    with store.read() as s:
        return {
            t.name: {tuple(r) for r in s.execute(select(t))} for t in Base.metadata.sorted_tables
        }


def plain_items(store: Store) -> list[int]:
    """Dishes with no choice that must be made (a required modifier group)."""
    with store.read() as s:
        required = set(
            s.scalars(
                select(MenuItemModifierGroup.item_id)
                .join(ModifierGroup, ModifierGroup.id == MenuItemModifierGroup.group_id)
                .where(ModifierGroup.min_choices >= 1)
            )
        )
        return [
            i for i in s.scalars(select(MenuItem.id).order_by(MenuItem.id)) if i not in required
        ]


def _one_meal(
    store: Store,
    staff: dict[str, int],
    table: DiningTable,
    size: int,
    items: list[int],
    method_id: int,
    cash: bool,
    rng: random.Random,
) -> None:
    waiter = {"hall": "W01", "window": "W02", "private": "W03"}[table.section.code]
    seated = seat_party(
        store,
        staff["G01"],
        SeatParty(table_ids=[table.id], guests=PartyDetails(size=size)),
        at=at(0),
    )
    party = seated.party_id
    for n in range(rng.randint(4, 8)):
        add_line(
            store,
            staff[waiter],
            AddLine(
                client_line_id=str(uuid.uuid4()),
                party_id=party,
                item_id=rng.choice(items),
                quantity=rng.choice((1, 1, 1, 2)),
                seat=rng.randint(1, size),
            ),
            at=at(2 + n * 0.5),
        )
    view = order_view(store, party)
    send_order(
        store,
        staff[waiter],
        SendOrder(
            client_send_id=str(uuid.uuid4()),
            party_id=party,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
        ),
        at=at(7),
    )
    minute = 8.0
    for course in sorted(party_courses(store, staff[waiter], party), key=lambda c: c.position):
        if course.state == CourseState.HELD:
            fire_course(
                store,
                staff[waiter],
                FireCourse(party_id=party, course_id=course.course_id),
                at=at(minute),
            )
        minute += 12
        board = kitchen_board(store, staff["K01"], None, at=at(minute))
        for ticket in board.tickets:
            if ticket.party_id == party:
                bump_ticket(
                    store,
                    staff["K01"],
                    BumpTicket(ticket_id=ticket.id, seen_version=ticket.version),
                    at=at(minute),
                )
        minute += 2
        mark_served(
            store,
            staff[waiter],
            MarkServed(party_id=party, course_id=course.course_id),
            at=at(minute),
        )
        minute += 6
    at(minute + 10)
    request_bill(store, staff[waiter], PartyBill(party_id=party))
    bill = present_bill(store, staff["C01"], PartyBill(party_id=party), at=at(minute + 12))
    part = bill.part(1)
    assert part is not None
    at(minute + 15)
    owed = part.owed_minor
    take_payment(
        store,
        staff["C01"],
        TakePayment(
            client_payment_id=str(uuid.uuid4()),
            bill_id=bill.bill_id,
            method_id=method_id,
            amount_minor=owed,
            tendered_minor=(owed // 10000 + 1) * 10000 if cash else None,
            card_last4="" if cash else f"{rng.randint(0, 9999):04d}",
        ),
    )
    guests_left(store, staff[waiter], GuestsLeft(party_id=party), at=at(minute + 20))
    reset_table(
        store,
        staff[waiter],
        ResetTable(table_id=table.id, belongings_checked=True),
        at=at(minute + 25),
    )


def make_templates(folder: Path, count: int | None = None, seed: int = 7) -> Templates:
    """Play `count` meals (one at each table by default) through the services on a
    scratch database in `folder`."""
    rng = random.Random(seed)
    url = f"sqlite:///{folder / 'templates.db'}"
    upgrade(url)
    store = Store(url)
    try:
        load_demo(store)
        staff = sign_in_demo_staff(store)
        with store.read() as s:
            tables = list(s.scalars(select(DiningTable).order_by(DiningTable.id)))
            for t in tables:
                _ = t.section.code  # loaded now, read after the session closes
            sections = {c.code: c.id for c in s.scalars(select(Section))}
            methods = {m.code: (m.id, m.kind) for m in s.scalars(select(PaymentMethod))}
        items = plain_items(store)
        cash_id = next(i for i, kind in methods.values() if kind == "cash")
        card_id = next(i for i, kind in methods.values() if kind == "card")
        before_all = _all_rows(store)
        with fixed_clock():
            before = _max_ids(store)
            override_seating_gate(
                store,
                staff["M01"],
                OverrideSeatingGate(manager_pin=MANAGER_PIN, reason="benchmark history"),
                at=at(-20),
            )
            for code, waiter in SECTION_WAITERS:
                assign_section(
                    store,
                    staff["S02"],
                    AssignSection(section_id=sections[code], waiter_id=staff[waiter]),
                    at=at(-15),
                )
            service = _new_rows(store, before)
            parties: list[Rows] = []
            for n in range(count or len(tables)):
                table = tables[n % len(tables)]
                size = max(1, min(table.seats, rng.randint(2, 6)))
                before = _max_ids(store)
                cash = n % 3 == 0
                _one_meal(store, staff, table, size, items, cash_id if cash else card_id, cash, rng)
                parties.append(_new_rows(store, before))
        after_all = _all_rows(store)
        changed = {}
        for name, rows in before_all.items():
            if name in ("audit_event", "line_seal"):
                continue
            gone = len(rows - after_all[name])
            if gone:
                changed[name] = gone
        return Templates(service=service, parties=parties, changed=changed)
    finally:
        store.dispose()


def template_day() -> date:
    return TEMPLATE_START.date()
