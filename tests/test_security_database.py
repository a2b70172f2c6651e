"""What the database enforces against every client, with raw SQL: a sent line changes only
by its void, once; on PostgreSQL the app's role cannot drop, disable or rewrite anything
that keeps the record honest, while the app's own work goes through."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Boolean, DateTime, Integer, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from db.guards import APP_ROLE, SENT_LINE_VOID_COLUMNS
from db.store import Store
from models import OrderLine
from services.orders.taking import RemoveLine, remove_line
from services.people.staff import SignIn, sign_in
from tests.order_support import Dining
from tests.seating_support import MANAGER_PIN

FROZEN = [c for c in OrderLine.__table__.columns if c.name not in SENT_LINE_VOID_COLUMNS]


def _other_value(column: object, current: object) -> object:
    kind = getattr(column, "type", None)
    kind = getattr(kind, "impl", kind)  # UTCDateTime is a DateTime underneath
    if isinstance(kind, Boolean):
        return not current
    if isinstance(kind, Integer):
        return (current or 0) + 1 if column.name != "quantity" else 2  # type: ignore[attr-defined]
    if isinstance(kind, DateTime):
        return datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    return "forged"


@pytest.fixture
def dining(store: Store) -> Dining:
    return Dining(store)  # the demo restaurant, a party seated at table 1


def _sent_line(dining: Dining) -> int:
    dining.add("jasmine_tea")
    dining.send()
    return dining.order().lines[0].id


@pytest.mark.parametrize("column", [c.name for c in FROZEN])
def test_no_column_of_a_sent_line_can_be_rewritten(dining: Dining, column: str) -> None:
    line_id = _sent_line(dining)
    with dining.store.read() as s:
        current = s.execute(
            text(f'SELECT "{column}" FROM order_line WHERE id = :id'), {"id": line_id}
        ).scalar()
    value = _other_value(OrderLine.__table__.columns[column], current)
    with pytest.raises(DBAPIError, match="never rewritten"), dining.store.write() as s:
        s.execute(
            text(f'UPDATE order_line SET "{column}" = :v WHERE id = :id'),
            {"v": value, "id": line_id},
        )


def test_a_sent_line_is_voided_once_and_never_deleted(dining: Dining) -> None:
    line_id = _sent_line(dining)
    staff = dining.staff
    void = (
        "UPDATE order_line SET voided_at = :at, voided_by_id = :by, void_approved_by_id = :mgr, "
        "void_reason = :why, client_void_id = :cid, version = version + 1 WHERE id = :id"
    )
    params = {
        "at": datetime.now(UTC),
        "by": staff["W01"],
        "mgr": staff["M01"],
        "why": "wrong entry",
        "cid": str(uuid.uuid4()),
        "id": line_id,
    }
    with dining.store.write() as s:
        s.execute(text(void), params)
    for statement in (
        "UPDATE order_line SET void_reason = 'rewritten' WHERE id = :id",
        "UPDATE order_line SET voided_at = NULL WHERE id = :id",
        "UPDATE order_line SET version = version + 1 WHERE id = :id",
    ):
        refused = pytest.raises(DBAPIError, match=r"never rewritten|stays as it was voided")
        with refused, dining.store.write() as s:
            s.execute(text(statement), {"id": line_id})
    with pytest.raises(DBAPIError, match="never deleted"), dining.store.write() as s:
        s.execute(text("DELETE FROM order_line WHERE id = :id"), {"id": line_id})


def test_an_unsent_line_may_still_change_and_go(dining: Dining) -> None:
    line_id = dining.add("jasmine_tea").lines[0].id
    with dining.store.write() as s:
        s.execute(text("UPDATE order_line SET quantity = 3 WHERE id = :id"), {"id": line_id})
        s.execute(text("UPDATE order_line SET id = id + 1000 WHERE id = :id"), {"id": line_id})
        s.execute(text("DELETE FROM order_line WHERE id = :id"), {"id": line_id + 1000})


# -- the app's role on PostgreSQL --------------------------------------------------------


@pytest.fixture
def pg_dining(pg_url: str) -> Iterator[Dining]:
    """The demo restaurant on PostgreSQL only (roles are PostgreSQL's), migrated as the
    owner, a party seated."""
    store = Store(pg_url)
    try:
        yield Dining(store)
    finally:
        store.dispose()


@pytest.fixture
def app_url(pg_dining: Dining) -> Iterator[str]:
    """A login role in tableside_app, as a tablet connects (README), on the demo database."""
    demo = pg_dining.store
    name = f"tablet_{uuid.uuid4().hex[:10]}"
    admin = create_engine(demo.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN IN ROLE {APP_ROLE}"))
    try:
        yield make_url(demo.url).set(username=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {name}"))
            conn.execute(text(f"DROP ROLE {name}"))
        admin.dispose()


REFUSED_TO_THE_APP = [
    "DROP TRIGGER audit_event_no_update ON audit_event",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "ALTER TABLE order_line DISABLE TRIGGER order_line_sent_no_rewrite",
    "DROP TRIGGER order_line_sent_no_rewrite ON order_line",
    "DROP FUNCTION order_line_keep_sent() CASCADE",
    "DROP TABLE order_line CASCADE",
    "DROP TABLE audit_event CASCADE",
    "TRUNCATE audit_event",
    "TRUNCATE order_line CASCADE",
    "UPDATE audit_event SET action = 'forged'",
    "DELETE FROM audit_event",
    "UPDATE alembic_version SET version_num = '0001_foundation'",
    "ALTER TABLE staff ADD COLUMN backdoor TEXT",
    "CREATE TABLE shadow (id INTEGER)",
    "SET session_replication_role = replica",
]


def test_the_apps_role_cannot_undo_the_guards(app_url: str, pg_dining: Dining) -> None:
    line_id = _sent_line(pg_dining)
    renumber = f"UPDATE order_line SET id = 999 WHERE id = {line_id}"
    engine = create_engine(app_url)
    try:
        for statement in [*REFUSED_TO_THE_APP, renumber]:
            refused = pytest.raises(DBAPIError, match=r"permission|must be owner|never rewritten")
            with engine.connect() as conn, refused:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() > 0
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_trigger WHERE tgname = :t"),
                    {"t": "order_line_sent_no_rewrite"},
                ).scalar_one()
                == 1
            )
    finally:
        engine.dispose()


def test_the_apps_role_does_the_apps_work(app_url: str, pg_dining: Dining) -> None:
    """Sign in, order, send, void with a manager's PIN, remove an unsent line: as a tablet."""
    dining = pg_dining
    tablet = Store(app_url)
    try:
        user = sign_in(tablet, SignIn(staff_id=dining.staff["W01"], pin="1111"))
        assert user.number == "W01"
        dining.add("jasmine_tea", store=tablet)
        dining.add("jasmine_tea", store=tablet)
        dining.send(store=tablet)
        tea = dining.order().lines[0]
        voided = dining.void(tea.id, store=tablet, pin=MANAGER_PIN)
        assert voided.line(tea.id).voided  # type: ignore[union-attr]
        fresh = dining.add("jasmine_tea", store=tablet)
        unsent = fresh.new_lines[0]
        remove_line(
            tablet,
            dining.staff["W01"],
            RemoveLine(line_id=unsent.id, version=unsent.version),
        )
        assert all(line.id != unsent.id for line in dining.order().lines)
        # The seals the tablet wrote, and its audit events, verify.
        from db.chain import verify_store

        assert verify_store(tablet).ok
    finally:
        tablet.dispose()


def test_a_tablet_cannot_migrate_and_says_so(app_url: str, pg_dining: Dining) -> None:
    """A schema an app update must migrate: only the owner may do it."""
    from tests.test_admin_commands import run_main

    owner = create_engine(pg_dining.store.url)
    with owner.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0007_billing'"))
    owner.dispose()
    result = run_main("--db", app_url, "upgrade")
    assert result.returncode == 1
    assert "only the owner of its tables may do" in result.stderr
    assert "Traceback" not in result.stderr
