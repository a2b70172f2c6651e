"""PostgreSQL test databases made once per worker and put back to the template after every
test, instead of a `CREATE DATABASE ... TEMPLATE` (0.5-1 s on a busy server) per test.

Each xdist worker has its own pool: databases copied from that worker's migrated template
the first time they are needed, then lent to one test at a time. When a test is done its
database is reset in one round trip, as the owner doing test cleanup (never as the app):
other connections to it are ended, triggers are switched off for the transaction
(session_replication_role = replica, so neither the append-only guards nor the foreign keys
fire while it is emptied), every table is emptied, the rows the migrations wrote are put
back and every sequence is set to the template's value. The same round trip returns a
fingerprint of the schema, the privileges and the database's settings; a test that changed
any of them (dropped or disabled a trigger, granted, made a function, altered a table) gets
its database dropped, and the next test a fresh copy.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

# The PostgreSQL server the tests use. CI makes sure it is there; the tests never skip it
# unless TABLESIDE_TEST_SKIP_PG=1 is set by hand.
PG_URL = os.environ.get("TABLESIDE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SKIP_PG = os.environ.get("TABLESIDE_TEST_SKIP_PG") == "1"


def pg_admin() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def pg_url_for(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def pg_database(name: str, template: str | None = None) -> None:
    """Create a PostgreSQL database, empty or as a copy of `template` (which must have no
    open connections)."""
    admin = pg_admin()
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    finally:
        admin.dispose()


def drop_pg_database(name: str) -> None:
    admin = pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# Namespaces a test's objects may live in: all but the system's own (temporary schemas
# come and go with sessions and are never part of a test's lasting state).
_USER_NAMESPACES = """
SELECT oid FROM pg_namespace
WHERE nspname NOT IN ('pg_catalog', 'information_schema')
  AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'
"""

# What a test might change in a database besides its rows, one catalog a part. Object ids
# are compared too: a copy made by CREATE DATABASE ... TEMPLATE keeps the template's, and
# anything made after it gets a new one. Physical details that emptying changes
# (relfilenode, page counts, statistics) are left out.
_REL = "(SELECT oid FROM pg_class WHERE relnamespace IN (SELECT oid FROM ns))"
_THIS_DB = "(SELECT oid FROM pg_database WHERE datname = current_database())"
_MADE_LATER = (
    "pg_operator",
    "pg_cast",
    "pg_language",
    "pg_collation",
    "pg_conversion",
    "pg_opclass",
    "pg_opfamily",
    "pg_am",
    "pg_foreign_data_wrapper",
    "pg_foreign_server",
    "pg_user_mapping",
    "pg_publication",
    "pg_statistic_ext",
    "pg_ts_config",
    "pg_ts_dict",
    "pg_transform",
    "pg_enum",
)


def _rows(columns: str, source: str, order: str = "oid") -> str:
    return f"SELECT string_agg(ROW({columns})::text, ';' ORDER BY {order}) FROM {source}"


FINGERPRINT_PARTS = (
    _rows("oid, nspname, nspowner, nspacl", "pg_namespace WHERE oid IN (SELECT oid FROM ns)"),
    _rows(
        "oid, relname, relnamespace, relkind, relowner, relacl, relpersistence, "
        "relrowsecurity, relforcerowsecurity, relreplident, reloptions, relnatts, relchecks, "
        "relispartition",
        f"pg_class WHERE oid IN {_REL}",
    ),
    _rows(
        "attrelid, attnum, attname, atttypid, atttypmod, attnotnull, atthasdef, attidentity, "
        "attgenerated, attisdropped, attcollation, attacl, attoptions",
        f"pg_attribute WHERE attrelid IN {_REL} AND attnum > 0",
        "attrelid, attnum",
    ),
    _rows("oid, adrelid, adnum, adbin", f"pg_attrdef WHERE adrelid IN {_REL}"),
    _rows(
        "oid, conname, conrelid, contype, condeferrable, condeferred, convalidated, conindid, "
        "confrelid, confupdtype, confdeltype, conkey, confkey, conbin",
        "pg_constraint WHERE connamespace IN (SELECT oid FROM ns)",
    ),
    _rows(
        "indexrelid, indrelid, indisunique, indisvalid, indisready, indkey, indclass, "
        "indoption, indexprs, indpred",
        f"pg_index WHERE indrelid IN {_REL}",
        "indexrelid",
    ),
    _rows(
        "oid, tgrelid, tgname, tgfoid, tgtype, tgenabled, tgisinternal, tgconstraint, "
        "tgdeferrable, tginitdeferred, tgattr, tgargs, tgqual",
        f"pg_trigger WHERE tgrelid IN {_REL}",
    ),
    _rows(
        "oid, proname, pronamespace, proowner, proacl, prosecdef, proconfig, prokind, "
        "provolatile, proisstrict, prorettype, proargtypes, md5(prosrc)",
        "pg_proc WHERE pronamespace IN (SELECT oid FROM ns)",
    ),
    _rows(
        "oid, typname, typowner, typacl, typtype, typnotnull, typbasetype",
        "pg_type WHERE typnamespace IN (SELECT oid FROM ns)",
    ),
    _rows(
        "seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle",
        f"pg_sequence WHERE seqrelid IN {_REL}",
        "seqrelid",
    ),
    _rows(
        "oid, ev_class, rulename, ev_enabled, md5(ev_action::text)",
        f"pg_rewrite WHERE ev_class IN {_REL}",
    ),
    _rows("inhrelid, inhparent, inhseqno", "pg_inherits", "inhrelid, inhseqno"),
    _rows(
        "oid, polname, polrelid, polcmd, polpermissive, polroles, polqual, polwithcheck",
        "pg_policy",
    ),
    _rows("oid, defaclrole, defaclnamespace, defaclobjtype, defaclacl", "pg_default_acl"),
    _rows("oid, evtname, evtevent, evtenabled, evtfoid", "pg_event_trigger"),
    _rows("oid, extname, extversion", "pg_extension"),
    _rows("oid, lomowner, lomacl", "pg_largeobject_metadata"),
    _rows("setrole, setconfig", f"pg_db_role_setting WHERE setdatabase = {_THIS_DB}", "setrole"),
    _rows("datdba, datacl, datconnlimit, datallowconn", f"pg_database WHERE oid = {_THIS_DB}"),
    # Anything else made in the database (an operator, a cast, a language, a server...).
    "SELECT concat_ws(',', "
    + ", ".join(f"(SELECT count(*) FROM {c} WHERE oid >= 16384)" for c in _MADE_LATER)
    + ")",
)

FINGERPRINT_SQL = (
    f"WITH ns AS ({_USER_NAMESPACES}) SELECT md5(concat_ws(E'\\n', "
    + ", ".join(f"({part})" for part in FINGERPRINT_PARTS)
    + "))"
)


def conninfo(url: str) -> str:
    """A libpq URI for psycopg from one of the tests' SQLAlchemy URLs."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def user_tables(conn: psycopg.Connection) -> list[str]:
    """Every ordinary table of the database, schema-qualified and quoted."""
    rows = conn.execute(
        f"SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'p') "
        f"AND relnamespace IN ({_USER_NAMESPACES}) ORDER BY oid"
    ).fetchall()
    return [r[0] for r in rows]


def copy_rows_sql(conn: psycopg.Connection, table: str) -> str | None:
    """One INSERT that writes the table's rows again exactly as they are now (through JSON
    and the table's own row type, so every value comes back as its column's type), or
    None for an empty table. Generated columns are left for the database to compute."""
    columns = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        (table,),
    ).fetchall()
    data = conn.execute(sql.SQL("SELECT json_agg(t)::text FROM {} t").format(sql.SQL(table)))
    rows = data.fetchone()
    if rows is None or rows[0] is None:
        return None
    names = sql.SQL(", ").join(sql.Identifier(c[0]) for c in columns)
    statement = sql.SQL(
        "INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE "
        "SELECT {names} FROM json_populate_recordset(NULL::{table}, {rows});"
    ).format(table=sql.SQL(table), names=names, rows=sql.Literal(rows[0]))
    return statement.as_string(conn)


def sequences_sql(conn: psycopg.Connection) -> str:
    """PERFORM setval for every sequence, back to the value it has now."""
    rows = conn.execute(
        "SELECT format('PERFORM setval(%L, %s, %L);', format('%I.%I', schemaname, "
        "sequencename), COALESCE(last_value, start_value), last_value IS NOT NULL) "
        "FROM pg_sequences WHERE schemaname NOT LIKE 'pg\\_%' ORDER BY 1"
    ).fetchall()
    return "\n".join(r[0] for r in rows)


def owner_script(body: str) -> str:
    """A DO block run as the owner with every trigger off for its one transaction, which
    does not wait for its commit to reach the disk (test data: a crash loses nothing)."""
    return (
        "DO $tableside_reset$ BEGIN\n"
        "PERFORM set_config('session_replication_role', 'replica', true);\n"
        "PERFORM set_config('synchronous_commit', 'off', true);\n"
        "PERFORM set_config('lock_timeout', '10s', true);\n"
        f"{body}\nEND $tableside_reset$;"
    )


def reset_script(conn: psycopg.Connection) -> str:
    """The statements that put a copy of this (template) database back to its state:
    end the other sessions, empty every table, write the seeded rows, set the sequences;
    then the fingerprint, read in the same round trip."""
    tables = user_tables(conn)
    # DELETE, not TRUNCATE: measured here at 25-40 ms for the whole reset against 0.3-1 s,
    # since TRUNCATE makes new files for every table and index (CONTRIBUTING.md).
    emptying = "\n".join(f"DELETE FROM {t};" for t in tables)
    seeded = [s for s in (copy_rows_sql(conn, t) for t in tables) if s is not None]
    body = "\n".join(
        [
            # Wait (up to 5 s each) until they are gone: their locks and temporary objects
            # go with them.
            "PERFORM pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid();",
            emptying,
            *seeded,
            sequences_sql(conn),
        ]
    )
    return f"{owner_script(body)}\n{FINGERPRINT_SQL};"


def fingerprint(conn: psycopg.Connection) -> str:
    row = conn.execute(FINGERPRINT_SQL).fetchone()
    assert row is not None
    return str(row[0])


@dataclass
class _Database:
    name: str
    url: str
    conn: psycopg.Connection | None = None  # the owner's, kept for the resets


class PgPool:
    """One worker's databases, all copies of `template` (a database nobody connects to
    once it is migrated, as CREATE DATABASE ... TEMPLATE requires)."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.tag = uuid.uuid4().hex[:6]  # two pools on one template never share a name
        self.free: list[_Database] = []
        self.made = 0
        self.reused = 0  # leases whose database was reset and kept
        self.dropped = 0  # leases whose database had changed beyond its rows
        self._all: dict[str, _Database] = {}
        with psycopg.connect(conninfo(pg_url_for(template)), autocommit=True) as conn:
            self.fingerprint = fingerprint(conn)
            self.reset = reset_script(conn)

    @property
    def names(self) -> list[str]:
        """Every database of the pool that exists now, lent or free."""
        return list(self._all)

    @contextmanager
    def lease(self) -> Iterator[str]:
        """The URL of a database in the template's exact state, for one test."""
        db = self.free.pop() if self.free else self._make()
        try:
            yield db.url
        finally:
            if self._put_back(db):
                self.reused += 1
                self.free.append(db)
            else:
                self.dropped += 1
                self._forget(db)

    def close(self) -> None:
        for db in list(self._all.values()):
            self._forget(db)
        self.free.clear()

    def _make(self) -> _Database:
        self.made += 1
        name = f"{self.template}_{self.tag}_{self.made}"
        pg_database(name, template=self.template)
        db = _Database(name=name, url=pg_url_for(name))
        self._all[name] = db
        return db

    def _put_back(self, db: _Database) -> bool:
        """Reset; True if the database is again exactly as the template is."""
        try:
            if db.conn is None or db.conn.closed:
                db.conn = psycopg.connect(conninfo(db.url), autocommit=True)
            with db.conn.cursor() as cur:
                cur.execute(self.reset)
                while cur.description is None and cur.nextset():
                    pass  # past the DO block to the fingerprint
                row = cur.fetchone()
        except psycopg.Error:
            return False  # a table gone, a lock held past the timeout: start afresh
        return row is not None and row[0] == self.fingerprint

    def _forget(self, db: _Database) -> None:
        if db.conn is not None:
            db.conn.close()
        self._all.pop(db.name, None)
        if db in self.free:
            self.free.remove(db)
        drop_pg_database(db.name)
