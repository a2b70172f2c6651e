"""Run several admin commands of main.py in one Python process, for tests/test_admin_commands.py.

Why: starting `python main.py` costs about 1.5 s on a slow CPU, nearly all of it importing
SQLAlchemy and Alembic, and the tests that try every admin command on one odd database ran
up to seven of them. Here the interpreter starts once per test instead of once per command,
and each command still goes through `main.main` as `python main.py` does
(`sys.exit(main())`): the same argument parser, the same error handling, the same exit code.

    python -m tests.admin_runner < commands.json      (from the repository's root)

Standard input is a JSON list of commands, each
`{"argv": [...], "stdin": "...", "digests": [file, ...], "listings": [folder, ...]}`
(`digests` and `listings` are optional). Standard output is one JSON list with, for each
command, `{"returncode", "stdout", "stderr", "digests", "listings", "left_open"}`:
`digests` maps each file named to the SHA-256 of its bytes (null if it is missing) and
`listings` each folder to the sorted names in it, both taken once the command has finished,
so that a test can still check after every command what the command left behind.

What a command sees, as in a process of its own:
- `sys.argv` is `["main.py", *argv]` and `sys.stdin` holds only its own text; its standard
  output and error are captured separately (text written by Python; a child process such
  as pg_dump would write to the runner's own streams, and none of these tests runs one).
- An exception that escapes `main.main` is printed as a traceback to its stderr with
  return code 1, as the interpreter does; `SystemExit` (argparse) becomes its code.
- Afterwards the environment and the warning filters are put back, and the garbage
  collector runs, so that an engine or connection the command dropped is closed before
  the next command starts and before its files are looked at (a refused file must have no
  -wal or -shm beside it). `left_open` lists whatever file or socket the command still
  holds open after that; the tests require it to be empty, since a fresh process would not
  have carried it on to the next command.
- The app itself is never started: `main.run_app` is replaced by one that raises, so a
  "run" command that gets past the checks (these tests only run it on databases that must
  be refused first) fails loudly with a traceback instead of opening a Kivy window.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

import main


class AppStartedError(RuntimeError):
    """A "run" command reached the point where the app would start."""


def _refuse_to_start_app(store: Any, lang: str) -> None:
    raise AppStartedError(
        "tests.admin_runner: the 'run' command reached main.run_app, so the database was "
        "accepted; the runner never starts the Kivy app."
    )


def _open_files() -> dict[str, str]:
    """This process's open file descriptors and what each points to."""
    folder = Path("/proc/self/fd")
    if not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    for entry in os.listdir(folder):
        try:
            found[entry] = os.readlink(folder / entry)
        except OSError:  # the descriptor os.listdir itself had open, closed by now
            continue
    return found


def _exit_code(code: object) -> tuple[int, str]:
    """What the interpreter does with `SystemExit(code)`: the code and any text it prints."""
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code, ""
    return 1, f"{code}\n"


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def run_one(argv: list[str], stdin: str) -> dict[str, Any]:
    """One command as `python main.py *argv` with `stdin` as its standard input."""
    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_stdin, saved_environ = sys.argv, sys.stdin, dict(os.environ)
    before = _open_files()
    sys.argv, sys.stdin = ["main.py", *argv], io.StringIO(stdin)
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code: object = main.main(argv)
            except SystemExit as exc:  # argparse's --help and usage errors
                code = exc.code
            except Exception:
                traceback.print_exc(file=err)
                code = 1
    finally:
        sys.argv, sys.stdin = saved_argv, saved_stdin
        os.environ.clear()
        os.environ.update(saved_environ)
        # Whatever the command dropped (an engine, a connection held by a frame of its
        # traceback) is closed now, not at some later collection during another command.
        gc.collect()
    returncode, text = _exit_code(code)
    err.write(text)
    left_open = sorted(
        target
        for fd, target in _open_files().items()
        if before.get(fd) != target and not target.startswith("/proc/")
    )
    return {
        "returncode": returncode,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "left_open": left_open,
    }


def run_all(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results = []
    for spec in commands:
        result = run_one(list(spec["argv"]), spec.get("stdin", ""))
        result["digests"] = {p: _digest(Path(p)) for p in spec.get("digests", [])}
        result["listings"] = {p: sorted(os.listdir(p)) for p in spec.get("listings", [])}
        results.append(result)
    return results


if __name__ == "__main__":
    main.run_app = _refuse_to_start_app
    results = run_all(json.load(sys.stdin))
    sys.stdout.write(json.dumps(results))
