"""The app killed (SIGKILL: no clean-up, as a flat battery) while printing a kitchen ticket.

Killed after the job was marked `sending`, with the printer holding the bytes but not yet
answering: on restart the job is `uncertain` — never sent again by itself (the ticket may be
on the rail already), never lost (a person sees it and chooses). Killed just before that:
the job is still `queued` and prints exactly once after the restart.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import select

from db.store import Store
from models import PrintJob, PrintState, Staff, StaffRole
from services.printing import jobs as printing
from services.printing.paper import render
from services.printing.spooler import PrintSpooler
from tests.demo_data import acting
from tests.ticket_samples import RawPrinter, file_setup, request, tcp_setup

REPO = Path(__file__).resolve().parents[1]

# The tablet's spooler, in a process of its own. It says where it is on stdout, so the test
# kills it at the exact step it means to.
CHILD = """
import sys, time
from db.store import Store
from services.printing.spooler import PrintSpooler
from tests.ticket_samples import tcp_setup

url, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
spooler = PrintSpooler(Store(url), tcp_setup(port, timeout=60), "tablet-1")
claim = spooler._claim

def claim_then_say(job_id):
    taken = claim(job_id)
    print("claimed", flush=True)
    return taken

def stop_before_claim(job_id):
    print("about to claim", flush=True)
    time.sleep(60)

spooler._claim = claim_then_say if mode == "after_claim" else stop_before_claim
spooler.recover()
spooler.run_once()
print("finished", flush=True)
"""


class Tablet:
    def __init__(self, db_url: str, port: int, mode: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, db_url, str(port), mode],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def wait_for(self, said: str, timeout: float = 30) -> None:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.process.kill()
            _out, err = self.process.communicate(timeout=10)
            raise AssertionError(f"the spooler never said {said!r}: {err}") from None
        assert line == said

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL


def _queue_one(store: Store) -> int:
    with store.write() as s:
        return printing.add_print_job(s, request(rush=True)).id


def _state(store: Store, job_id: int) -> tuple[str, int]:
    with store.read() as s:
        row = s.execute(select(PrintJob.state, PrintJob.attempts).where(PrintJob.id == job_id))
        state, attempts = row.one()
        return state, attempts


def test_killed_while_the_printer_has_the_bytes_the_job_is_uncertain_never_resent(
    db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    job_id = _queue_one(store)
    with RawPrinter(hold=True) as printer:
        tablet = Tablet(db_url, printer.port, "after_claim")
        tablet.wait_for("claimed")
        assert printer.got_job.wait(30), "the ticket never reached the printer"
        assert _state(store, job_id) == (PrintState.SENDING, 1)  # committed before sending
        tablet.kill()  # the printer has not answered yet
        printer.release()

        restarted = PrintSpooler(store, tcp_setup(printer.port), "tablet-1")
        assert restarted.recover() == [job_id]
        assert _state(store, job_id) == (PrintState.UNCERTAIN, 1)
        assert restarted.run_once() == []  # not resent by itself
    assert printer.connections == 1

    # Shown to staff, who decide: here, "reprint" (a new job, marked, linked).
    supervisor = _supervisor(store)
    open_jobs = [(j.id, j.state) for j in printing.open_print_jobs(store, supervisor)]
    assert open_jobs == [(job_id, PrintState.UNCERTAIN)]
    copy = printing.reprint(
        store,
        supervisor,
        printing.Reprint(job_id=job_id, idempotency_key=f"reprint-{job_id}-after-crash"),
    )
    setup = file_setup(tmp_path, "hot_kitchen")
    assert PrintSpooler(store, setup, "tablet-1").run_once() == [copy.id]
    assert b"REPRINT" in (tmp_path / "hot_kitchen.prn").read_bytes()
    assert _state(store, job_id) == (PrintState.REPRINTED, 1)
    store.dispose()


def test_killed_before_marking_it_sending_the_job_prints_once_after_restart(db_url: str) -> None:
    store = Store(db_url)
    job_id = _queue_one(store)
    with RawPrinter() as printer:
        tablet = Tablet(db_url, printer.port, "before_claim")
        tablet.wait_for("about to claim")
        tablet.kill()
        assert _state(store, job_id) == (PrintState.QUEUED, 0)
        assert printer.connections == 0

        restarted = PrintSpooler(store, tcp_setup(printer.port), "tablet-1")
        assert restarted.recover() == []
        assert restarted.run_once() == [job_id]
        assert restarted.run_once() == []
        assert printer.got_job.wait(5)
    with store.read() as s:
        row = s.get(PrintJob, job_id)
        assert row is not None
        expected = render(
            row.kind, row.payload, tcp_setup(printer.port).printers["hot_kitchen"], job_id
        )
    assert printer.connections == 1 and printer.jobs == [expected]
    assert _state(store, job_id) == (PrintState.PRINTED, 1)
    store.dispose()


def _supervisor(store: Store) -> int:
    """Someone to look at the queue, signed in (this test's database holds no restaurant)."""
    with store.write() as s:
        staff = s.scalar(select(Staff).where(Staff.number == "S99"))
        if staff is None:
            staff = Staff(number="S99", name="李娜 Li Na", pin_hash="-")
            staff.roles = [StaffRole(role="supervisor")]
            s.add(staff)
            s.flush()
        found = staff.id
    return acting(store, found)
