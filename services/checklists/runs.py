"""Working through a checklist: start today's run, tick item by item, sign it off with a
correct a signed run with a new tick (never an edit).

Rules from 第3条 ⑦: a fail is fixed on the spot or reported upward at once, so a fail
needs a note and one of those two; an escalation waits for the manager (see
checklist_escalations). A critical fail still with the manager blocks sign-off.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import (
    ChecklistEscalation,
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    Staff,
    utcnow,
)
from services import audit
from services.checklists.files import check_photo, drop_photo, keep_photo
from services.checklists.templates import ChecklistTemplate, TemplateSet
from services.checklists.views import RunView, build_run_view, current_ticks
from services.errors import Conflict, DomainError, NotFound
from services.permissions import Action, require
from services.service_day import ServiceSlot, current_slot, local_today, slot_of
from services.text import Note, Reason, RecordId, Reference


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "na"


class FailAction(StrEnum):
    FIXED = "fixed"  # put right on the spot
    ESCALATED = "escalated"  # reported to the manager


class StartRun(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    template_code: Reference
    # None: the current service (or the next one today).
    service_period_id: RecordId | None = None


class TickItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: RecordId
    item_id: RecordId
    result: Result
    # Required for a fail (what is wrong); the service says so, as it depends on the result.
    note: Note = ""
    fail_action: FailAction | None = None
    photo: Path | None = None


class CorrectItem(TickItem):
    """A new answer for an item of a signed run, and why the signed answer was wrong."""

    reason: Reason = ""


def stale_run() -> Conflict:
    return Conflict(
        "Another tablet changed this checklist at the same moment. It was reloaded: "
        "check it and try again."
    )


# ---- starting -------------------------------------------------------------------------------


def _template(templates: TemplateSet, code: str) -> ChecklistTemplate:
    template = templates.templates.get(code)
    if template is None:
        raise NotFound("No usable checklist template has the code {code}.", code=code)
    return template


def _slot(s: Session, command: StartRun, at: datetime | None) -> ServiceSlot:
    if command.service_period_id is None:
        slot = current_slot(s, at)
    else:
        slot = slot_of(s, command.service_period_id, local_today(s, at))
    if slot is None:
        raise NotFound("Unknown service.")
    return slot


def start_run(
    store: Store,
    actor_id: int,
    command: StartRun,
    templates: TemplateSet,
    at: datetime | None = None,
) -> RunView:
    """Today's run of a template for a service; starting one that exists just opens it, so
    two supervisors tapping "start" on two tablets end up in the same run."""
    template = _template(templates, command.template_code)
    try:
        with store.write() as s:
            actor = require(s, actor_id, Action.RUN_CHECKLIST)
            slot = _slot(s, command, at)
            existing = _run_for(s, template.code, slot)
            if existing is not None:
                return build_run_view(s, existing)
            run = ChecklistRun(
                template_code=template.code,
                kind=template.kind.value,
                title_en=template.title_en,
                title_zh=template.title_zh,
                source=template.source,
                service_period_id=slot.period_id,
                service_date=slot.service_date,
                due_minutes_before_opening=template.due_minutes_before_opening,
                due_minutes_after_closing=template.due_minutes_after_closing,
                started_by_id=actor.id,
                started_at=at or utcnow(),
            )
            s.add(run)
            s.flush()
            s.add_all(
                ChecklistRunItem(
                    run_id=run.id,
                    position=position,
                    code=item.code,
                    text_en=item.text_en,
                    text_zh=item.text_zh,
                    area=item.area.value,
                    critical=item.critical,
                    photo_on_fail=item.photo_on_fail,
                    source=item.source,
                )
                for position, item in enumerate(template.items, start=1)
            )
            s.flush()
            audit.record(
                s,
                action="checklist.run_started",
                object_type="checklist_run",
                object_id=run.id,
                actor_id=actor.id,
                template=template.code,
                service=slot.code,
                service_date=slot.service_date.isoformat(),
            )
            return build_run_view(s, run)
    except IntegrityError:
        # Another tablet started the same run between our check and our insert: open theirs.
        with store.read() as s:
            run = _run_for(s, template.code, _slot(s, command, at))
            if run is None:
                raise
            return build_run_view(s, run)


def _run_for(s: Session, code: str, slot: ServiceSlot) -> ChecklistRun | None:
    return s.scalar(
        select(ChecklistRun).where(
            ChecklistRun.template_code == code,
            ChecklistRun.service_period_id == slot.period_id,
            ChecklistRun.service_date == slot.service_date,
        )
    )


# ---- ticking --------------------------------------------------------------------------------


def _checked_answer(command: TickItem) -> str:
    """The note, once the answer's own rules hold; raised before anything is written."""
    if command.result is Result.FAIL:
        note = command.note
        if not note:
            raise DomainError("A fail needs a note saying what is wrong.")
        if command.fail_action is None:
            raise DomainError('Choose "Fixed on the spot" or "Escalate to manager" for a fail.')
        if command.photo is not None:
            check_photo(command.photo)
        return note
    if command.fail_action is not None:
        raise DomainError("Only a fail is fixed on the spot or escalated.")
    return command.note


def find_run(s: Session, run_id: int) -> ChecklistRun:
    run = s.get(ChecklistRun, run_id)
    if run is None:
        raise NotFound("Unknown checklist run.")
    return run


def _item(s: Session, run: ChecklistRun, item_id: int) -> ChecklistRunItem:
    item = s.get(ChecklistRunItem, item_id)
    if item is None or item.run_id != run.id:
        raise NotFound("That item is not on this checklist.")
    return item


def refuse_if_signed(s: Session, run: ChecklistRun) -> None:
    if run.signed_at is not None:
        signer = s.get(Staff, run.signed_by_id)
        raise DomainError(
            "This checklist was signed off by {name}; it can no longer be ticked. "
            "Add a correction instead.",
            name=signer.name if signer else "",
        )


def _waiting_escalation(s: Session, tick: ChecklistTick | None) -> ChecklistEscalation | None:
    if tick is None:
        return None
    return s.scalar(
        select(ChecklistEscalation).where(
            ChecklistEscalation.tick_id == tick.id, ChecklistEscalation.resolved_at.is_(None)
        )
    )


def _add_tick(
    store: Store,
    s: Session,
    actor: Staff,
    run: ChecklistRun,
    command: TickItem,
    note: str,
    copied: list[str],
    *,
    reason: str = "",
    at: datetime | None = None,
) -> None:
    """Append the tick (and its escalation). Photo names copied are added to `copied` at
    once, so that the caller can remove them if anything after the copy fails."""
    item = _item(s, run, command.item_id)
    current = current_ticks(s, run.id).get(item.id)
    previous = current[0] if current else None
    if _waiting_escalation(s, previous) is not None:
        raise DomainError(
            "Item {position} was escalated and is waiting for the manager: it can be "
            "answered again once the manager has resolved it.",
            position=item.position,
        )
    failed = command.result is Result.FAIL
    if failed and item.photo_on_fail and command.photo is None:
        raise DomainError(
            "Item {position} needs a photo when it fails: attach one.", position=item.position
        )
    photo_name = None
    if failed and command.photo is not None:
        photo_name = keep_photo(store, command.photo, run.id, item.id)
        copied.append(photo_name)
    now = at or utcnow()
    tick = ChecklistTick(
        run_id=run.id,
        item_id=item.id,
        result=command.result.value,
        note=note,
        fail_action=command.fail_action.value if failed and command.fail_action else None,
        photo_path=photo_name,
        ticked_by_id=actor.id,
        ticked_at=now,
        replaces_tick_id=previous.id if previous else None,
        correction=bool(reason),
        correction_reason=reason,
    )
    s.add(tick)
    run.last_tick_at = now  # bumps the run's version: see ChecklistRun.last_tick_at
    s.flush()
    audit.record(
        s,
        action="checklist.item_corrected" if reason else "checklist.item_ticked",
        object_type="checklist_tick",
        object_id=tick.id,
        actor_id=actor.id,
        run_id=run.id,
        item=item.code,
        result=tick.result,
        fail_action=tick.fail_action,
        note=note,
        replaces=tick.replaces_tick_id,
        **({"reason": reason} if reason else {}),
    )
    if tick.fail_action == FailAction.ESCALATED.value:
        escalation = ChecklistEscalation(
            run_id=run.id, tick_id=tick.id, raised_by_id=actor.id, raised_at=now
        )
        s.add(escalation)
        s.flush()
        audit.record(
            s,
            action="checklist.escalated",
            object_type="checklist_escalation",
            object_id=escalation.id,
            actor_id=actor.id,
            run_id=run.id,
            item=item.code,
            critical=item.critical,
        )


def _write_tick(
    store: Store, actor_id: int, command: TickItem, *, correcting: bool, at: datetime | None
) -> RunView:
    note = _checked_answer(command)
    reason = ""
    if correcting:
        assert isinstance(command, CorrectItem)
        reason = command.reason
        if not reason:
            raise DomainError("A correction needs a reason.")
    copied: list[str] = []
    try:
        with store.write() as s:
            actor = require(s, actor_id, Action.RUN_CHECKLIST)
            run = find_run(s, command.run_id)
            if correcting and run.signed_at is None:
                raise DomainError(
                    "This checklist is not signed off yet: tick the item again instead "
                    "of correcting it."
                )
            if not correcting:
                refuse_if_signed(s, run)
            _add_tick(store, s, actor, run, command, note, copied, reason=reason, at=at)
            return build_run_view(s, run)
    except BaseException as exc:
        # Nothing was recorded, so the copied photo must not stay behind either.
        for name in copied:
            drop_photo(store, name)
        if isinstance(exc, StaleDataError):
            raise stale_run() from exc
        raise


def tick_item(
    store: Store, actor_id: int, command: TickItem, at: datetime | None = None
) -> RunView:
    """Answer one item of an open run: pass, fail (note + fixed/escalated) or not applicable.
    Answering an item again adds a newer tick; the earlier one stays on record."""
    return _write_tick(store, actor_id, command, correcting=False, at=at)


def correct_item(
    store: Store, actor_id: int, command: CorrectItem, at: datetime | None = None
) -> RunView:
    """A new, linked answer for an item of a signed run, with the reason; the signature and
    the signed answer both stay."""
    return _write_tick(store, actor_id, command, correcting=True, at=at)
