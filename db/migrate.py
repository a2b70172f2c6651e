"""Bring a database to the schema this app needs, safely.

Before touching a SQLite file we check that it is a SQLite database and not corrupt,
without writing a byte to it; a database written by a newer app is refused; a filled
SQLite file is backed up through the online backup API before an upgrade and restored
if the upgrade fails (SQLite DDL under Alembic is not all-or-nothing).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from db.engine import is_sqlite, make_engine, normalise_url, sqlite_path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The database cannot be used as it is. The message says why, for a person."""


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = normalise_url(url)
    return config


def head_revisions() -> frozenset[str]:
    """The newest revision of each line of migrations (one, once branches are merged)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def head_revision() -> str:
    """The schema this app writes, as one label (branches joined with '+')."""
    return "+".join(sorted(head_revisions()))


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def check_sqlite_file(path: Path) -> str | None:
    """Read-only check of a SQLite file. Returns its Alembic revision label (None if none).

    Raises StoreError if the file is not a SQLite database or is damaged. Never writes.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a Tableside database (not a SQLite file). It was left as it is."
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be opened: {exc}. It was left as it is.") from exc
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise StoreError(
                f"{path} is damaged ({problems[0]}). It was left as it is; "
                "restore it from a backup (python main.py backup makes them)."
            )
        has_version = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has_version:
            return None
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        return "+".join(sorted(r[0] for r in rows)) or None
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path} is damaged or not a database ({exc}). It was left as it is."
        ) from exc
    finally:
        conn.close()


def current_revision(url: str) -> str | None:
    path = sqlite_path(normalise_url(url))
    if path is not None:
        return check_sqlite_file(Path(path))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return "+".join(sorted(rows)) or None
    finally:
        engine.dispose()


def refuse_if_newer(revision: str | None) -> None:
    if revision is not None and not set(revision.split("+")) <= known_revisions():
        raise StoreError(
            f"This database was written by a newer version of Tableside (schema {revision}); "
            f"this app knows schemas up to {head_revision()}. Update the app; "
            "the database was not changed."
        )


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite database through the online backup API (never a file copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade(url: str) -> UpgradeResult:
    """Create the database or bring it up to this app's schema."""
    url = normalise_url(url)
    before = current_revision(url)
    refuse_if_newer(before)
    head = head_revision()
    if before == head:
        return UpgradeResult(before, head, None)

    backup: Path | None = None
    path = sqlite_path(url) if is_sqlite(url) else None
    if path is not None:
        db_file = Path(path)
        db_file.parent.mkdir(parents=True, exist_ok=True)
        if before is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            target = db_file.with_name(f"{db_file.name}.{before}.{stamp}.bak")
            backup = backup_sqlite(db_file, target)
    try:
        command.upgrade(alembic_config(url), "heads")
    except Exception as exc:
        if backup is not None and path is not None:
            backup_sqlite(backup, Path(path))
            raise StoreError(
                f"Upgrading the database failed ({exc}); it was restored from {backup}."
            ) from exc
        raise
    return UpgradeResult(before, head, backup)
