"""The print spooler: takes queued jobs to their printers, in order, one station at a time.

The order of writes is the whole point:

1. the job is marked `sending` and that is committed *before* the first byte goes out;
2. the bytes go to the printer;
3. the job is marked `printed` only after the printer has closed the connection cleanly.

So a crash (app killed, tablet battery flat) between 1 and 3 leaves a job in `sending`. It
may or may not be on paper, and printing it again by itself could send a second ticket to
the kitchen, so the next start turns it into `uncertain` and a person decides: "it printed"
or "reprint" (services/printing.py). A crash before 1 leaves the job `queued`: it prints
once after the restart. A printer that is down is found before any byte goes out: the job
goes back to `queued` with the error and a back-off, and nothing is lost.

Plain Python and a thread: the app starts one with `SpoolerThread`, tests call `run_once`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from db.store import Store
from models import PrintJob, PrintState, utcnow
from services import audit
from services.errors import DomainError
from services.printing.jobs import (
    APP_STOPPED,
    CANNOT_LAY_OUT,
    NO_PRINTER,
    STOPPED_MID_JOB,
    TABLET_GONE,
    UNREACHABLE,
    print_error,
)
from services.printing.paper import render
from services.printing.printers import (
    PrinterSetup,
    PrinterUnreachable,
    PrintOutcomeUnknown,
    deliver,
    load_printer_setup,
)

log = logging.getLogger(__name__)

# Seconds to wait after the 1st, 2nd, ... failed try; then the last one, again and again.
BACKOFF_SECONDS = (2, 5, 10, 30, 60)
# A job another tablet left in `sending` for this long: that tablet died mid-send.
STALE_SENDING = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def default_spooler_name() -> str:
    """The same on every start of this tablet, so a restart recognises its own leftovers."""
    return f"spooler@{socket.gethostname()}"[:80]


class PrintSpooler:
    def __init__(
        self,
        store: Store,
        setup: PrinterSetup,
        name: str | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.setup = setup
        self.name = name or default_spooler_name()
        self.clock = clock

    # -- after a crash ------------------------------------------------------------------------

    def recover(self) -> list[int]:
        """At start: every job this spooler left in `sending` becomes `uncertain`."""
        return self._mark_uncertain(PrintJob.sending_by == self.name, print_error(APP_STOPPED))

    def sweep_stale(self) -> list[int]:
        """Jobs another tablet's spooler left in `sending` long ago: that tablet is gone."""
        cutoff = self.clock() - STALE_SENDING
        return self._mark_uncertain(PrintJob.sending_at < cutoff, print_error(TABLET_GONE))

    def _mark_uncertain(self, which: object, reason: str) -> list[int]:
        with self.store.write() as s:
            jobs = s.scalars(
                select(PrintJob).where(PrintJob.state == PrintState.SENDING.value, which)
            ).all()
            for job in jobs:
                job.state = PrintState.UNCERTAIN.value
                job.last_error = reason
                audit.record(
                    s,
                    action="print.uncertain",
                    object_type="print_job",
                    object_id=job.id,
                    actor_label=self.name[:40],
                    station=job.station,
                    sending_by=job.sending_by,
                )
            return [job.id for job in jobs]

    # -- printing -----------------------------------------------------------------------------

    def due_jobs(self) -> list[int]:
        """The first queued job of each station, if its back-off is over. Later jobs of a
        station wait behind it, so tickets reach each station in the order they were sent."""
        now = self.clock()
        with self.store.read() as s:
            queued = s.execute(
                select(PrintJob.id, PrintJob.station, PrintJob.next_attempt_at)
                .where(PrintJob.state == PrintState.QUEUED.value)
                .order_by(PrintJob.id)
            ).all()
        heads: dict[str, tuple[int, datetime]] = {}
        for job_id, station, next_attempt_at in queued:
            heads.setdefault(station, (job_id, next_attempt_at))
        return sorted(job_id for job_id, due in heads.values() if due <= now)

    def run_once(self) -> list[int]:
        """One pass over the stations: returns the jobs that reached paper."""
        return [job_id for job_id in self.due_jobs() if self.print_job(job_id)]

    def print_job(self, job_id: int) -> bool:
        with self.store.read() as s:
            job = s.get(PrintJob, job_id)
            if job is None or job.state != PrintState.QUEUED:
                return False
            station, kind, payload, reprint_of = job.station, job.kind, job.payload, job.reprint_of
        printer = self.setup.for_station(station)
        if printer is None:
            return self._back_to_queue(job_id, print_error(NO_PRINTER, station=station), claim=True)
        try:
            data = render(kind, payload, printer, job_id, reprint_of)
        except Exception as exc:  # a bad document must not stop the other stations
            log.exception("print job %s cannot be laid out", job_id)
            error = print_error(CANNOT_LAY_OUT, detail=str(exc))
            return self._back_to_queue(job_id, error, claim=True)
        if not self._claim(job_id):
            return False  # another tablet's spooler took it first
        try:
            deliver(printer, data)
        except PrinterUnreachable as exc:
            return self._back_to_queue(job_id, print_error(UNREACHABLE, detail=str(exc)))
        except PrintOutcomeUnknown as exc:
            self._settle(
                job_id, PrintState.UNCERTAIN, print_error(STOPPED_MID_JOB, detail=str(exc))
            )
            return False
        self._settle(job_id, PrintState.PRINTED, None)
        return True

    def _claim(self, job_id: int) -> bool:
        """queued -> sending, committed. Compare-and-set: of two spoolers, one wins."""
        now = self.clock()
        with self.store.write() as s:
            claimed = s.execute(
                update(PrintJob)
                .where(PrintJob.id == job_id, PrintJob.state == PrintState.QUEUED.value)
                .values(
                    state=PrintState.SENDING.value,
                    sending_by=self.name,
                    sending_at=now,
                    attempts=PrintJob.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            return claimed.rowcount == 1

    def _back_to_queue(self, job_id: int, error: str, *, claim: bool = False) -> bool:
        """Nothing was printed: queued again, after a back-off."""
        with self.store.write() as s:
            job = s.get(PrintJob, job_id)
            mine = job is not None and (
                job.state == PrintState.QUEUED
                if claim
                else job.state == PrintState.SENDING and job.sending_by == self.name
            )
            if job is None or not mine:
                return False
            if claim:  # never reached `sending`: the try still counts for the back-off
                job.attempts += 1
            job.state = PrintState.QUEUED.value
            job.last_error = error
            job.next_attempt_at = self.clock() + backoff(job.attempts)
            job.sending_by = None
            job.sending_at = None
        return False

    def _settle(self, job_id: int, state: PrintState, error: str | None) -> None:
        with self.store.write() as s:
            job = s.get(PrintJob, job_id)
            if job is None or job.state != PrintState.SENDING or job.sending_by != self.name:
                return  # swept as stale meanwhile: leave it for a person
            job.state = state.value
            job.last_error = error
            if state == PrintState.PRINTED:
                job.printed_at = self.clock()
            else:
                audit.record(
                    s,
                    action="print.uncertain",
                    object_type="print_job",
                    object_id=job.id,
                    actor_label=self.name[:40],
                    station=job.station,
                    error=error,
                )


class SpoolerThread:
    """Runs a spooler in the background until stopped. It never touches widgets: screens
    see its work by reading the queue."""

    def __init__(self, spooler: PrintSpooler, idle_seconds: float = 1.0) -> None:
        self.spooler = spooler
        self.idle_seconds = idle_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="print-spooler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A job was just queued or retried: look now, not at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        self._guarded(self.spooler.recover)
        while not self._stop.is_set():
            self._guarded(self.spooler.run_once)
            self._guarded(self.spooler.sweep_stale)
            self._wake.wait(self.idle_seconds)
            self._wake.clear()

    @staticmethod
    def _guarded(step: Callable[[], object]) -> None:
        try:
            step()
        except Exception:  # the database was busy or gone for a moment: try on the next tick
            log.exception("print spooler step failed")


PRINTERS_FILE_VARIABLE = "TABLESIDE_PRINTERS"


def start_print_spooler(store: Store) -> SpoolerThread | None:
    """The background spooler for this tablet, or None when it has no printers set up."""
    path = os.environ.get(PRINTERS_FILE_VARIABLE)
    if not path:
        return None
    try:
        setup = load_printer_setup(Path(path))
    except DomainError:
        log.exception("the printer set-up %s cannot be used; this tablet prints nothing", path)
        return None
    thread = SpoolerThread(PrintSpooler(store, setup))
    thread.start()
    return thread
