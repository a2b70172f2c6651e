"""The test databases: the PostgreSQL server the tests use, copies of a template database
on each backend, and the demo restaurant loaded once a run and copied for each test.

Copies are what make the tests fast: migrating costs seconds and loading the demo hashes
nine PINs with the real Argon2 parameters (about 60 ms each), so both are done once per
run (per xdist worker) and every test gets a copy.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, create_engine, text
from sqlalchemy.engine import make_url

from db import migrate
from db.engine import sqlite_path
from db.store import Store
from services.restaurant.demo import load_demo

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


def sqlite_copy(template: Path, target: Path) -> str:
    migrate.backup_sqlite(template, target)
    return f"sqlite:///{target}"


class _Rows:
    """Every row of a database, table by table in foreign-key order, read through the
    schema as migrated (reflected, so it is the database's own, not the models')."""

    def __init__(self, engine: Engine) -> None:
        self.metadata = MetaData()
        self.metadata.reflect(engine)
        self.tables: list[tuple[Table, list[dict[str, object]]]] = []
        with engine.connect() as conn:
            for table in self.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in conn.execute(table.select())]
                if rows:
                    self.tables.append((table, rows))
        # Rows a migration wrote (alembic_version, seeded settings) are in every empty
        # copy already: those tables are emptied and written again as the demo has them.
        self.seeded: list[Table] = []

    def insert_into(self, engine: Engine) -> None:
        with engine.begin() as conn:
            for table in reversed(self.seeded):
                conn.execute(table.delete())
            for table, rows in self.tables:
                conn.execute(table.insert(), rows)
            # Ids were inserted as they were: move each id sequence past them.
            for table, _rows in self.tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                        column.autoincrement == "auto" and len(table.primary_key.columns) == 1
                    ):
                        conn.execute(
                            text(
                                "SELECT setval(pg_get_serial_sequence(:t, :c), "
                                f'(SELECT MAX("{column.name}") FROM "{table.name}"))'
                            ).bindparams(t=f'"{table.name}"', c=column.name)
                        )


class DemoTemplates:
    """The demo restaurant loaded once per backend (by the real loader, with the real PIN
    hashes); `install` fills a test's freshly migrated, empty store with a copy of it:
    SQLite through the backup API, PostgreSQL by inserting the same rows (a tenth of the
    time a `CREATE DATABASE ... TEMPLATE` takes on a busy server)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: Path | None = None
        self.pg: _Rows | None = None

    def install(self, store: Store) -> None:
        if store.is_sqlite:
            path = sqlite_path(store.url)
            assert path is not None, "the tests use SQLite files, not :memory:"
            if self.sqlite is None:
                load_demo(store)
                store.dispose()
                self.sqlite = migrate.backup_sqlite(Path(path), self.folder / "demo.db")
            else:
                # No connection may be open while the file is replaced under it.
                store.dispose()
                migrate.backup_sqlite(self.sqlite, Path(path))
            return
        if self.pg is None:
            empty = _Rows(store.engine)
            load_demo(store)
            self.pg = _Rows(store.engine)
            self.pg.seeded = [table for table, _rows in empty.tables]
        else:
            self.pg.insert_into(store.engine)


_templates: DemoTemplates | None = None


def use_demo_templates(templates: DemoTemplates | None) -> None:
    """Set by the session fixture in conftest.py, which also drops them at the end."""
    global _templates
    _templates = templates


def install_demo(store: Store) -> None:
    """Fill the test's empty store with the demo restaurant: a copy of the one loaded (by
    the real loader, real PIN hashes) the first time in this run."""
    if _templates is None:  # outside pytest's session (a script): load it for real
        load_demo(store)
        return
    _templates.install(store)
