"""The app killed (SIGKILL: no clean-up, as a flat battery) around a send.

- Killed right after the send committed: the send is there with its tickets queued exactly
  once, and the tablet's retry of the same send after the restart adds nothing.
- Killed just before the commit: nothing of the send is there, not half of it; the retry
  after the restart sends it once.
- Killed while a printer holds a ticket and has not answered: on restart every ticket of
  the send is printed once or still queued (the one in doubt waits for a person), never
  lost, never doubled.

On SQLite and on PostgreSQL: the tablet is a separate process using the services.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select, text

from db.store import Store
from models import AuditEvent, OrderSend, PartyStage, PrintJob, PrintState
from services.printing.jobs import ChooseJob, confirm_printed
from services.printing.spooler import PrintSpooler
from tests.order_support import Dining, dining, new_id
from tests.ticket_samples import RawPrinter, file_setup

_ = dining  # a fixture, used by name

REPO = Path(__file__).resolve().parents[1]
# The paper a send prints: the slip, the drinks and the first course. The mains and the
# dessert are held until the waiter fires them (第8条 ①, services/serving/), so their tickets
# are not part of the send.
STATIONS = ("cashier", "bar", "cold_kitchen")

# The tablet: send the order's new lines under the given send id, saying where it is on
# stdout so that the test kills it at the step it means to.
TABLET = """
import sys, time
from sqlalchemy import event
from sqlalchemy.orm import Session
from db.store import Store
from tests.demo_data import acting
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.views import order_view
from services.printing.spooler import PrintSpooler
from tests.ticket_samples import tcp_setup

url, party_id, waiter_id, send_id, mode, port = sys.argv[1:7]
store = Store(url)
# This process is a tablet of its own: its person signs in here, before any hook.
waiter_id = acting(store, int(waiter_id))
view = order_view(store, int(party_id))
command = SendOrder(
    client_send_id=send_id,
    party_id=int(party_id),
    lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
)
if mode == "before_commit":
    @event.listens_for(Session, "before_commit")
    def _stop(_session):
        print("committing", flush=True)
        time.sleep(60)
sent = send_order(store, waiter_id, command)
print("sent", flush=True)
if mode == "printing":
    stations = ("cashier", "bar", "cold_kitchen", "hot_kitchen", "pastry")
    PrintSpooler(store, tcp_setup(int(port), *stations, timeout=60), "tablet-1").run_once()
time.sleep(60)
"""


class Tablet:
    def __init__(self, dining: Dining, send_id: str, mode: str, port: int = 0) -> None:
        args = [dining.store.url, dining.party_id, dining.waiter, send_id, mode, port]
        self.process = subprocess.Popen(
            [sys.executable, "-c", TABLET, *map(str, args)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.said: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.said.put(line.strip())

    def wait_for(self, words: str, timeout: float = 60) -> None:
        try:
            line = self.said.get(timeout=timeout)
        except queue.Empty:
            self.process.kill()
            _out, err = self.process.communicate(timeout=10)
            raise AssertionError(f"the tablet never said {words!r}: {err}") from None
        assert line == words

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL


def _order_for_four(dining: Dining) -> None:
    dining.add("jasmine_tea")
    dining.add("smashed_cucumber", note="不要香菜 🎂")
    dining.add("mapo_tofu", seat=2, modifier_ids=(dining.modifiers[("spice_level", "hot")],))
    dining.add("egg_tarts", seat=3)


def _jobs_by_key(store: Store) -> dict[str, tuple[str, str]]:
    with store.read() as s:
        rows = s.execute(select(PrintJob.idempotency_key, PrintJob.station, PrintJob.state))
        return {key: (station, state) for key, station, state in rows}


def _sends(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(OrderSend)) or 0


def _integrity_ok(store: Store) -> None:
    if store.is_sqlite:
        with store.read() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_killed_right_after_the_send_committed_it_is_there_once(dining: Dining) -> None:
    _order_for_four(dining)
    seen = dining.order()
    send_id = new_id()
    tablet = Tablet(dining, send_id, "after_commit")
    tablet.wait_for("sent")
    tablet.kill()

    restarted = Store(dining.store.url)  # the app starting again
    try:
        _integrity_ok(restarted)
        jobs = _jobs_by_key(restarted)
        assert jobs == {f"{send_id}:{st}": (st, PrintState.QUEUED.value) for st in STATIONS}
        view = dining.order()
        assert all(line.sent for line in view.lines) and view.stage == PartyStage.ORDERED
        # The tablet never saw the answer: it retries the same send, which adds nothing.
        again = dining.send(seen, client_send_id=send_id)
        assert again.repeated and set(again.print_jobs) == set(STATIONS)
        assert _jobs_by_key(restarted) == jobs and _sends(restarted) == 1
    finally:
        restarted.dispose()


def test_killed_just_before_the_commit_nothing_is_half_written(dining: Dining) -> None:
    _order_for_four(dining)
    seen = dining.order()
    before = dining.snapshot()
    send_id = new_id()
    tablet = Tablet(dining, send_id, "before_commit")
    tablet.wait_for("committing")  # the send's rows are flushed, not committed
    tablet.kill()

    restarted = Store(dining.store.url)
    try:
        _integrity_ok(restarted)
        assert dining.snapshot() == before
        with restarted.read() as s:
            assert s.scalar(select(func.count()).where(AuditEvent.action == "order.sent")) == 0
        # After the restart the tablet tries again under the same id: one send, once.
        sent = dining.send(seen, client_send_id=send_id)
        assert not sent.repeated and _sends(restarted) == 1
        assert len(_jobs_by_key(restarted)) == len(STATIONS)
    finally:
        restarted.dispose()


def test_killed_while_a_printer_holds_a_ticket_nothing_is_lost_or_doubled(
    dining: Dining, tmp_path: Path
) -> None:
    _order_for_four(dining)
    send_id = new_id()
    with RawPrinter(hold=True) as printer:
        tablet = Tablet(dining, send_id, "printing", printer.port)
        tablet.wait_for("sent")
        assert printer.got_job.wait(30), "the first ticket never reached the printer"
        tablet.kill()  # the printer has the dispatch slip's bytes and has not answered
        printer.release()

    store = Store(dining.store.url)
    try:
        _integrity_ok(store)
        states = {st: state for st, state in _jobs_by_key(store).values()}
        assert states == {
            "cashier": PrintState.SENDING.value,  # in doubt: on paper or not, nobody knows
            "bar": PrintState.QUEUED.value,
            "cold_kitchen": PrintState.QUEUED.value,
        }
        folder = tmp_path / "paper"
        spooler = PrintSpooler(store, file_setup(folder, *STATIONS), "tablet-1")
        (slip_job,) = spooler.recover()  # the one in doubt waits for a person
        printed = spooler.run_once()
        assert len(printed) == 2 and spooler.run_once() == []
        # The cashier saw the slip come out: she settles it as printed, not reprinted.
        confirm_printed(store, dining.staff["S01"], ChooseJob(job_id=slip_job))
        states = {st: state for st, state in _jobs_by_key(store).values()}
        assert set(states.values()) == {PrintState.PRINTED.value}
        assert not (folder / "cashier.prn").exists()  # never sent a second time
        for station in STATIONS[1:]:
            assert (folder / f"{station}.prn").read_bytes().count(b"\x1dV") == 1  # one cut
        assert len(printer.jobs) == 1 and _sends(store) == 1
        with store.read() as s:
            slip = json.loads(s.scalar(select(PrintJob.payload).where(PrintJob.id == slip_job)))
        assert len(slip["lines"]) == 4
    finally:
        store.dispose()
