"""The PostgreSQL test databases are reused from test to test (tests/database_pool.py):
whatever one test leaves behind, rows, sequences, open sessions, a changed schema or
privileges, the next test never sees it; and nothing is left on the server at the end."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from db.guards import APP_ROLE, missing_triggers
from db.store import Store
from services import audit
from services.restaurant.demo import load_demo
from tests.database_pool import PgPool, conninfo, fingerprint, user_tables
from tests.database_support import Scenes, pg_admin


@pytest.fixture
def pool(pg_template: str) -> Iterator[PgPool]:
    """A pool of its own on this worker's template (the tests' pool is in use)."""
    made = PgPool(pg_template)
    try:
        yield made
    finally:
        made.close()


def _state(url: str) -> dict[str, object]:
    """Every row of every table, every sequence, and the schema's fingerprint."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        state: dict[str, object] = {"schema": fingerprint(conn)}
        for table in user_tables(conn):
            rows = conn.execute(f"SELECT t::text FROM {table} t ORDER BY 1").fetchall()
            state[table] = [r[0] for r in rows]
        sequences = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
        state["sequences"] = sequences
    return state


def _name(url: str) -> str:
    return str(make_url(url).database)


def test_a_database_comes_back_exactly_as_the_template_whatever_the_test_wrote(
    pool: PgPool,
) -> None:
    with pool.lease() as fresh_url:
        fresh = _state(fresh_url)
    with pool.lease() as url:
        store = Store(url)
        with store.write() as s:
            audit.record(s, action="test.done", object_type="test", actor_label="pytest")
        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            conn.execute("SELECT setval('staff_id_seq', 500)")
            conn.execute("DELETE FROM alembic_version")
        # A session left open in a transaction, holding a lock on the table, as a test
        # that failed half-way would leave it.
        stuck = psycopg.connect(conninfo(url))
        stuck.execute("LOCK TABLE audit_event IN ACCESS EXCLUSIVE MODE")
        # The store is not disposed either.
    assert pool.made == 1 and pool.reused == 2 and pool.dropped == 0
    with pool.lease() as again:
        assert _name(again) == _name(url)
        assert _state(again) == fresh
    with pytest.raises(psycopg.OperationalError):  # ended by the reset
        stuck.execute("SELECT 1")
    stuck.close()


CHANGES = {
    "a guard disabled": "ALTER TABLE order_line DISABLE TRIGGER order_line_sent_no_rewrite",
    "a guard dropped": "DROP TRIGGER audit_event_no_update ON audit_event",
    "a foreign key disabled": "ALTER TABLE staff_role DISABLE TRIGGER ALL",
    "a privilege granted": f"GRANT DELETE ON audit_event TO {APP_ROLE}",
    "a privilege revoked": f"REVOKE INSERT ON audit_event FROM {APP_ROLE}",
    "a function made": "CREATE FUNCTION backdoor() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "a function rewritten": (
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'"
    ),
    "a column added": "ALTER TABLE staff ADD COLUMN backdoor TEXT",
    "a table made elsewhere": "CREATE SCHEMA shadow; CREATE TABLE shadow.copy (id int)",
    "a database setting": "ALTER DATABASE \"{database}\" SET work_mem = '8MB'",
    "a role's setting here": (
        f"ALTER ROLE {APP_ROLE} IN DATABASE \"{{database}}\" SET work_mem = '8MB'"
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_database_whose_schema_or_privileges_changed_is_never_lent_again(
    pool: PgPool, change: str
) -> None:
    with pool.lease() as url:
        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            conn.execute(change.format(database=_name(url)))
        changed = _name(url)
    assert pool.dropped == 1 and changed not in pool.names
    with pool.lease() as fresh:
        assert _name(fresh) != changed
        assert _state(fresh)["schema"] == pool.fingerprint
        store = Store(fresh)
        try:
            with store.read() as s:
                assert missing_triggers(s.connection()) == []
        finally:
            store.dispose()


def test_the_demo_copied_on_postgresql_is_the_demo_the_loader_wrote(
    pool: PgPool, tmp_path: Path
) -> None:
    scenes = Scenes(tmp_path)
    with pool.lease() as loaded_url, pool.lease() as copied_url:
        loaded, copied = Store(loaded_url), Store(copied_url)
        try:
            # The first time the real loader, then the copy every test gets.
            for store in (loaded, copied):
                scenes.set_up(store, None, ("demo",), partial(load_demo, store), None)
        finally:
            loaded.dispose()
            copied.dispose()
        assert (scenes.built, scenes.copied) == (1, 1)
        assert _state(copied_url) == _state(loaded_url)


def test_nothing_is_left_on_the_server_when_the_pool_closes(pool: PgPool) -> None:
    with pool.lease(), pool.lease():
        names = pool.names
    assert len(names) == 2
    pool.close()
    admin = pg_admin()
    try:
        with admin.connect() as conn:
            left = conn.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
    finally:
        admin.dispose()
    assert not set(names) & set(left)
