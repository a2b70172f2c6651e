"""The audit hash chain and `main.py verify`: what no role can prevent is still found.

Tampering is done as the people the guards cannot stop: anyone holding the SQLite file
(raw SQL after dropping the triggers), and the PostgreSQL superuser with triggers off
(session_replication_role = replica).
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from db.chain import digest_of, verify_store
from db.store import Store
from models import AuditEvent
from services import audit
from tests.order_support import Dining
from tests.test_admin_commands import run_main

EVENTS = 6


@pytest.fixture
def logged(store: Store) -> Store:
    for n in range(EVENTS):
        with store.write() as s:
            audit.record(s, action=f"test.event_{n}", object_type="test", actor_label="pytest")
    return store


def _ids(store: Store) -> list[int]:
    with store.read() as s:
        return list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


AUDIT_GUARDS = ("audit_event_no_update", "audit_event_no_delete")


def tamper(
    store: Store,
    *statements: str,
    guards: tuple[str, ...] = AUDIT_GUARDS,
    foreign_keys: bool = True,
) -> None:
    """Raw SQL with the guards out of the way: on SQLite the named triggers are dropped
    (and the foreign keys turned off if asked), on PostgreSQL every trigger is skipped."""
    if store.is_sqlite:
        conn = sqlite3.connect(store.url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            if not foreign_keys:
                conn.execute("PRAGMA foreign_keys = OFF")
            for guard in guards:
                conn.execute(f"DROP TRIGGER IF EXISTS {guard}")
            for statement in statements:
                conn.execute(statement)
        finally:
            conn.close()
        return
    engine = create_engine(store.url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.exec_driver_sql(statement)  # as typed: no bind parameters
    finally:
        engine.dispose()


def _problems(store: Store) -> list[str]:
    return [p.what for c in verify_store(store).chains for p in c.problems]


def test_an_untouched_log_verifies(logged: Store) -> None:
    report = verify_store(logged)
    assert report.ok
    chain = next(c for c in report.chains if c.chain == "audit_event")
    assert chain.rows == EVENTS and chain.head_seq == EVENTS


def test_a_changed_event_is_found(logged: Store) -> None:
    third = _ids(logged)[2]
    tamper(logged, f"UPDATE audit_event SET detail = '{{\"forged\": 1}}' WHERE id = {third}")
    assert _problems(logged) == [f"row {third} was changed after it was written"]


def test_a_changed_event_with_its_digest_recomputed_is_found_by_the_next(logged: Store) -> None:
    ids = _ids(logged)
    with logged.read() as s:
        row = s.get(AuditEvent, ids[2])
        assert row is not None
        forged = digest_of(
            "audit_event",
            row.chain_seq,
            row.prev_digest,
            (row.at, row.actor_id, row.actor_label, None, "test.forged", "test", "", "{}"),
        )
    tamper(
        logged,
        f"UPDATE audit_event SET action = 'test.forged', detail = '{{}}', digest = '{forged}' "
        f"WHERE id = {ids[2]}",
    )
    expected = f"row {ids[3]} does not follow the row before it (removed or inserted)"
    assert _problems(logged) == [expected]


def test_a_removed_event_is_found(logged: Store) -> None:
    ids = _ids(logged)
    tamper(logged, f"DELETE FROM audit_event WHERE id = {ids[3]}")
    assert _problems(logged) == [f"1 row(s) before row {ids[4]} were removed"]


def test_an_event_inserted_out_of_order_is_found(logged: Store) -> None:
    ids = _ids(logged)
    with logged.read() as s:
        second = s.get(AuditEvent, ids[1])
        assert second is not None
        at = second.at.isoformat()
    # Backdated after the second event: it can only go at the end, with a place it never had.
    tamper(
        logged,
        "INSERT INTO audit_event (id, at, actor_label, action, object_type, object_id, detail, "
        f"chain_seq, prev_digest, digest) VALUES ({ids[-1] + 1}, '{at}', 'pytest', "
        f"'test.backdated', 'test', '', '{{}}', 0, '{second.digest}', 'x')",
    )
    problems = _problems(logged)
    assert f"row {ids[-1] + 1} was inserted out of order (place 0 after {EVENTS})" in problems


def test_an_event_inserted_in_the_middle_is_found(logged: Store) -> None:
    ids = _ids(logged)
    # Make room after the second event (ids and places move up by one), then fill it.
    tamper(
        logged,
        f"UPDATE audit_event SET id = id + 1000, chain_seq = chain_seq + 1000 WHERE id > {ids[1]}",
        "UPDATE audit_event SET id = id - 999, chain_seq = chain_seq - 999 WHERE id > 1000",
        "INSERT INTO audit_event (id, at, actor_label, action, object_type, object_id, detail, "
        f"chain_seq, prev_digest, digest) SELECT id + 1, at, 'pytest', 'test.slipped_in', "
        f"'test', '', '{{}}', chain_seq + 1, digest, 'x' FROM audit_event WHERE id = {ids[1]}",
    )
    problems = _problems(logged)
    assert f"row {ids[1] + 1} was changed after it was written" in problems
    assert f"row {ids[1] + 2} was changed after it was written" in problems


def test_verify_command_reports_and_exits_non_zero(logged: Store) -> None:
    intact = run_main("--db", logged.url, "verify")
    assert intact.returncode == 0, intact.stderr
    assert f"audit_event: {EVENTS} rows" in intact.stdout
    tamper(logged, f"DELETE FROM audit_event WHERE id = {_ids(logged)[0]}")
    broken = run_main("verify", "--db", logged.url)  # either order of the options
    assert broken.returncode == 1
    assert "were removed" in broken.stdout and "NOT INTACT" in broken.stdout
    if logged.is_sqlite:  # the dropped triggers are reported too
        assert "guard trigger audit_event_no_delete is missing" in broken.stdout


def test_verify_writes_nothing_to_a_sqlite_file(sqlite_url: str) -> None:
    from pathlib import Path

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    before = path.read_bytes()
    result = run_main("--db", sqlite_url, "verify")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_tablets_writing_at_once_never_fork_the_chain(store: Store) -> None:
    tablets = [Store(store.url) for _ in range(6)]
    start = threading.Barrier(len(tablets))
    failures: list[BaseException] = []

    def write(tablet: Store, n: int) -> None:
        start.wait()
        try:
            for k in range(5):
                with tablet.write() as s:
                    audit.record(s, action="test.busy", object_type="test", object_id=f"{n}.{k}")
                    audit.record(s, action="test.busy2", object_type="test", object_id=f"{n}.{k}")
        except BaseException as exc:  # looked at below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(t, n)) for n, t in enumerate(tablets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for tablet in tablets:
        tablet.dispose()
    assert not failures
    report = verify_store(store)
    assert report.ok
    assert next(c for c in report.chains if c.chain == "audit_event").rows == 60


# -- sent order lines, sealed ------------------------------------------------------------


def _tamper_lines(store: Store, *statements: str) -> None:
    guards = ("order_line_sent_no_rewrite", "order_line_sent_no_delete")
    tamper(store, *statements, guards=guards, foreign_keys=False)


@pytest.fixture
def served(store: Store) -> tuple[Dining, int, int]:
    dining = Dining(store)
    dining.add("jasmine_tea")
    dining.add("jasmine_tea", seat=2)
    dining.send()
    tea, second = (line.id for line in dining.order().lines)
    dining.void(second)
    return dining, tea, second


def test_sent_and_voided_lines_are_sealed_and_verify(served: tuple[Dining, int, int]) -> None:
    dining, _tea, _second = served
    report = verify_store(dining.store)
    assert report.ok, report
    seals = {c.chain: c.rows for c in report.chains}["line_seal"]
    assert seals == 3  # two sent, one of them voided


def test_a_sent_line_changed_by_force_is_found(served: tuple[Dining, int, int]) -> None:
    dining, tea, second = served
    _tamper_lines(
        dining.store,
        f"UPDATE order_line SET quantity = 5 WHERE id = {tea}",
        f"UPDATE order_line SET void_reason = 'nothing' WHERE id = {second}",
    )
    problems = _problems(dining.store) + [p.what for p in verify_store(dining.store).other_problems]
    assert f"sent line {tea} was changed after it was sent" in problems
    assert f"sent line {second} was changed after it was voided" in problems


def test_a_sent_line_removed_by_force_is_found(served: tuple[Dining, int, int]) -> None:
    dining, tea, _second = served
    _tamper_lines(dining.store, f"DELETE FROM order_line WHERE id = {tea}")
    problems = [p.what for p in verify_store(dining.store).other_problems]
    assert problems == [f"sent line {tea} was removed"]


def test_events_and_lines_from_before_the_chain_are_chained_by_the_upgrade(
    served: tuple[Dining, int, int],
) -> None:
    """A database written before 0008_security: the upgrade chains its events and seals
    its sent lines as they are, so verify starts from a clean bill."""
    from alembic import command

    from db.migrate import alembic_config

    dining, _tea, _second = served
    store = dining.store
    with store.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    store.dispose()
    command.downgrade(alembic_config(store.url), "0007_billing")
    command.upgrade(alembic_config(store.url), "heads")
    report = verify_store(store)
    assert report.ok, report
    rows = {c.chain: c.rows for c in report.chains}
    # One seal per sent line; no bill or payment yet to seal (0014_money_seals).
    assert rows == {"audit_event": events, "line_seal": 2, "record_seal": 0}


def test_a_disabled_or_dropped_guard_is_reported(logged: Store) -> None:
    if logged.is_sqlite:
        tamper(logged)  # drops the audit log's triggers, as anyone with the file can
        expected = {"audit_event_no_update", "audit_event_no_delete"}
    else:
        tamper(logged, "ALTER TABLE order_line DISABLE TRIGGER order_line_sent_no_rewrite")
        expected = {"order_line_sent_no_rewrite"}
    report = verify_store(logged)
    assert set(report.missing_guards) == expected and not report.ok
