"""The admin commands of main.py, and what they do with files that are not good databases."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Ran:
    """One admin command run by tests/admin_runner.py, and what it left behind."""

    returncode: int
    stdout: str
    stderr: str
    digests: dict[str, str | None]
    listings: dict[str, list[str]]
    left_open: list[str]

    def digest(self, path: Path) -> str | None:
        """The SHA-256 of `path` just after this command (None if it was missing)."""
        return self.digests[str(path)]

    def files_in(self, folder: Path) -> list[str]:
        """The names in `folder` just after this command."""
        return self.listings[str(folder)]


def run_commands(
    commands: Sequence[tuple[list[str], str]],
    *,
    digests: Iterable[Path] = (),
    listings: Iterable[Path] = (),
    unprivileged: bool = False,
) -> list[Ran]:
    """Each command (its arguments and standard input) as `python main.py` runs it, all in
    one child process: tests/admin_runner.py starts the interpreter once instead of once per
    command. The files in `digests` and the folders in `listings` are looked at after each
    command. `unprivileged`: see `unprivileged_prefix`."""
    env = {k: v for k, v in os.environ.items() if k != "TABLESIDE_DB"}
    watch = {"digests": [str(p) for p in digests], "listings": [str(p) for p in listings]}
    specs = [{"argv": args, "stdin": stdin, **watch} for args, stdin in commands]
    prefix = unprivileged_prefix() if unprivileged else []
    process = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.admin_runner"],
        cwd=REPO,
        input=json.dumps(specs),
        capture_output=True,
        text=True,
        env=env,
        timeout=120 + 30 * len(specs),
    )
    if process.returncode != 0:
        pytest.fail(f"tests/admin_runner.py failed ({process.returncode}):\n{process.stderr}")
    results = [Ran(**result) for result in json.loads(process.stdout)]
    assert len(results) == len(specs)
    for (args, _), result in zip(commands, results, strict=True):
        # A separate process would not have carried these on to the next command.
        assert result.left_open == [], (args, result.left_open)
    return results


def test_help_lists_the_admin_commands() -> None:
    result = run_main("--help")
    assert result.returncode == 0
    for command in ("run", "upgrade", "load-demo", "add-staff", "reset-pin", "backup", "verify"):
        assert command in result.stdout


def test_upgrade_load_demo_add_staff_reset_pin_and_backup(tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    url = f"sqlite:///{db}"
    copy = tmp_path / "copy.db"
    add = ["add-staff", "--number", "W77", "--name", "新人 Xin", "--role", "waiter"]
    bad = ["add-staff", "--number", "W78", "--name", "X", "--role", "waiter", "--pin-stdin"]
    upgraded, loaded, again, added, refused_pin, reset, unknown, backed_up, refused = run_commands(
        [
            (["--db", url, "upgrade"], ""),
            (["--db", url, "load-demo"], ""),
            (["--db", url, "load-demo"], ""),
            (["--db", url, *add, "--role", "greeter", "--pin-stdin"], "4826\n"),
            (["--db", url, *bad], "12ab\n"),
            (["--db", url, "reset-pin", "--number", "W77", "--pin-stdin"], "9513\n"),
            (["--db", url, "reset-pin", "--number", "NOPE", "--pin-stdin"], "9513\n"),
            (["--db", url, "backup", str(copy)], ""),
            (["--db", url, "backup", str(copy)], ""),
        ]
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert migrate.head_revision() in upgraded.stdout
    assert loaded.returncode == 0, loaded.stderr
    assert again.returncode == 1
    assert "already holds a restaurant" in again.stderr
    assert added.returncode == 0, added.stderr
    assert "Added 新人 Xin (W77)" in added.stdout
    assert refused_pin.returncode == 1 and "4 to 8 digits" in refused_pin.stderr
    assert reset.returncode == 0, reset.stderr
    assert unknown.returncode == 1 and "No staff member has number NOPE" in unknown.stderr
    assert backed_up.returncode == 0, backed_up.stderr
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM staff WHERE number = 'W77'").fetchone() == (1,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert refused.returncode == 1 and "exists already" in refused.stderr
    # The PIN never shows up in anything the commands print.
    for result in (added, reset, backed_up):
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
    commands = ("upgrade", "run", "load-demo")
    results = run_commands([(["--db", f"sqlite:///{db}", command], "") for command in commands])
    for result in results:
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
    commands = ("upgrade", "run")
    results = run_commands([(["--db", f"sqlite:///{db}", command], "") for command in commands])
    for result in results:
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


# -- odd database files, for every admin command ------------------------------------------

WRITING = ("upgrade", "run", "load-demo", "add-staff", "reset-pin")
READING = ("backup", "verify")


def command_line(command: str, url: str, tmp_path: Path) -> tuple[list[str], str]:
    """The arguments and standard input of one admin command on `url`."""
    args = {
        "add-staff": ["--number", "W50", "--name", "X", "--role", "waiter", "--pin-stdin"],
        "reset-pin": ["--number", "W01", "--pin-stdin"],
        "backup": [str(tmp_path / "backups" / f"{command}-{os.urandom(4).hex()}.db")],
    }.get(command, [])
    return ["--db", url, command, *args], "4826\n"


def unprivileged_prefix() -> list[str]:
    """What runs main.py as a person would run it: root's power to write any file is
    dropped, so a read-only file or folder is read-only here too."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root: setpriv is needed to drop CAP_DAC_OVERRIDE")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def another_apps_sqlite(path: Path, alembic_revision: str | None = None) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Ada'), ('Grace')")
        if alembic_revision:
            conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            conn.execute("INSERT INTO alembic_version VALUES (?)", (alembic_revision,))
    conn.close()


@pytest.mark.parametrize("alembic_revision", [None, "ae1027a6acf"], ids=["plain", "alembic"])
def test_another_applications_sqlite_database_is_refused_untouched(
    tmp_path: Path, alembic_revision: str | None
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "crm.db"
    another_apps_sqlite(db, alembic_revision)
    before = digest(db)
    commands = (*WRITING, *READING)
    results = run_commands(
        [command_line(command, f"sqlite:///{db}", tmp_path) for command in commands],
        digests=[db],
        listings=[folder],
    )
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 1, (command, result.stdout)
        assert "is not a Tableside database" in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.digest(db) == before, command
        assert result.files_in(folder) == ["crm.db"], command  # no -wal, -shm or backup beside


def test_a_folder_given_as_the_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "tableside.db"
    folder.mkdir()
    commands = (*WRITING, *READING)
    results = run_commands(
        [command_line(command, f"sqlite:///{folder}", tmp_path) for command in commands]
    )
    for command, result in zip(commands, results, strict=True):
        assert result.returncode == 1, command
        assert "is a folder, not a database file" in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert files_in(folder) == []


def _healthy_copy(sqlite_url: str, target: Path) -> Path:
    migrate.backup_sqlite(Path(sqlite_url.removeprefix("sqlite:///")), target)
    return target


def test_a_read_only_file_is_read_but_never_written(tmp_path: Path, sqlite_url: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = _healthy_copy(sqlite_url, folder / "shop.db")
    db.chmod(0o444)
    before = digest(db)
    try:
        results = run_commands(
            [command_line(command, f"sqlite:///{db}", tmp_path) for command in WRITING + READING],
            unprivileged=True,
        )
        for command, result in zip(WRITING, results[: len(WRITING)], strict=True):
            assert result.returncode == 1, (command, result.stdout)
            assert "is read-only: Tableside needs to write" in result.stderr, result.stderr
            assert "damaged" not in result.stderr and "Traceback" not in result.stderr
        for command, result in zip(READING, results[len(WRITING) :], strict=True):
            assert result.returncode == 0, (command, result.stderr)
        assert digest(db) == before
        assert files_in(folder) == ["shop.db"]
    finally:
        db.chmod(0o644)


@pytest.mark.parametrize("exists", [True, False], ids=["database", "new"])
def test_a_read_only_folder_is_refused_for_writing(
    tmp_path: Path, sqlite_url: str, exists: bool
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "shop.db"
    if exists:
        _healthy_copy(sqlite_url, db)
    before = digest(db) if exists else None
    folder.chmod(0o555)
    try:
        results = run_commands(
            [command_line(command, f"sqlite:///{db}", tmp_path) for command in WRITING + READING],
            unprivileged=True,
        )
        for command, result in zip(WRITING, results[: len(WRITING)], strict=True):
            assert result.returncode == 1, (command, result.stdout)
            assert f"The folder {folder} is read-only" in result.stderr, result.stderr
            assert "Traceback" not in result.stderr
        for command, result in zip(READING, results[len(WRITING) :], strict=True):
            if exists:
                assert result.returncode == 0, (command, result.stderr)
            else:
                assert result.returncode == 1 and "nothing to" in result.stderr, result.stderr
        assert files_in(folder) == (["shop.db"] if exists else [])
        if exists:
            assert digest(db) == before
    finally:
        folder.chmod(0o755)


def test_another_applications_postgresql_database_is_refused_untouched(tmp_path: Path) -> None:
    import uuid

    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_URL

    name = f"other_app_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE customers (id SERIAL PRIMARY KEY, name TEXT)"))
            conn.execute(text("INSERT INTO customers (name) VALUES ('Ada')"))
        commands = (*WRITING, *READING)
        results = run_commands([command_line(command, url, tmp_path) for command in commands])
        for command, result in zip(commands, results, strict=True):
            assert result.returncode == 1, command
            assert "is not a Tableside database" in result.stderr, (command, result.stderr)
            assert "Traceback" not in result.stderr
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["customers"]
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
