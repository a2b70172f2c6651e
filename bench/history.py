"""A year of a busy restaurant in a fresh database, for bench/latency.py.

    python -m bench.history /tmp/year.db            # 365 days x 2 services x ~150 parties
    python -m bench.history /tmp/week.db --days 7 --parties-per-service 40

Playing 100 000 meals through the services would take hours, so a few meals are played
through them once (bench/templates.py, on a scratch database) and their rows, every
table's, audit events and line seals included, are copied with bulk Core inserts:
new ids with every foreign key (and the ids inside audit details) following, new client
ids, timestamps moved to the party's service of the year, print jobs marked printed,
gap-free invoice numbers. The audit log and the line seals are hash-chained (db/chain.py):
each copied row's digest is made with the project's own functions, in the order the rows
are written, so `python main.py --db sqlite:///… verify` passes on the result.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import re
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Date, String, Table, func, insert, select, text, update

from bench.templates import Rows, Templates, make_templates, template_day
from db.chain import CHAIN_MODULES, GENESIS, SEALED_COLUMNS, digest_of, line_digest
from db.chain import CHAINS as REGISTERED_CHAINS
from db.engine import is_sqlite, make_engine, sqlite_path
from db.migrate import upgrade
from db.record_columns import SEALED_RECORDS, record_digest
from db.store import Store
from models import Base, InvoiceCounter, Restaurant, ServicePeriod, UTCDateTime
from services.restaurant.demo import load_demo

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SINGLETONS = frozenset({"invoice_counter"})  # one row; set once at the end
for _module in CHAIN_MODULES:  # every chained table, as `verify` walks them
    importlib.import_module(_module)
CHAINS = {spec.model.__tablename__: spec for spec in REGISTERED_CHAINS.values()}
assert {"audit_event", "line_seal"} <= set(CHAINS)
# Ids inside audit details, by key: the table they are ids of.
DETAIL_IDS = {
    "party": "party",
    "party_id": "party",
    "line": "order_line",
    "lines": "order_line",
    "tickets": "station_ticket",
    "print_jobs": "print_job",
    "bill": "bill",
    "supersedes": "bill",
}
TABLES: dict[str, Table] = {t.name: t for t in Base.metadata.sorted_tables}


@dataclass(frozen=True)
class Service:
    period_id: int
    code: str
    local_date: date
    opens: datetime  # UTC
    closes: datetime


def _columns(table: Table, kind: Callable[[Any], bool]) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if kind(c))


class Copier:
    """Copies template rows into the target, one service at a time, and writes them."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.next_id = {
            name: (conn.scalar(select(func.max(t.c.id))) or 0) + 1
            for name, t in TABLES.items()
            if list(t.primary_key.columns.keys()) == ["id"]
        }
        self.heads: dict[str, tuple[int, str]] = {}
        for name in CHAINS:
            t = TABLES[name]
            last = conn.execute(
                select(t.c.chain_seq, t.c.digest).order_by(t.c.chain_seq.desc()).limit(1)
            ).first()
            self.heads[name] = (last[0], last[1]) if last is not None else (0, GENESIS)
        bills = TABLES["bill"]
        self.next_invoice = (conn.scalar(select(func.max(bills.c.invoice_number))) or 0) + 1
        self.buffer: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.chained: dict[str, list[tuple[datetime, int, dict[str, Any]]]] = {
            name: [] for name in CHAINS
        }
        self.lines: dict[int, dict[str, Any]] = {}  # new order lines of this service, by id
        # This service's money rows (db/record_columns.py), as written: their seals' digests
        # are made from them, as db/money_seals.py makes them from the rows it seals.
        self.records: dict[tuple[str, int], dict[str, Any]] = {}
        self.counter_sealed = bool(
            conn.scalar(
                select(func.count())
                .select_from(TABLES["record_seal"])
                .where(TABLES["record_seal"].c.record_type == InvoiceCounter.__tablename__)
            )
        )
        self.counts: dict[str, int] = {}
        self._order = 0
        self._times = {
            n: _columns(t, lambda c: isinstance(c.type, UTCDateTime)) for n, t in TABLES.items()
        }
        self._dates = {
            n: _columns(t, lambda c: isinstance(c.type, Date)) for n, t in TABLES.items()
        }
        self._ids = {
            n: tuple((fk.parent.name, fk.column.table.name) for fk in t.foreign_keys)
            for n, t in TABLES.items()
        }
        self._uuids = {
            n: _columns(t, lambda c: isinstance(c.type, String) and bool(c.unique))
            + (("detail",) if n == "audit_event" else ())
            for n, t in TABLES.items()
        }

    def copy(self, template: Rows, shift: timedelta, service: Service, dinner_fix: bool) -> None:
        """One template (a party, or a service's set-up) moved by `shift`."""
        ids: dict[str, dict[int, int]] = {}
        for name, rows in template.items():
            if name in SINGLETONS or name in CHAINS:
                continue
            first = self.next_id[name]
            ids[name] = {r["id"]: first + n for n, r in enumerate(rows)}
            self.next_id[name] = first + len(rows)
        fresh: dict[str, str] = {}

        def new_uuid(match: re.Match[str]) -> str:
            return fresh.setdefault(match.group(0), str(uuid.uuid4()))

        invoices: dict[int, int] = {}
        days = timedelta(days=(service.local_date - template_day()).days)
        # The chained rows last: their details name invoices given to the bills above.
        for name, rows in sorted(template.items(), key=lambda item: item[0] in CHAINS):
            if name in SINGLETONS:
                continue
            for old in rows:
                row = dict(old)
                if name in ids:
                    row["id"] = ids[name][old["id"]]
                for col, target in self._ids[name]:
                    if row[col] is not None and target in ids:
                        row[col] = ids[target][row[col]]
                for col in self._times[name]:
                    if row[col] is not None:
                        row[col] = row[col] + shift
                for col in self._dates[name]:
                    if row[col] is not None:
                        row[col] = row[col] + days
                for col in self._uuids[name]:
                    if row[col]:
                        row[col] = UUID.sub(new_uuid, row[col])
                self._fix(name, row, ids, invoices, service, dinner_fix)
                if name in CHAINS:
                    self._order += 1
                    self.chained[name].append((row["at"], self._order, row))
                else:
                    self.buffer[name].append(row)
                    if name == "order_line":
                        self.lines[row["id"]] = row
                    if name in SEALED_RECORDS:
                        self.records[name, row["id"]] = row

    def _fix(
        self,
        name: str,
        row: dict[str, Any],
        ids: dict[str, dict[int, int]],
        invoices: dict[int, int],
        service: Service,
        dinner_fix: bool,
    ) -> None:
        if name == "bill" and row["invoice_number"] is not None:
            invoices[row["invoice_number"]] = self.next_invoice
            row["invoice_number"] = self.next_invoice
            self.next_invoice += 1
        elif name == "print_job":
            # Printed long ago: the spooler must not find a year of queued jobs.
            row.update(
                state="printed", attempts=1, printed_at=row["created_at"] + timedelta(seconds=4)
            )
            fired = re.match(r"fire:(\d+):(.*)", row["idempotency_key"])
            if fired:  # services/serving/courses.py: f"fire:{party_course.id}:{station}"
                course = ids["party_course"][int(fired.group(1))]
                row["idempotency_key"] = f"fire:{course}:{fired.group(2)}"
        elif name == "station_ticket":
            row["order_ref"] = re.sub(r"^\d+-", f"{row['party_id']}-", row["order_ref"])
        elif name == "line_seal":
            row["line_id"] = ids["order_line"][row["line_id"]]
        elif name == "record_seal" and row["record_type"] in ids:
            row["record_id"] = ids[row["record_type"]].get(row["record_id"], row["record_id"])
        elif name == "audit_event":
            if row["object_type"] in ids and row["object_id"].isdigit():
                row["object_id"] = str(ids[row["object_type"]][int(row["object_id"])])
            detail = json.loads(row["detail"])
            for key, target in DETAIL_IDS.items():
                value = detail.get(key)
                if target not in ids or value is None:
                    continue
                if isinstance(value, int):
                    detail[key] = ids[target].get(value, value)
                elif isinstance(value, list):
                    detail[key] = [ids[target].get(v, v) for v in value]
                elif isinstance(value, dict):
                    detail[key] = {k: ids[target].get(v, v) for k, v in value.items()}
            if "invoice" in detail and detail["invoice"] in invoices:
                detail["invoice"] = invoices[detail["invoice"]]
            if "service_date" in detail:
                detail["service_date"] = service.local_date.isoformat()
            if "service" in detail and dinner_fix:
                detail["service"] = service.code
            # As services.audit.record writes it.
            row["detail"] = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        if dinner_fix and "service_period_id" in row:
            row["service_period_id"] = service.period_id

    def end_service(self) -> None:
        """Chain this service's audit events and seals in the order they happened."""
        for name, spec in CHAINS.items():
            seq, prev = self.heads[name]
            for _, _, row in sorted(self.chained[name], key=lambda e: (e[0], e[1])):
                if name == "line_seal":
                    line = self.lines[row["line_id"]]
                    row["line_digest"] = line_digest(tuple(line[c] for c in SEALED_COLUMNS))
                elif name == "record_seal":
                    self._reseal(row)
                seq += 1
                row["id"] = self.next_id[name]
                self.next_id[name] += 1
                row["chain_seq"], row["prev_digest"] = seq, prev
                row["digest"] = prev = digest_of(
                    spec.name, seq, prev, spec.content(SimpleNamespace(**row))
                )
                self.buffer[name].append(row)
            self.heads[name] = (seq, prev)
            self.chained[name] = []
        self.lines = {}
        self.records = {}

    def _reseal(self, seal: dict[str, Any]) -> None:
        """A copied seal describes its record as copied (new ids, shifted times). Only a
        record's latest seal is compared with the row, so every seal of a record takes the
        row as written; the one invoice counter takes its value at this service's end,
        which is its value at the end of the year after the last service."""
        kind = seal["record_type"]
        if kind == InvoiceCounter.__tablename__:
            values: tuple[object, ...] = (seal["record_id"], self.next_invoice)
            if seal["event"] == "made" and self.counter_sealed:
                seal["event"] = "advanced"  # the one counter is made once, then moves on
            self.counter_sealed = True
        else:
            record = self.records.get((kind, seal["record_id"]))
            if record is None:  # removed in the template too: nothing to compare
                return
            values = tuple(record[c] for c in SEALED_RECORDS[kind])
        seal["record_digest"] = record_digest(kind, values)

    def write(self) -> None:
        for table in Base.metadata.sorted_tables:
            rows = self.buffer[table.name]
            for start in range(0, len(rows), 5000):
                self.conn.execute(insert(table), rows[start : start + 5000])
            self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
            self.buffer[table.name] = []


def services_of_year(conn: Connection, days: int, today: date | None = None) -> list[Service]:
    zone = ZoneInfo(conn.scalar(select(Restaurant.timezone)) or "UTC")
    today = today or datetime.now(zone).date()
    periods = conn.execute(select(ServicePeriod).order_by(ServicePeriod.opens_at)).all()
    out = []
    for n in range(days, 0, -1):  # the year before today, oldest first
        day = today - timedelta(days=n)
        for p in periods:
            opens = datetime.combine(day, p.opens_at, zone).astimezone(UTC)
            closes = datetime.combine(day, p.closes_at, zone).astimezone(UTC)
            out.append(Service(p.id, p.code, day, opens, closes))
    return out


def fill(
    url: str, templates: Templates, days: int, per_service: int, seed: int = 11
) -> dict[str, int]:
    """Add `days` days of history before today to a migrated demo database."""
    rng = random.Random(seed)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            copier = Copier(conn)
            lunch_id = templates.service["section_assignment"][0]["service_period_id"]
            for chunk, service in enumerate(services_of_year(conn, days), start=1):
                dinner_fix = service.period_id != lunch_id
                copier.copy(templates.service, service.opens - templates.start, service, dinner_fix)
                count = rng.randint(per_service * 4 // 5, max(per_service * 6 // 5, 1))
                # Seated from opening to half an hour before closing, the busiest early on.
                room = (service.closes - service.opens - timedelta(minutes=30)).total_seconds()
                starts = sorted(room * rng.random() ** 1.3 for _ in range(count))
                for n, offset in enumerate(starts):
                    party = templates.parties[n % len(templates.parties)]
                    start = service.opens + timedelta(seconds=offset)
                    copier.copy(party, start - templates.start, service, dinner_fix)
                copier.end_service()
                if chunk % 20 == 0:  # ten days per transaction
                    copier.write()
                    conn.commit()
            copier.write()
            if copier.next_invoice > 1:
                counter = TABLES[InvoiceCounter.__tablename__]
                if conn.scalar(select(func.count()).select_from(counter)):
                    conn.execute(update(counter).values(next_number=copier.next_invoice))
                else:
                    conn.execute(insert(counter).values(id=1, next_number=copier.next_invoice))
            if not is_sqlite(url):
                for name in copier.next_id:  # explicit ids: move the sequences on
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                        )
                    )
            conn.commit()
            return {n: c for n, c in sorted(copier.counts.items()) if c}
    finally:
        engine.dispose()


def build(url: str, days: int, per_service: int) -> dict[str, int]:
    upgrade(url)
    store = Store(url)
    try:
        load_demo(store)
    finally:
        store.dispose()
    with tempfile.TemporaryDirectory() as scratch:
        templates = make_templates(Path(scratch))
    return fill(url, templates, days, per_service)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.history", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "target", help="a new SQLite file, or a PostgreSQL URL of an empty database"
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--parties-per-service", type=int, default=150)
    parser.add_argument("--replace", action="store_true", help="delete the SQLite file first")
    args = parser.parse_args(argv)
    url = args.target if "://" in args.target else f"sqlite:///{Path(args.target).resolve()}"
    path = sqlite_path(url)
    if path is not None:
        db = Path(path)
        if db.exists():
            if not args.replace:
                parser.error(f"{db} exists; give --replace to make it again")
            for extra in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                extra.unlink(missing_ok=True)
    started = time.monotonic()
    counts = build(url, args.days, args.parties_per_service)
    took = time.monotonic() - started
    print(f"{args.days} days, ~{args.parties_per_service} parties a service: {took:.0f} s")
    for name, count in counts.items():
        print(f"  {name:24} {count:>10,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
