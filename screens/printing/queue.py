"""The print queue: every ticket not known to be on paper, with why, and what to do.

Failing jobs get "retry now" (the printer is back). Uncertain jobs — the app stopped while a
printer had the ticket — get "it printed" (someone saw it at the station) or "reprint" (a new
ticket marked REPRINT). Nothing here resends a ticket by itself.

The app starts this tablet's spooler (services/print_spooler.py) when the TABLESIDE_PRINTERS
file names its printers; this screen wakes it after "retry now" and "reprint".
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from screens.widgets.base import TablesideScreen
from screens.widgets.refreshing import Refreshing
from services.errors import DomainError
from services.printing import jobs as printing
from services.printing.jobs import PrintKind, PrintState
from services.printing.printers import STATIONS

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0


def _chosen(job_id: int) -> printing.ChooseJob:
    return printing.ChooseJob(job_id=job_id)


class PrintJobRow(BoxLayout):
    job_id = NumericProperty(0)
    what = StringProperty("")
    why = StringProperty("")
    urgent = BooleanProperty(False)
    can_retry = BooleanProperty(False)
    can_settle = BooleanProperty(False)

    def act(self, what: str) -> None:
        """A button of this row: the screen does it for the job the row shows now (rows are
        reused as the list scrolls, so the job is read at the tap, not when drawn)."""
        screen = self.parent
        while screen is not None and not isinstance(screen, PrintQueueScreen):
            screen = screen.parent
        if screen is not None:
            getattr(screen, what)(int(self.job_id))


class PrintQueueScreen(Refreshing, TablesideScreen):
    refresh_seconds = REFRESH_SECONDS
    job_count = NumericProperty(0)
    tablet_prints = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._jobs: list[printing.PrintJobView] = []
        self._reprint_keys: dict[int, str] = {}
        app = App.get_running_app()
        self.tablet_prints = bool(app is not None and app.print_spooler is not None)

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.reload()
        # Stops by itself when the screen is left or the app stops (no timer outlives it).
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def refresh(self) -> None:
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        if self.app.user is None:
            return
        try:
            self._jobs = printing.open_print_jobs(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            self._jobs = []
        self._draw()

    def _draw(self) -> None:
        self.job_count = len(self._jobs)
        self.ids.rows.data = [
            {
                "job_id": job.id,
                "what": self._what(job),
                "why": self._why(job),
                "urgent": job.state == PrintState.UNCERTAIN or job.failing,
                "can_retry": job.state == PrintState.QUEUED,
                "can_settle": job.state == PrintState.UNCERTAIN,
            }
            for job in self._jobs
        ]

    def _what(self, job: printing.PrintJobView) -> str:
        loc = self.app.localizer
        tr = loc._
        station = loc.pick(*STATIONS.get(job.station, (job.station, "")))
        kind = {
            PrintKind.KITCHEN_TICKET: tr("Kitchen ticket"),
            PrintKind.DISPATCH_SLIP: tr("Dispatch slip"),
            PrintKind.VOID_TICKET: tr("Void ticket"),
            PrintKind.RECEIPT: tr("Receipt"),
            PrintKind.MOVED_TICKET: tr("Moved: not a new order"),
            PrintKind.DAY_REPORT: tr("End-of-day report"),
        }[job.kind]
        table = tr("Table {number}", number=job.table_number)
        reprint = " · " + tr("Reprint of #{job}", job=job.reprint_of) if job.reprint_of else ""
        made = self._local(job.created_at)
        return f"#{job.id} · {kind} · {station} · {table} · {job.order_ref}{reprint} · {made}"

    def _why(self, job: printing.PrintJobView) -> str:
        """Two lines: what happened (the spooler's reason), then what it means for staff."""
        loc = self.app.localizer
        tr = loc._
        if job.state == PrintState.UNCERTAIN:
            state = tr("Did it print? Look at the printer, then choose.")
        elif job.state == PrintState.SENDING:
            state = tr("Printing now.")
        elif job.failing:
            state = tr("Not printed yet (tries: {count}).", count=job.attempts)
        else:
            state = tr("Waiting for the printer.")
        if not job.error_sentence:
            return state
        params = dict(job.error_params)
        if "station" in params:  # a station code: say it as the kitchen calls it
            params["station"] = loc.pick(*STATIONS.get(params["station"], (params["station"], "")))
        return f"{tr(job.error_sentence, **params)}\n{state}"

    def _local(self, at: datetime) -> str:
        zone = self.app.restaurant.timezone if self.app.restaurant else "UTC"
        return at.astimezone(ZoneInfo(zone)).strftime("%H:%M")

    # -- what a person does ------------------------------------------------------------------

    def retry(self, job_id: int) -> None:
        if self._act(lambda user: printing.retry_now(self.app.store, user, _chosen(job_id))):
            if self.tablet_prints:
                self.say("Job {job} will be tried again now.", job=job_id)
            else:
                # Nothing here will print it: say so rather than promise paper.
                self.say(
                    "Job {job} is next in line, but this tablet has no printers set up: "
                    "only a tablet with printers can print it.",
                    job=job_id,
                )
            self._wake_spooler()

    def printed(self, job_id: int) -> None:
        if self._act(lambda user: printing.confirm_printed(self.app.store, user, _chosen(job_id))):
            self.say("Job {job} is marked printed.", job=job_id)

    def reprint(self, job_id: int) -> None:
        # One key per row shown: a double tap on "reprint" makes one reprint.
        key = self._reprint_keys.setdefault(job_id, f"reprint-{job_id}-{uuid.uuid4().hex}")
        if self._act(
            lambda user: printing.reprint(
                self.app.store, user, printing.Reprint(job_id=job_id, idempotency_key=key)
            )
        ):
            if self.tablet_prints:
                self.say("A reprint of job {job} is on its way.", job=job_id)
            else:
                self.say(
                    "A reprint of job {job} is queued, but this tablet has no printers set "
                    "up: only a tablet with printers can print it.",
                    job=job_id,
                )
            self._wake_spooler()

    def _act(self, action: Any) -> bool:
        try:
            action(self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            self.reload()
            return False
        self.reload()
        return True

    def _wake_spooler(self) -> None:
        spooler = getattr(self.app, "print_spooler", None)
        if spooler is not None:
            spooler.wake()
