"""Start Tableside on a tablet, or run an admin command.

python main.py                 start the app (creating the demo restaurant on first start)
python main.py --help          list the admin commands
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# Kivy must not read our command line, write ~/.kivy, or be imported by admin commands.
os.environ.setdefault("KIVY_NO_ARGS", "1")

from platformdirs import user_data_dir

from db import migrate
from db.engine import normalise_url, sqlite_path
from db.migrate import StoreError
from db.store import Store
from models import Role
from services.errors import DomainError


def default_db_url() -> str:
    folder = Path(user_data_dir("Tableside", appauthor=False))
    return f"sqlite:///{folder / 'tableside.db'}"


def database_url(arg: str | None) -> str:
    return normalise_url(arg or os.environ.get("TABLESIDE_DB") or default_db_url())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Tableside: restaurant front-of-house service on tablets.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL, e.g. sqlite:///tableside.db or postgresql://user@host/dbname "
        "(default: $TABLESIDE_DB, else a SQLite file in the per-user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser("run", help="start the app (the default when no command is given)")
    run.add_argument("--lang", choices=["en", "zh"], default="en", help="language at start")
    commands.add_parser("upgrade", help="create the database or upgrade it to this app's schema")
    commands.add_parser("load-demo", help="load the demo restaurant into an empty database")
    add = commands.add_parser("add-staff", help="add a staff member (the PIN is asked for)")
    add.add_argument("--number", required=True, help="staff number shown on orders, e.g. W09")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--role",
        required=True,
        action="append",
        choices=[r.value for r in Role],
        help="a role; repeat for several",
    )
    add.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    reset = commands.add_parser("reset-pin", help="set a new PIN for a person and unlock them")
    reset.add_argument("--number", required=True)
    reset.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    backup = commands.add_parser("backup", help="back the database up to a file")
    backup.add_argument("target", type=Path, help="the backup file to write")
    verify = commands.add_parser(
        "verify",
        help="check that no audit event or sent order line was changed, removed or inserted "
        "out of order, and that the database's guards are in place (exit 1 if not)",
    )
    # `main.py verify --db URL` reads as well as `main.py --db URL verify`.
    verify.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="as above")
    return parser


def read_pin(from_stdin: bool) -> str:
    """PINs never come from the command line, where shells and process lists keep them."""
    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass("PIN: ")
    if getpass.getpass("PIN again: ") != first:
        raise DomainError("The new PIN and its repetition differ.")
    return first


def prepare(url: str) -> Store:
    """Open the database, migrating it first; a new database gets the demo restaurant."""
    from services.restaurant.demo import load_demo
    from services.restaurant.settings import restaurant_info

    migrate.upgrade(url)
    store = Store(url)
    if restaurant_info(store) is None:
        summary = load_demo(store)
        print(f"Loaded the demo restaurant: {summary}")
    return store


def cmd_backup(url: str, target: Path) -> str:
    if target.exists():
        raise DomainError("{target} exists already; choose a new file name.", target=str(target))
    path = sqlite_path(url)
    if path is not None:
        if migrate.check_sqlite_file(Path(path)) is None:
            raise StoreError(f"{path} holds no Tableside database: there is nothing to back up.")
        # Read-only: a read-only file or folder can be backed up, and gets nothing beside it.
        migrate.backup_sqlite(Path(path), target, read_only=True)
        return f"Backed up {path} to {target}"
    if migrate.current_revision(url) is None:  # refuses another application's database
        raise StoreError("This database holds no Tableside data: there is nothing to back up.")
    pg_dump = shutil.which("pg_dump")
    if url.startswith("postgresql") and pg_dump:
        plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
        subprocess.run([pg_dump, "--format=custom", f"--file={target}", plain], check=True)
        return f"Backed up the PostgreSQL database to {target} (pg_dump custom format)"
    raise DomainError("Backing up this database needs pg_dump, which was not found.")


def cmd_verify(url: str) -> tuple[bool, str]:
    """Walk the hash chains and look for the guard triggers, reading only."""
    from db.chain import verify_store

    revision = migrate.current_revision(url)
    if revision is None:
        raise StoreError("This database holds no Tableside data: there is nothing to verify.")
    migrate.refuse_if_newer(revision)
    if revision != migrate.head_revision():
        raise StoreError(
            f"This database is at schema {revision}: upgrade it first (python main.py upgrade)."
        )
    store = Store(url, read_only=True)
    try:
        report = verify_store(store)
    finally:
        store.dispose()
    lines = []
    for chain in report.chains:
        lines.append(
            f"{chain.chain}: {chain.rows} rows, head {chain.head_seq} {chain.head_digest[:16]}"
        )
        lines.extend(f"  PROBLEM: {p.what}" for p in chain.problems)
    lines.extend(f"PROBLEM: {p.what}" for p in report.other_problems)
    lines.extend(f"PROBLEM: the guard trigger {name} is missing" for name in report.missing_guards)
    lines.append("Nothing was changed, removed or inserted." if report.ok else "NOT INTACT.")
    return report.ok, "\n".join(lines)


# Kivy's probes for optional extras it does not need here (multitouch through libmtdev, an
# X cut buffer through xclip or xsel) log tracebacks and a CRITICAL line when they are
# missing, which they are on most tablets: they mean nothing to the person starting the app.
_HARMLESS_KIVY_LOGS = ("Input: MTDev is not supported", "Cutbuffer: Unable to find any")


def _quiet_kivy() -> None:
    """Start quietly: warnings and real errors only, and a clipboard that needs nothing
    installed (SDL2's own). Set before the first import of kivy, which reads them."""
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")
    from kivy.logger import Logger  # kivy.logger loads no input provider nor clipboard yet

    Logger.addFilter(lambda record: not str(record.msg).startswith(_HARMLESS_KIVY_LOGS))
    # python-escpos reports at DEBUG where its capabilities file was read from.
    logging.getLogger("escpos").setLevel(logging.WARNING)


def run_app(store: Store, lang: str) -> None:
    # On a desktop, open a window the size of the common 10-inch tablet (1280×800).
    os.environ.setdefault("KCFG_GRAPHICS_WIDTH", "1280")
    os.environ.setdefault("KCFG_GRAPHICS_HEIGHT", "800")
    _quiet_kivy()
    from screens.app import TablesideApp

    TablesideApp(store, lang=lang).run()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url = database_url(args.db)
    command = args.command or "run"
    try:
        if command == "run":
            run_app(prepare(url), getattr(args, "lang", "en"))
        elif command == "upgrade":
            result = migrate.upgrade(url)
            print(f"Database at schema {result.to_revision} (was {result.from_revision}).")
            if result.backup:
                print(f"A copy from before the upgrade is at {result.backup}")
        elif command == "load-demo":
            from services.restaurant.demo import load_demo

            migrate.upgrade(url)
            print(f"Loaded the demo restaurant: {load_demo(Store(url))}")
        elif command == "add-staff":
            from pydantic import ValidationError

            from services.people.staff import NewStaff, add_staff

            migrate.upgrade(url)
            try:
                new = NewStaff(
                    number=args.number,
                    name=args.name,
                    roles=args.role,
                    pin=read_pin(args.pin_stdin),
                )
            except ValidationError as exc:
                raise DomainError(
                    "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                ) from None
            card = add_staff(Store(url), new)
            print(f"Added {card.name} ({card.number}): {', '.join(r.value for r in card.roles)}")
        elif command == "reset-pin":
            from services.people.staff import ResetPin, reset_pin

            migrate.upgrade(url)
            command = ResetPin(number=args.number, pin=read_pin(args.pin_stdin))
            card = reset_pin(Store(url), command)
            print(f"New PIN set for {card.name} ({card.number}); any lockout is lifted.")
        elif command == "backup":
            print(cmd_backup(url, args.target))
        elif command == "verify":
            intact, text = cmd_verify(url)
            print(text)
            if not intact:
                return 1
    except (StoreError, DomainError) as exc:
        print(f"tableside: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
