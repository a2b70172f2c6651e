"""Bring a database to the schema this app needs, safely.

Before touching a SQLite file we check that it is a SQLite database and not corrupt,
without writing a byte to it; a database written by a newer app is refused; a filled
SQLite file is backed up through the online backup API before an upgrade and restored
if the upgrade fails (SQLite DDL under Alembic is not all-or-nothing).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import ProgrammingError

from db import revisions
from db.engine import make_engine, normalise_url, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

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
    from alembic.config import Config  # only to upgrade: see db/revisions.py

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = normalise_url(url)
    return config


def head_revisions() -> frozenset[str]:
    """The newest revision of each line of migrations (one, once branches are merged)."""
    return revisions.head_revisions()


def head_revision() -> str:
    """The schema this app writes, as one label (branches joined with '+')."""
    return "+".join(sorted(head_revisions()))


def known_revisions() -> set[str]:
    return revisions.known_revisions()


# Tableside's own revisions are named NNNN_what; another application's Alembic ids are not.
TABLESIDE_REVISION = re.compile(r"[0-9]{4}_[a-z0-9_]+")


def _left(path: Path) -> str:
    return f"{path} was left as it is."


def read_only_uri(path: Path) -> str:
    """A URI that reads the file without creating anything beside it.

    `mode=ro` alone still creates -wal and -shm next to a WAL file and leaves them
    (docs/reliability.md); `immutable=1` creates none but ignores an existing -wal, so it
    is used only when there is no -wal: then the file is the whole database.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    return uri if wal.exists() else uri + "&immutable=1"


def _refuse_foreign(path: Path, tables: list[str]) -> None:
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    raise StoreError(
        f"{path} is not a Tableside database: it holds another application's tables "
        f"({shown}). {_left(path)}"
    )


def check_sqlite_file(path: Path) -> str | None:
    """Read-only check of a SQLite file. Returns its Alembic revision label (None if none).

    Raises StoreError if the path is not a regular file, cannot be read, is not a SQLite
    database, is damaged, or is another application's database. Never writes, and never
    leaves a new file beside it.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file: give the path of a file.")
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a regular file, so it cannot be a database.")
    if not path.exists() or path.stat().st_size == 0:
        return None
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path} cannot be read: this user has no permission to read it.")
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a Tableside database (not a SQLite file). {_left(path)}")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be opened: {exc}. {_left(path)}") from exc
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise StoreError(
                f"{path} is damaged ({problems[0]}). It was left as it is; "
                "restore it from a backup (python main.py backup makes them)."
            )
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        if "alembic_version" not in tables:
            if tables:
                _refuse_foreign(path, tables)
            return None
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        revision = "+".join(sorted(r[0] for r in rows)) or None
    except sqlite3.OperationalError as exc:
        # A healthy file that cannot be read here (its -shm cannot be made, say).
        raise StoreError(f"{path} cannot be read here ({exc}). {_left(path)}") from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is damaged or not a database ({exc}). {_left(path)}") from exc
    finally:
        conn.close()
    refuse_if_foreign_revision(revision, str(path))
    return revision


def refuse_if_foreign_revision(revision: str | None, where: str) -> None:
    if revision is not None and not all(
        TABLESIDE_REVISION.fullmatch(r) for r in revision.split("+")
    ):
        raise StoreError(
            f"{where} is not a Tableside database: its schema ({revision[:40]}) belongs to "
            f"another application. {where} was left as it is."
        )


def check_sqlite_writable(path: Path) -> None:
    """Before a command that writes: the file and its folder must be writable (SQLite
    writes the -wal and -shm files beside the database)."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(
            f"{path} is read-only: Tableside needs to write to its database. Make it "
            f"writable (chmod u+w) or work on a copy. {_left(path)}"
        )
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise StoreError(
            f"The folder {existing} is read-only: SQLite needs to create files beside the "
            f"database there. Choose a writable folder. {_left(path) if path.exists() else ''}"
        )


def current_revision(url: str) -> str | None:
    path = sqlite_path(normalise_url(url))
    if path is not None:
        return check_sqlite_file(Path(path))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            tables = sorted(inspector.get_table_names())
            if "alembic_version" not in tables:
                if tables:
                    raise StoreError(
                        "This PostgreSQL database is not a Tableside database: it holds "
                        f"another application's tables ({', '.join(tables[:5])}). "
                        "It was left as it is."
                    )
                return None
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            revision = "+".join(sorted(rows)) or None
    finally:
        engine.dispose()
    refuse_if_foreign_revision(revision, "This PostgreSQL database")
    return revision


def refuse_if_newer(revision: str | None) -> None:
    if revision is not None and not set(revision.split("+")) <= known_revisions():
        raise StoreError(
            f"This database was written by a newer version of Tableside (schema {revision}); "
            f"this app knows schemas up to {head_revision()}. Update the app; "
            "the database was not changed."
        )


def backup_sqlite(source: Path, target: Path, *, read_only: bool = False) -> Path:
    """Copy a live SQLite database through the online backup API (never a file copy).

    `read_only` opens the source without writing to it or beside it (the backup command:
    a read-only file or folder can still be backed up)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if read_only:
        src = sqlite3.connect(read_only_uri(source), uri=True)
    else:
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
    path = sqlite_path(url)
    if path is not None:
        # Checked even when nothing is to migrate: every caller of upgrade() writes next.
        check_sqlite_writable(Path(path))
    if before == head:
        return UpgradeResult(before, head, None)

    backup: Path | None = None
    if path is not None:
        db_file = Path(path)
        try:
            db_file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"The folder {db_file.parent} cannot be made: {exc}.") from exc
        if before is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            target = db_file.with_name(f"{db_file.name}.{before}.{stamp}.bak")
            backup = backup_sqlite(db_file, target)
    from alembic import command

    try:
        command.upgrade(alembic_config(url), "heads")
    except ProgrammingError as exc:
        if path is None and getattr(exc.orig, "sqlstate", "") == "42501":
            # insufficient_privilege: the app's role (PostgreSQL rolls the migration back).
            raise StoreError(
                "This database needs an upgrade, which only the owner of its tables may do: "
                "run python main.py upgrade connected as the owner (see the README). "
                "The database was not changed."
            ) from exc
        if backup is not None and path is not None:
            backup_sqlite(backup, Path(path))
            raise StoreError(
                f"Upgrading the database failed ({exc}); it was restored from {backup}."
            ) from exc
        raise
    except Exception as exc:
        if backup is not None and path is not None:
            backup_sqlite(backup, Path(path))
            raise StoreError(
                f"Upgrading the database failed ({exc}); it was restored from {backup}."
            ) from exc
        raise
    return UpgradeResult(before, head, backup)
