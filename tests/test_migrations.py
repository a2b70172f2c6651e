"""Migrations build exactly the schema the models describe, and keep every row on upgrade."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

import models
from db import migrate


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            differences = compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_upgrade_from_the_first_schema_keeps_every_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(migrate.alembic_config(url), "0001_foundation")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO restaurant (id, name, name_zh, currency, currency_exponent, "
                "tax_rate_bp, service_charge_bp, timezone, pin_max_attempts, "
                "pin_lockout_seconds, idle_logout_seconds, version) VALUES "
                "(1, 'Old', '旧', 'CNY', 2, 600, 1000, 'Asia/Shanghai', 5, 300, 120, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO staff (id, number, name, pin_hash, active, failed_pin_attempts, "
                "created_at, version) VALUES (1, 'W1', 'Wu', 'x', 1, 0, "
                "'2026-01-01 10:00:00', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_event (at, actor_id, actor_label, action, object_type, "
                "object_id, detail) VALUES ('2026-01-01 10:00:00', 1, '', 'old.thing', "
                "'staff', '1', '{}')"
            )
        )
    engine.dispose()

    result = migrate.upgrade(url)
    assert result.from_revision == "0001_foundation"
    assert result.to_revision == migrate.head_revision()
    if result.from_revision != result.to_revision:
        assert result.backup is not None and result.backup.exists()

    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM restaurant")).scalar() == "Old"
        assert conn.execute(text("SELECT count(*) FROM staff")).scalar() == 1
        assert conn.execute(text("SELECT action FROM audit_event")).scalar() == "old.thing"
    engine.dispose()
