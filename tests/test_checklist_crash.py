"""A checklist run survives the app being killed mid-run: every tick the app had made is
there when it starts again, and the run can be finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from db.store import Store
from services.checklists.sign_off import SignOff, sign_off_run
from services.checklists.views import checklist_board, run_view
from tests.checklist_support import INSPECTION, Kitchen

REPO = Path(__file__).resolve().parents[1]

# The tablet: start today's inspection and tick items through the services, saying after
# each acknowledged tick how many are done, then go on ticking slowly until killed.
TABLET = textwrap.dedent(
    """
    import sys, time
    from db.store import Store
    from services.checklists.runs import Result, StartRun, TickItem, start_run, tick_item
    from services.checklists.templates import load_templates
    from tests.demo_data import staff_by_number

    store = Store(sys.argv[1])
    supervisor = staff_by_number(store)["S01"]
    run = start_run(store, supervisor, StartRun(template_code=sys.argv[2]), load_templates())
    for n, item in enumerate(run.items, start=1):
        command = TickItem(run_id=run.id, item_id=item.id, result=Result.PASS, note=f"tick {n}")
        tick_item(store, supervisor, command)
        print(f"ticked {n} run {run.id}", flush=True)
        if n >= 5:
            time.sleep(0.05)
    time.sleep(60)
    """
)


def test_ticks_survive_sigkill_and_the_run_can_be_finished(sqlite_url: str) -> None:
    Kitchen(Store(sqlite_url)).store.dispose()  # the demo restaurant, in the file
    tablet = subprocess.Popen(
        [sys.executable, "-c", TABLET, sqlite_url, INSPECTION],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    acknowledged = 0
    run_id = 0
    try:
        assert tablet.stdout is not None
        for line in tablet.stdout:
            _, count, _, run = line.split()
            acknowledged, run_id = int(count), int(run)
            if acknowledged == 7:
                break
    finally:
        tablet.send_signal(signal.SIGKILL)
        tablet.wait(timeout=30)
    assert acknowledged == 7, tablet.stderr.read() if tablet.stderr else ""
    assert tablet.returncode == -signal.SIGKILL

    store = Store(sqlite_url)
    try:
        with store.read() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        run = run_view(store, run_id)
        # Every acknowledged tick is there (one more may have landed before the kill).
        assert run.done >= 7 and not run.signed
        assert [i.note for i in run.items[:7]] == [f"tick {n}" for n in range(1, 8)]
        kitchen = Kitchen(store, load=False)  # reopened: the restaurant is there
        board = checklist_board(store, kitchen.templates, period_id=run.service_period_id)
        assert any(e.run_id == run_id for e in board.entries)
        run = kitchen.pass_all(run)
        signed = sign_off_run(store, kitchen.supervisor, SignOff(run_id=run_id, pin="8888"))
        assert signed.signed and signed.done == signed.total
    finally:
        store.dispose()
