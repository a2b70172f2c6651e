"""Import python-escpos with its printer database read from a cache that outlives the process.

Why: python-escpos reads its printer database (`escpos/capabilities.json`, 96 kB) with
PyYAML's pure-Python parser when it is first imported, and keeps a pickle of the result to
skip that next time, but in a fresh temporary folder per process unless
`ESCPOS_CAPABILITIES_PICKLE_DIR` names one (escpos/capabilities.py, python-escpos 3.1). So
every start of the app, and every admin command and test child process, parsed it again:
0.36 s of the 1.6 s it takes to import the ordering services on the development machine,
more on a tablet's CPU. Loading the pickle instead takes a few milliseconds.

The cache is `$XDG_CACHE_HOME/tableside/escpos` (else `~/.cache/…`), a folder only its
owner can write, since a pickle is code to whoever loads it: a folder owned by someone else
or writable by others is not used, and escpos then parses the file as it always did.

python-escpos writes its pickle in place, so a second process starting at that moment could
read half of one. It is therefore written in a private folder inside the cache and moved
into place in one step (os.replace): a process finds either no pickle or a whole one.
"""

from __future__ import annotations

import os
import platform
import shutil
import stat
import sys
import tempfile
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escpos.printer import Dummy

_PICKLE_DIR = "ESCPOS_CAPABILITIES_PICKLE_DIR"
# The print spooler's thread and the screens may lay out their first paper at once: one of
# them sets the variable, imports and puts it back.
_IMPORTING = threading.Lock()


def _cache_folder() -> Path | None:
    """The owner-only cache folder, made if it is missing; None where that can't be had."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "tableside" / "escpos"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = folder.lstat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    ours = not hasattr(os, "getuid") or mode.st_uid == os.getuid()
    if not stat.S_ISDIR(mode.st_mode) or not ours or mode.st_mode & 0o022:
        return None
    return folder


def _escpos_capabilities_file() -> Path | None:
    spec = find_spec("escpos")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "capabilities.json"


def _fresh(pickle: Path, source: Path) -> bool:
    """True when escpos would load this pickle rather than parse its file again."""
    try:
        return pickle.stat().st_mtime >= source.stat().st_mtime
    except OSError:
        return False


def dummy_printer() -> Dummy:
    """A python-escpos printer that collects its bytes in memory, with the default profile.

    escpos is imported on the first call, not when the printing services are: a process that
    never lays out paper (an admin command, most tablets' first minutes) never loads it."""
    with _IMPORTING:
        _import_escpos()
    from escpos.printer import Dummy

    return Dummy(profile="default")


def _import_escpos() -> None:
    """Import python-escpos's printer database through the cache where it can be used;
    elsewhere escpos.printer imports it as it always did.

    A person who set ESCPOS_CAPABILITIES_PICKLE_DIR themselves keeps their choice."""
    if "escpos.capabilities" in sys.modules or _PICKLE_DIR in os.environ:
        return
    folder = _cache_folder()
    source = _escpos_capabilities_file()
    if folder is not None and source is not None:
        _import_through(folder, source)


def _import_through(folder: Path, source: Path) -> None:
    pickle = folder / f"{platform.python_version()}.capabilities.pickle"
    private = None if _fresh(pickle, source) else Path(tempfile.mkdtemp(dir=folder))
    os.environ[_PICKLE_DIR] = str(private or folder)
    try:
        import escpos.capabilities  # noqa: F401  (imported for what importing it does)
    finally:
        # Not left set: a child process must not be sent to the private folder, gone by then.
        del os.environ[_PICKLE_DIR]
        if private is not None:
            written = private / pickle.name
            try:
                if written.is_file():
                    os.replace(written, pickle)
            except OSError:
                pass  # no cache this time; the next start tries again
            shutil.rmtree(private, ignore_errors=True)
