"""Migrations build exactly the schema the models describe, and keep every row on upgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

import models
from db import migrate, revisions


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            differences = compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    """The start-up check reads the migration files without Alembic (db/revisions.py):
    it must know the same revisions, and the same head, that Alembic upgrades to."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    follows = {rev.revision: rev.down_revision for rev in script.walk_revisions()}
    assert revisions.migrations() == {
        revision: (down,) if isinstance(down, str) else tuple(down or ())
        for revision, down in follows.items()
    }
    assert migrate.head_revisions() == frozenset(script.get_heads())
    assert migrate.known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_a_second_line_of_migrations_is_a_second_head_until_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, body in {
        "a.py": 'revision = "0001_a"\ndown_revision = None\n',
        "b.py": 'revision: str = "0002_b"\ndown_revision: str | None = "0001_a"\n',
        "c.py": 'revision = "0002_c"\ndown_revision = "0001_a"\n',
    }.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    monkeypatch.setattr(revisions, "VERSIONS", tmp_path)
    revisions.migrations.cache_clear()
    try:
        assert revisions.head_revisions() == {"0002_b", "0002_c"}
        (tmp_path / "d.py").write_text(
            'revision = "0003_d"\ndown_revision = ("0002_b", "0002_c")\n', encoding="utf-8"
        )
        revisions.migrations.cache_clear()
        assert revisions.head_revisions() == {"0003_d"}
        (tmp_path / "e.py").write_text("down_revision = None\n", encoding="utf-8")
        revisions.migrations.cache_clear()
        with pytest.raises(revisions.MigrationFileError, match=r"e\.py names no revision"):
            revisions.migrations()
    finally:
        revisions.migrations.cache_clear()


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
