"""Alembic environment. Run through db.migrate, which passes the URL in config.attributes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.pool import NullPool

import models
from db.engine import make_engine

config = context.config

# Two tablets starting at once against one PostgreSQL server must not both migrate.
PG_MIGRATION_LOCK = 724_011


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=models.Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        connection.commit()
    try:
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            # Foreign keys were off so that batch copies could not cascade-delete children;
            # prove nothing dangles now.
            dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if dangling:
                raise RuntimeError(f"migration left dangling foreign keys: {dangling[:5]}")
    finally:
        if connection.dialect.name == "postgresql":
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK})
            connection.commit()


def run_migrations_online() -> None:
    url = config.attributes["url"]
    # Foreign keys off for SQLite (see docs/reliability.md: a batch rebuild of a parent
    # table with them on cascade-deleted its children); checked after the run instead.
    engine = make_engine(url, foreign_keys=False, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Tableside migrations run online only: python main.py upgrade")
run_migrations_online()
