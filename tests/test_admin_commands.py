"""The admin commands of main.py, and what they do with files that are not good databases."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db import migrate

REPO = Path(__file__).resolve().parents[1]


def run_main(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TABLESIDE_DB"}
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_help_lists_the_admin_commands() -> None:
    result = run_main("--help")
    assert result.returncode == 0
    for command in ("run", "upgrade", "load-demo", "add-staff", "reset-pin", "backup"):
        assert command in result.stdout


def test_upgrade_load_demo_add_staff_reset_pin_and_backup(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    url = f"sqlite:///{db}"
    result = run_main("--db", url, "upgrade")
    assert result.returncode == 0, result.stderr
    assert migrate.head_revision() in result.stdout

    result = run_main("--db", url, "load-demo")
    assert result.returncode == 0, result.stderr
    again = run_main("--db", url, "load-demo")
    assert again.returncode == 1
    assert "already holds a restaurant" in again.stderr

    result = run_main(
        "--db",
        url,
        "add-staff",
        "--number",
        "W77",
        "--name",
        "新人 Xin",
        "--role",
        "waiter",
        "--role",
        "greeter",
        "--pin-stdin",
        stdin="4826\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Added 新人 Xin (W77)" in result.stdout

    bad = run_main(
        "--db",
        url,
        "add-staff",
        "--number",
        "W78",
        "--name",
        "X",
        "--role",
        "waiter",
        "--pin-stdin",
        stdin="12ab\n",
    )
    assert bad.returncode == 1 and "4 to 8 digits" in bad.stderr

    result = run_main("--db", url, "reset-pin", "--number", "W77", "--pin-stdin", stdin="9513\n")
    assert result.returncode == 0, result.stderr
    unknown = run_main("--db", url, "reset-pin", "--number", "NOPE", "--pin-stdin", stdin="9513\n")
    assert unknown.returncode == 1 and "No staff member has number NOPE" in unknown.stderr

    copy = tmp_path / "copy.db"
    result = run_main("--db", url, "backup", str(copy))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM staff WHERE number = 'W77'").fetchone() == (1,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    refused = run_main("--db", url, "backup", str(copy))
    assert refused.returncode == 1 and "exists already" in refused.stderr
    # The PIN never shows up in anything the commands print.
    assert "4826" not in result.stdout + result.stderr


def test_backup_of_postgresql_with_pg_dump(pg_url: str, tmp_path: Path) -> None:
    target = tmp_path / "pg.dump"
    result = run_main("--db", pg_url, "backup", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"PGDMP")


@pytest.mark.parametrize(
    "content",
    [
        b"order list for table 12\n",
        bytes(range(256)) * 64,
        "菜单 🍜".encode(),
    ],
    ids=["text", "binary", "utf8"],
)
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes(content)
    before = digest(db)
    for command in ("upgrade", "run", "load-demo"):
        result = run_main("--db", f"sqlite:///{db}", command)
        assert result.returncode == 1
        assert "is not a Tableside database" in result.stderr
        assert "Traceback" not in result.stderr
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_damaged_database_is_refused_untouched(tmp_path: Path, sqlite_url: str) -> None:
    source = Path(sqlite_url.removeprefix("sqlite:///"))
    db = tmp_path / "damaged.db"
    migrate.backup_sqlite(source, db)
    data = bytearray(db.read_bytes())
    page = 4096
    data[page * 2 : page * 4] = b"\xde\xad\xbe\xef" * (page // 2)  # scribble over two pages
    db.write_bytes(bytes(data))
    before = digest(db)
    result = run_main("--db", f"sqlite:///{db}", "upgrade")
    assert result.returncode == 1
    assert "damaged" in result.stderr and "left as it is" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db) == before


def test_a_database_from_a_newer_app_is_refused_untouched(tmp_path: Path, sqlite_url: str) -> None:
    source = Path(sqlite_url.removeprefix("sqlite:///"))
    db = tmp_path / "newer.db"
    migrate.backup_sqlite(source, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM alembic_version")
        conn.execute("INSERT INTO alembic_version VALUES ('9001_from_the_future')")
    before = digest(db)
    for command in ("upgrade", "run"):
        result = run_main("--db", f"sqlite:///{db}", command)
        assert result.returncode == 1
        assert "newer version of Tableside" in result.stderr
    assert digest(db) == before


def test_newer_postgresql_database_is_refused(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('9001_from_the_future')"))
    engine.dispose()
    result = run_main("--db", pg_url, "upgrade")
    assert result.returncode == 1
    assert "newer version of Tableside" in result.stderr
