"""python-escpos's printer database is read once per machine, not once per start.

Each case starts fresh Python processes (the cache matters only across processes) that lay
out the same kitchen ticket, with XDG_CACHE_HOME in a folder of the test's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Lay out a kitchen ticket and say what the process loaded: the ticket's bytes (hex) and
# whether escpos found its pickle (it logs which at DEBUG).
TICKET = """
import json, logging
from services.printing import paper
from services.printing.printers import PrinterConfig
from tests.ticket_samples import kitchen_ticket

seen = []
class Seen(logging.Handler):
    def emit(self, record):
        seen.append(record.getMessage())
logger = logging.getLogger("escpos.capabilities")
logger.setLevel(logging.DEBUG)
logger.addHandler(Seen())
printer = PrinterConfig(station="hot_kitchen", address="file:unused.prn")
data = paper.kitchen_ticket(kitchen_ticket(), printer, job_id=7)
print(json.dumps({"ticket": data.hex(), "log": seen}))
"""


def _lay_out_a_ticket(cache: Path, **env: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", TICKET],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(cache), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _loaded_from_pickle(said: dict[str, object]) -> bool:
    return any("Loading capabilities from pickle" in line for line in said["log"])  # type: ignore[attr-defined]


def test_the_second_start_loads_the_printer_database_from_the_cache(tmp_path: Path) -> None:
    first = _lay_out_a_ticket(tmp_path)
    folder = tmp_path / "tableside" / "escpos"
    # One whole pickle, moved in from the private folder it was written in (gone now).
    assert [p.name.endswith(".capabilities.pickle") for p in folder.iterdir()] == [True]
    assert folder.stat().st_mode & 0o777 == 0o700
    assert not _loaded_from_pickle(first)

    second = _lay_out_a_ticket(tmp_path)
    assert _loaded_from_pickle(second)
    assert second["ticket"] == first["ticket"]  # the same paper either way


def test_a_cache_folder_others_can_write_to_is_not_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "tableside" / "escpos"
    folder.mkdir(parents=True)
    folder.chmod(0o777)  # anyone could have put a pickle here, and a pickle is code
    said = _lay_out_a_ticket(tmp_path)
    assert list(folder.iterdir()) == []
    assert not _loaded_from_pickle(said)
    assert said["ticket"]
