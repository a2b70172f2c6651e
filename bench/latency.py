"""How long a tap takes on a database holding a year of a busy restaurant.

    python -m bench.history /tmp/bench/year.db          # once: the year (bench/README.md)
    python -m bench.latency /tmp/bench/year.db

The year is copied first (the SQLite backup API), and the copy is used through the real
services with a real `Store`: a lunch of today is played, `--parties` parties at once
(seated, ordered, sent, fired, bumped, served, billed, paid, gone, tables reset), `--rounds`
times, and every service call is timed and its SQL statements counted (a
`before_cursor_execute` listener on the engine: BEGIN counts, COMMIT does not). The
waiter's tables, the kitchen board and the floor plan are read between the steps, as the
screens would. The same machine's raw SQLite commit, with the app's settings (WAL,
synchronous=FULL), is the yardstick: the median of 3 runs of 2000 single-row
INSERT + COMMIT.

`--db postgresql+psycopg://…` measures a PostgreSQL database instead, filled beforehand
with `python -m bench.history postgresql+psycopg://…` (it is changed by the run).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select

from bench.templates import MANAGER_PIN, fixed_clock, plain_items, set_now, sign_in_demo_staff
from db.migrate import backup_sqlite
from db.store import Store
from models import DiningTable, Party, PaymentMethod, Restaurant, ServicePeriod
from services.billing.bills import PartyBill, present_bill, request_bill
from services.billing.payments import TakePayment, take_payment
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.floor.guest_input import PartyDetails
from services.floor.plan import floor_view
from services.floor.seating import GuestsLeft, SeatParty, guests_left, seat_party
from services.floor.table_reset import ResetTable, reset_table
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import order_view
from services.serving.courses import (
    CourseState,
    FireCourse,
    MarkServed,
    fire_course,
    mark_served,
    party_courses,
)
from services.serving.kitchen import BumpTicket, bump_ticket, kitchen_board
from services.serving.tables import tables_by_need

T = TypeVar("T")
# The order the table is printed in.
OPERATIONS = (
    "seat party",
    "add line",
    "send order",
    "fire course",
    "bump ticket",
    "mark served",
    "request bill",
    "present bill",
    "take payment",
    "guests left",
    "reset table",
    "waiter's tables",
    "kitchen board",
    "floor plan",
)
LINES_PER_PARTY = 6


class Meter:
    """Times calls and counts the SQL statements each one sends."""

    def __init__(self, store: Store) -> None:
        self.statements = 0
        self.times: dict[str, list[float]] = defaultdict(list)
        self.counts: dict[str, list[int]] = defaultdict(list)
        event.listen(store.engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def __call__(self, name: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.statements = 0
        started = time.perf_counter()
        result = call(*args, **kwargs)
        self.times[name].append((time.perf_counter() - started) * 1000)
        self.counts[name].append(self.statements)
        return result


def raw_commit_ms(folder: Path, commits: int = 2000, runs: int = 3) -> float:
    """One single-row INSERT + COMMIT, with the app's SQLite settings: the median run."""
    per_commit = []
    for run in range(runs):
        conn = sqlite3.connect(folder / f"raw{run}.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        started = time.perf_counter()
        for n in range(commits):
            conn.execute("BEGIN")
            conn.execute("INSERT INTO t (v) VALUES (?)", (f"row {n}",))
            conn.execute("COMMIT")
        per_commit.append((time.perf_counter() - started) * 1000 / commits)
        conn.close()
    return statistics.median(per_commit)


def lunch_today(store: Store) -> datetime:
    """Half an hour into today's first service, as a UTC moment (the run may be at 6 am)."""
    with store.read() as s:
        zone = ZoneInfo(s.scalar(select(Restaurant.timezone)) or "UTC")
        opens = s.scalar(select(ServicePeriod.opens_at).order_by(ServicePeriod.opens_at))
    assert opens is not None
    today = datetime.now(zone).date()
    return datetime.combine(today, opens, zone).astimezone(UTC) + timedelta(minutes=30)


class Lunch:
    """A lunch of today played through the services, every call measured."""

    def __init__(self, store: Store, meter: Meter, start: datetime) -> None:
        self.store, self.m = store, meter
        self.now = set_now(start)
        self.staff = sign_in_demo_staff(store)
        with store.read() as s:
            self.tables = [
                (t.id, t.section.code, t.seats)
                for t in s.scalars(select(DiningTable).order_by(DiningTable.id))
            ]
            self.card = s.scalar(select(PaymentMethod.id).where(PaymentMethod.kind == "card"))
        self.items = plain_items(store)
        self.waiters = {"hall": "W01", "window": "W02", "private": "W03"}
        override_seating_gate(
            store,
            self.staff["M01"],
            OverrideSeatingGate(manager_pin=MANAGER_PIN, reason="latency benchmark"),
            at=self.now,
        )

    def tick(self, seconds: float = 5) -> datetime:
        self.now = set_now(self.now + timedelta(seconds=seconds))
        return self.now

    def reads(self) -> None:
        m, at = self.m, self.now
        m("waiter's tables", tables_by_need, self.store, self.staff["W01"], at=at)
        m("kitchen board", kitchen_board, self.store, self.staff["K01"], None, at=at)
        m("floor plan", floor_view, self.store, at=at)

    def round(self, parties: int, number: int) -> None:
        m, store, staff = self.m, self.store, self.staff
        seated: list[tuple[int, int, str]] = []  # party, table, waiter
        for table_id, section, seats in self.tables[:parties]:
            waiter = staff[self.waiters[section]]
            command = SeatParty(table_ids=[table_id], guests=PartyDetails(size=min(seats, 4)))
            done = m("seat party", seat_party, store, staff["G01"], command, at=self.tick())
            seated.append((done.party_id, table_id, waiter))
        self.reads()
        for n in range(LINES_PER_PARTY):
            for party, _, waiter in seated:
                item = self.items[(party * 7 + n * 3 + number) % len(self.items)]
                line = AddLine(
                    client_line_id=str(uuid.uuid4()), party_id=party, item_id=item, seat=1
                )
                m("add line", add_line, store, waiter, line, at=self.tick(1))
        for party, _, waiter in seated:
            view = order_view(store, party)
            send = SendOrder(
                client_send_id=str(uuid.uuid4()),
                party_id=party,
                lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
            )
            m("send order", send_order, store, waiter, send, at=self.tick())
        self.reads()
        for _course in range(6):  # at most as many courses as the menu has
            self._serve_next(seated)
        for party, _, waiter in seated:
            bill_of = PartyBill(party_id=party)
            self.tick()
            m("request bill", request_bill, store, waiter, bill_of)
            bill = m("present bill", present_bill, store, staff["C01"], bill_of, at=self.tick())
            part = bill.part(1)
            assert part is not None and self.card is not None
            pay = TakePayment(
                client_payment_id=str(uuid.uuid4()),
                bill_id=bill.bill_id,
                method_id=self.card,
                amount_minor=part.owed_minor,
                card_last4="4242",
            )
            self.tick()
            m("take payment", take_payment, store, staff["C01"], pay)
        self.reads()
        for party, table_id, waiter in seated:
            left = GuestsLeft(party_id=party)
            m("guests left", guests_left, store, waiter, left, at=self.tick())
            reset = ResetTable(table_id=table_id, belongings_checked=True)
            m("reset table", reset_table, store, waiter, reset, at=self.tick())

    def _serve_next(self, seated: list[tuple[int, int, str]]) -> None:
        """Fire each party's next held course, bump its tickets, serve it."""
        m, store, staff = self.m, self.store, self.staff
        fired: list[tuple[int, int, int]] = []
        for party, _, waiter in seated:
            courses = sorted(party_courses(store, waiter, party), key=lambda c: c.position)
            course = next((c for c in courses if c.state != CourseState.SERVED), None)
            if course is None:
                continue
            if course.state == CourseState.HELD:
                fire = FireCourse(party_id=party, course_id=course.course_id)
                m("fire course", fire_course, store, waiter, fire, at=self.tick())
            fired.append((party, course.course_id, waiter))
        if not fired:
            return
        self.reads()
        board = kitchen_board(store, staff["K01"], None, at=self.tick())
        mine = {party for party, _, _ in fired}
        for ticket in board.tickets:
            if ticket.party_id in mine:
                bump = BumpTicket(ticket_id=ticket.id, seen_version=ticket.version)
                m("bump ticket", bump_ticket, store, staff["K01"], bump, at=self.tick(2))
        for party, course_id, waiter in fired:
            served = MarkServed(party_id=party, course_id=course_id)
            m("mark served", mark_served, store, waiter, served, at=self.tick(2))


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def report(meter: Meter, raw_ms: float, parties: int, url: str) -> str:
    rows = [
        f"{'operation':18} {'calls':>6} {'median ms':>10} {'p95 ms':>8} {'statements':>11} "
        f"{'x raw commit':>13}"
    ]
    for name in OPERATIONS:
        times, counts = meter.times.get(name), meter.counts.get(name)
        if not times or not counts:
            continue
        median = statistics.median(times)
        low, high = min(counts), max(counts)
        statements = f"{low}" if low == high else f"{low}-{high}"
        rows.append(
            f"{name:18} {len(times):>6} {median:>10.2f} {p95(times):>8.2f} {statements:>11} "
            f"{median / raw_ms:>13.1f}"
        )
    rows.append(f"raw SQLite commit (WAL, synchronous=FULL): {raw_ms:.3f} ms")
    rows.append(f"database: {url} with {parties:,} parties")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.latency", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "source",
        nargs="?",
        default="/tmp/bench/year.db",
        help="the SQLite file bench.history made (it is copied, not changed)",
    )
    parser.add_argument("--db", help="measure this PostgreSQL database (filled by bench.history)")
    parser.add_argument("--rounds", type=int, default=4, help="lunches played (default 4)")
    parser.add_argument("--parties", type=int, default=20, help="parties at once (default 20)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tableside-bench-") as scratch:
        folder = Path(scratch)
        raw_ms = raw_commit_ms(folder)
        if args.db:
            url = args.db
        else:
            source = Path(args.source)
            if not source.is_file():
                parser.error(f"{source} is missing: make it with python -m bench.history {source}")
            started = time.monotonic()
            backup_sqlite(source, folder / "copy.db")
            print(f"copied {source} in {time.monotonic() - started:.0f} s")
            url = f"sqlite:///{folder / 'copy.db'}"
        store = Store(url)
        try:
            with store.read() as s:
                parties = s.scalar(select(func.count()).select_from(Party)) or 0
            meter = Meter(store)
            with fixed_clock():
                lunch = Lunch(store, meter, lunch_today(store))
                for number in range(args.rounds):
                    lunch.round(min(args.parties, len(lunch.tables)), number)
        finally:
            store.dispose()
        print(report(meter, raw_ms, parties, url.split("@")[-1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
