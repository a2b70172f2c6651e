"""The print queue as staff see it: putting tickets in, and what a person does with a ticket
whose fate is unknown ("it printed" or "reprint") or whose printer is down ("retry now").

Putting a ticket in is idempotent on a key the tablet makes (RELIABILITY: retried sends
must not duplicate): a double tap or a send retried after a time-out returns the job that
exists. Kitchen tickets going missing or coming out twice is the failure to beat
(odoo/odoo#285993, #210776): a job is written in the same transaction as the order change,
and the spooler (services/print_spooler.py) never resends a job that may have printed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.store import Store
from models import PrintJob, PrintKind, PrintState, utcnow
from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_
from services.permissions import Action, require
from services.printing.receipts import BillDocument
from services.printing.reports import DayReportDocument
from services.printing.tickets import DispatchSlip, KitchenTicket, MovedTicket, VoidTicket
from services.text import RecordId

Document = (
    KitchenTicket | DispatchSlip | VoidTicket | MovedTicket | BillDocument | DayReportDocument
)

# Who watches the print queue: the supervisor on the floor, the cashier at the desk.
OPEN_STATES = (PrintState.QUEUED, PrintState.SENDING, PrintState.UNCERTAIN)

# Why a job is not on paper yet, as the spooler records it: an English sentence and its
# fields, stored as JSON in last_error and translated by the screen that shows it.
NO_PRINTER = N_("No printer is set up for {station}.")
CANNOT_LAY_OUT = N_("This job cannot be laid out: {detail}")
UNREACHABLE = N_("The printer did not answer: {detail}")
STOPPED_MID_JOB = N_("The printer stopped in the middle of this job: {detail}")
APP_STOPPED = N_("The app stopped while this job was printing.")
TABLET_GONE = N_("The tablet printing this job stopped answering.")
PRINT_ERRORS = (NO_PRINTER, CANNOT_LAY_OUT, UNREACHABLE, STOPPED_MID_JOB, APP_STOPPED, TABLET_GONE)


def print_error(sentence: str, **params: str) -> str:
    """The value stored in last_error."""
    return json.dumps({"sentence": sentence, "params": params}, ensure_ascii=False)


KIND_OF: dict[type[BaseModel], PrintKind] = {
    KitchenTicket: PrintKind.KITCHEN_TICKET,
    DispatchSlip: PrintKind.DISPATCH_SLIP,
    VoidTicket: PrintKind.VOID_TICKET,
    BillDocument: PrintKind.RECEIPT,
    DayReportDocument: PrintKind.DAY_REPORT,
    MovedTicket: PrintKind.MOVED_TICKET,
}


class PrintJobView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    idempotency_key: str
    station: str
    kind: PrintKind
    state: PrintState
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    printed_at: datetime | None
    reprint_of: int | None
    # Why it is not printed yet: a sentence with {fields} for the screen to translate.
    error_sentence: str | None
    error_params: dict[str, str]
    # From the document, for the queue screen to say which table's paper this is.
    table_number: str
    order_ref: str
    line_count: int

    @property
    def error(self) -> str | None:
        """The reason in English."""
        if self.error_sentence is None:
            return None
        return self.error_sentence.format(**self.error_params)

    @property
    def failing(self) -> bool:
        """Queued, but its printer refused at least once: staff should look at it."""
        return self.state == PrintState.QUEUED and self.error_sentence is not None


def job_view(job: PrintJob) -> PrintJobView:
    document = json.loads(job.payload)
    error = json.loads(job.last_error) if job.last_error else None
    return PrintJobView(
        id=job.id,
        idempotency_key=job.idempotency_key,
        station=job.station,
        kind=PrintKind(job.kind),
        state=PrintState(job.state),
        attempts=job.attempts,
        created_at=job.created_at,
        next_attempt_at=job.next_attempt_at,
        printed_at=job.printed_at,
        reprint_of=job.reprint_of,
        error_sentence=error["sentence"] if error else None,
        error_params=error["params"] if error else {},
        table_number=str(document.get("table_number", "")),
        order_ref=str(document.get("order_ref", "")),
        line_count=len(document.get("lines", ())),
    )


def _checked_key(value: object) -> str:
    if not isinstance(value, str) or not 8 <= len(value) <= 80:
        raise DomainError("A print key is 8 to 80 characters.")
    return value


# Made by the tablet (a uuid, or a send's id and the station), never typed by a person.
PrintKey = Annotated[str, BeforeValidator(_checked_key)]


class PrintRequest(BaseModel):
    """A piece of paper to print. The key is made once by the tablet for this send (a uuid,
    or the order's send id plus the station) and reused on every retry of the same send."""

    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = Field(min_length=8, max_length=80)
    station: str = Field(min_length=1, max_length=32)
    document: Document


def add_print_job(session: Session, request: PrintRequest, actor_id: int | None = None) -> PrintJob:
    """Queue a job inside the caller's transaction (the order service's send), or find the
    job already queued under the same key."""
    kind = KIND_OF[type(request.document)]
    existing = _by_key(session, request.idempotency_key)
    if existing is None:
        job = PrintJob(
            idempotency_key=request.idempotency_key,
            station=request.station,
            kind=kind.value,
            payload=request.document.model_dump_json(),
            state=PrintState.QUEUED.value,
            attempts=0,
            next_attempt_at=utcnow(),
            created_at=utcnow(),
            created_by_id=actor_id,
        )
        try:
            # A savepoint: if another tablet inserted the same key a moment ago, only this
            # insert is undone and the caller's transaction goes on with the existing job.
            with session.begin_nested():
                session.add(job)
                session.flush()
        except IntegrityError:
            existing = _by_key(session, request.idempotency_key)
            if existing is None:
                raise
        else:
            audit.record(
                session,
                action="print.queued",
                object_type="print_job",
                object_id=job.id,
                actor_id=actor_id,
                station=job.station,
                kind=job.kind,
            )
            return job
    if existing.station != request.station or existing.kind != kind.value:
        raise Conflict("That print key is already used for another ticket.")
    return existing


def _by_key(session: Session, key: str) -> PrintJob | None:
    return session.scalar(select(PrintJob).where(PrintJob.idempotency_key == key))


def queue_print(store: Store, actor_id: int, request: PrintRequest) -> PrintJobView:
    """Queue one piece of paper on its own (the order service uses add_print_job instead)."""
    with store.write() as s:
        require(s, actor_id, Action.QUEUE_PRINT)
        return job_view(add_print_job(s, request, actor_id))


def open_print_jobs(store: Store, viewer_id: int) -> list[PrintJobView]:
    """Everything not known to be on paper, oldest first: waiting, failing, sending, and
    uncertain jobs that need a person."""
    with store.read() as s:
        require(s, viewer_id, Action.MANAGE_PRINT_QUEUE)
        jobs = s.scalars(
            select(PrintJob)
            .where(PrintJob.state.in_([state.value for state in OPEN_STATES]))
            .order_by(PrintJob.id)
        ).all()
        return [job_view(j) for j in jobs]


def print_job(store: Store, job_id: int) -> PrintJobView:
    with store.read() as s:
        return job_view(_job(s, job_id))


def _job(session: Session, job_id: int) -> PrintJob:
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound("There is no print job {job}.", job=job_id)
    return job


class ChooseJob(BaseModel):
    """The job a person tapped on the print queue ("retry now", "it printed")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: RecordId


class Reprint(BaseModel):
    """The job to print again, and the key the tablet made for this tap: a double tap
    sends the same key, so it is one reprint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: RecordId
    idempotency_key: PrintKey


def retry_now(store: Store, actor_id: int, command: ChooseJob) -> PrintJobView:
    """The printer is back (paper changed, cable plugged in): try at once, not after the
    back-off."""
    with store.write() as s:
        require(s, actor_id, Action.MANAGE_PRINT_QUEUE)
        job = _job(s, command.job_id)
        if job.state != PrintState.QUEUED:
            raise DomainError("Job {job} is not waiting for its printer.", job=job.id)
        job.next_attempt_at = utcnow()
        audit.record(
            s,
            action="print.retry_now",
            object_type="print_job",
            object_id=job.id,
            actor_id=actor_id,
        )
        return job_view(job)


def confirm_printed(store: Store, actor_id: int, command: ChooseJob) -> PrintJobView:
    """A person saw the ticket at the station: an uncertain job is settled as printed."""
    with store.write() as s:
        require(s, actor_id, Action.MANAGE_PRINT_QUEUE)
        job = _job(s, command.job_id)
        if job.state != PrintState.UNCERTAIN:
            raise DomainError("Job {job} is not waiting for a decision.", job=job.id)
        job.state = PrintState.PRINTED.value
        job.printed_at = utcnow()
        job.resolved_by_id = actor_id
        audit.record(
            s,
            action="print.confirmed_printed",
            object_type="print_job",
            object_id=job.id,
            actor_id=actor_id,
        )
        return job_view(job)


def reprint(store: Store, actor_id: int, command: Reprint) -> PrintJobView:
    """A new job with the same paper, marked REPRINT and linked to the original. Settles an
    uncertain original; a printed one (a ticket lost at the pass) stays printed.
    The key makes a double tap on "reprint" one reprint."""
    job_id, idempotency_key = command.job_id, command.idempotency_key
    with store.write() as s:
        require(s, actor_id, Action.MANAGE_PRINT_QUEUE)
        existing = _by_key(s, idempotency_key)
        if existing is not None:
            if existing.reprint_of != job_id:
                raise Conflict("That print key is already used for another ticket.")
            return job_view(existing)
        original = _job(s, job_id)
        if original.state not in (PrintState.UNCERTAIN, PrintState.PRINTED):
            raise DomainError(
                "Job {job} has not reached its printer yet: it needs no reprint.", job=job_id
            )
        copy = PrintJob(
            idempotency_key=idempotency_key,
            station=original.station,
            kind=original.kind,
            payload=original.payload,
            state=PrintState.QUEUED.value,
            attempts=0,
            next_attempt_at=utcnow(),
            created_at=utcnow(),
            created_by_id=actor_id,
            reprint_of=original.id,
        )
        s.add(copy)
        if original.state == PrintState.UNCERTAIN:
            original.state = PrintState.REPRINTED.value
            original.resolved_by_id = actor_id
        s.flush()
        audit.record(
            s,
            action="print.reprint",
            object_type="print_job",
            object_id=copy.id,
            actor_id=actor_id,
            reprint_of=original.id,
        )
        return job_view(copy)
