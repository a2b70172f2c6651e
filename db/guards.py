"""What the database itself enforces, whoever writes to it: the sent-line guard and, on
PostgreSQL, the privileges of the app's role. Used by the migrations (0008_security and any
later one that adds a table or a column to order_line) and by `main.py verify`.

PostgreSQL: migrations run as the role that owns the tables; the tablets connect as a login
role that is a member of APP_ROLE, which owns nothing. A role that does not own a table
cannot drop it, alter it, drop or disable its triggers, or TRUNCATE it; APP_ROLE is granted
only SELECT, INSERT and UPDATE (DELETE where the app really deletes rows), and on the
append-only tables only SELECT and INSERT.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

APP_ROLE = "tableside_app"

# The only columns of a sent line that may change, and only once: the void (第7条 ⑤).
SENT_LINE_VOID_COLUMNS = (
    "voided_at",
    "voided_by_id",
    "void_approved_by_id",
    "void_reason",
    "client_void_id",
    "version",
)

# Rows the app deletes: unsent order lines, the roles a manager takes away, the parts of
# a bill split again before anyone paid.
APP_DELETES = ("order_line", "staff_role", "bill_part")
# Rows nobody changes once written (their triggers say so too).
APPEND_ONLY = ("audit_event", "checklist_tick", "line_seal", "record_seal")
# Written by migrations only.
READ_ONLY = ("alembic_version",)

GUARD_TRIGGERS = {
    "sqlite": (
        "audit_event_no_update",
        "audit_event_no_delete",
        "line_seal_no_update",
        "line_seal_no_delete",
        "record_seal_no_update",
        "record_seal_no_delete",
        "order_line_sent_no_delete",
        "order_line_sent_no_rewrite",
    ),
    "postgresql": (
        "audit_event_no_update",
        "audit_event_no_delete",
        "audit_event_no_truncate",
        "line_seal_no_update",
        "line_seal_no_delete",
        "line_seal_no_truncate",
        "record_seal_no_update",
        "record_seal_no_delete",
        "record_seal_no_truncate",
        "order_line_sent_no_delete",
        "order_line_sent_no_rewrite",
        "order_line_no_truncate",
    ),
}

_VOID_ARRAY = "ARRAY[" + ", ".join(f"'{c}'" for c in SENT_LINE_VOID_COLUMNS) + "]"

# Every column but the void ones is compared through to_jsonb, so a column added later is
# covered without touching this function (the id included: a sent line is not renumbered).
SENT_LINE_GUARD_PG = f"""
CREATE OR REPLACE FUNCTION order_line_keep_sent() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.send_id IS NOT NULL THEN
            RAISE EXCEPTION 'order_line %: a sent line is never deleted; void it', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.send_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - {_VOID_ARRAY}) IS DISTINCT FROM (to_jsonb(OLD) - {_VOID_ARRAY}) THEN
        RAISE EXCEPTION 'order_line %: a sent line is never rewritten; void it', OLD.id;
    END IF;
    IF OLD.voided_at IS NOT NULL AND to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
        RAISE EXCEPTION 'order_line %: a sent line is never rewritten; it was voided already',
            OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS order_line_sent_no_rewrite ON order_line;
DROP TRIGGER IF EXISTS order_line_sent_no_delete ON order_line;
CREATE TRIGGER order_line_sent_no_delete BEFORE DELETE ON order_line
    FOR EACH ROW EXECUTE FUNCTION order_line_keep_sent();
CREATE TRIGGER order_line_sent_no_rewrite BEFORE UPDATE ON order_line
    FOR EACH ROW EXECUTE FUNCTION order_line_keep_sent();
"""


def sent_line_guard_sqlite(columns: list[str]) -> list[str]:
    """SQLite triggers cannot compare whole rows: every column is named, so a migration
    that adds a column to order_line calls this again with the new list."""
    frozen = [c for c in columns if c not in SENT_LINE_VOID_COLUMNS]
    changed = "\n        OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in frozen)
    voided = "\n            OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in SENT_LINE_VOID_COLUMNS)
    return [
        "DROP TRIGGER IF EXISTS order_line_sent_no_delete",
        "DROP TRIGGER IF EXISTS order_line_sent_no_rewrite",
        """CREATE TRIGGER order_line_sent_no_delete BEFORE DELETE ON order_line
    WHEN OLD.send_id IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'order_line: a sent line is never deleted; void it'); END""",
        f"""CREATE TRIGGER order_line_sent_no_rewrite BEFORE UPDATE ON order_line
    WHEN OLD.send_id IS NOT NULL AND (
        {changed}
        OR (OLD.voided_at IS NOT NULL AND (
            {voided})))
    BEGIN SELECT RAISE(ABORT, 'order_line: a sent line is never rewritten; void it'); END""",
    ]


SEAL_GUARD_PG = """
CREATE OR REPLACE FUNCTION line_seal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'line_seal is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER line_seal_no_update BEFORE UPDATE ON line_seal
    FOR EACH ROW EXECUTE FUNCTION line_seal_append_only();
CREATE TRIGGER line_seal_no_delete BEFORE DELETE ON line_seal
    FOR EACH ROW EXECUTE FUNCTION line_seal_append_only();
CREATE TRIGGER line_seal_no_truncate BEFORE TRUNCATE ON line_seal
    FOR EACH STATEMENT EXECUTE FUNCTION line_seal_append_only();
"""

SEAL_GUARD_SQLITE = [
    """CREATE TRIGGER line_seal_no_update BEFORE UPDATE ON line_seal
    BEGIN SELECT RAISE(ABORT, 'line_seal is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER line_seal_no_delete BEFORE DELETE ON line_seal
    BEGIN SELECT RAISE(ABORT, 'line_seal is append-only: DELETE refused'); END""",
]


def protect_seals(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(SEAL_GUARD_PG))
        return
    for statement in SEAL_GUARD_SQLITE:
        conn.exec_driver_sql(statement)


def append_only_guard_pg(table: str) -> str:
    """Triggers that refuse UPDATE, DELETE and TRUNCATE on `table`, whoever asks (the
    owner too, unless it drops them: verify then says they are missing)."""
    return f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();
"""


def append_only_guard_sqlite(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"""
        for op in ("UPDATE", "DELETE")
    ]


def protect_record_seals(conn: Connection) -> None:
    """The seals on money (db/money_seals.py) are append-only, like the line seals."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(append_only_guard_pg("record_seal")))
        return
    for statement in append_only_guard_sqlite("record_seal"):
        conn.exec_driver_sql(statement)


def protect_sent_lines(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(SENT_LINE_GUARD_PG))  # text(): psycopg reads a bare % as a placeholder
        return
    columns = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(order_line)")]
    for statement in sent_line_guard_sqlite(columns):
        conn.exec_driver_sql(statement)


def _tables(conn: Connection) -> list[str]:
    return list(
        conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY tablename"
            )
        ).scalars()
    )


def grant_app_role(conn: Connection) -> None:
    """Create APP_ROLE if it is not there and give it exactly what the app needs on every
    table of this schema. Run as the tables' owner; safe to run again (a later migration
    that adds a table calls it)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database on this server made it at the same moment
        END $$"""
    )
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO {APP_ROLE}')
    for table in _tables(conn):
        conn.exec_driver_sql(f'REVOKE ALL ON "{table}" FROM {APP_ROLE}')
        if table in READ_ONLY:
            privileges = "SELECT"
        elif table in APPEND_ONLY:
            privileges = "SELECT, INSERT"
        elif table in APP_DELETES:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        else:
            privileges = "SELECT, INSERT, UPDATE"
        conn.exec_driver_sql(f'GRANT {privileges} ON "{table}" TO {APP_ROLE}')
    conn.exec_driver_sql(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {APP_ROLE}')
    # Tables a later migration creates (as this same owner) start with the common grants;
    # that migration narrows them if its table is append-only.
    conn.exec_driver_sql(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
        f"GRANT SELECT, INSERT, UPDATE ON TABLES TO {APP_ROLE}"
    )
    conn.exec_driver_sql(
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT USAGE ON SEQUENCES TO {APP_ROLE}'
    )


def missing_triggers(conn: Connection) -> list[str]:
    """The guard triggers this database should have and has not (or has disabled)."""
    expected = GUARD_TRIGGERS.get(conn.dialect.name, ())
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        ).scalars()
    else:
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        rows = (r[0] for r in rows)
    present = set(rows)
    return [t for t in expected if t not in present]
