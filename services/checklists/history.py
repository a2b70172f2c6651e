"""Past checklist runs and how they kept the rules: who started and signed them, how long
they took, fails and escalations, and which were late or missing against the service's
opening time (第3条 ⑥: lights and air-conditioning checked half an hour before opening; the
template's due_minutes_before_opening says how early each list is due). Seating-gate
overrides are listed beside them. The CSV is made here so that it can be tested.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.store import Store
from models import ChecklistRun, SeatingGateOverride, utcnow
from services.checklists.files import write_export
from services.checklists.gate import GateOverrideInfo, override_info
from services.checklists.templates import ChecklistKind, ChecklistTemplate, TemplateSet
from services.checklists.views import build_run_view
from services.errors import DomainError
from services.permissions import Action, require
from services.service_day import ServiceSlot, restaurant_zone, slot_of, slots_on

MAX_DAYS = 366

# Status codes, and the English words the screen translates.
STATUS_WORDS = {
    "on_time": "On time",
    "signed_late": "Signed late",
    "in_progress": "In progress",
    "overdue": "Overdue",
    "missing": "Missing",
}


class HistoryRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    service_date: date
    service_code: str
    service_name_en: str
    service_name_zh: str
    template_code: str
    title_en: str
    title_zh: str
    status: str  # a key of STATUS_WORDS
    due_at: datetime | None = None
    late_minutes: int = 0
    run_id: int | None = None
    started_by: str = ""
    started_at: datetime | None = None
    signed_by: str = ""
    signed_at: datetime | None = None
    duration_minutes: int | None = None
    fails: int = 0
    escalations: int = 0
    escalations_open: int = 0
    corrections: int = 0


class History(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    timezone: str
    rows: list[HistoryRow]
    overrides: list[GateOverrideInfo]


def _due(kind: str, slot: ServiceSlot, before: int | None, after: int | None) -> datetime | None:
    """When the list had to be signed; None when its template sets no due time."""
    if kind == ChecklistKind.CLOSING.value:
        return slot.closes + timedelta(minutes=after) if after is not None else None
    return slot.opens - timedelta(minutes=before) if before is not None else None


def _minutes(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))


def _run_row(s: Session, run: ChecklistRun, slot: ServiceSlot, now: datetime) -> HistoryRow:
    view = build_run_view(s, run)
    due = _due(run.kind, slot, run.due_minutes_before_opening, run.due_minutes_after_closing)
    late = 0
    if run.signed_at is not None:
        status = "on_time"
        if due is not None and run.signed_at > due:
            status, late = "signed_late", _minutes(run.signed_at - due)
    elif due is not None and now > due:
        status, late = "overdue", _minutes(now - due)
    else:
        status = "in_progress"
    duration = None
    if run.signed_at is not None:
        duration = int((run.signed_at - run.started_at).total_seconds() // 60)
    return HistoryRow(
        service_date=run.service_date,
        service_code=slot.code,
        service_name_en=slot.name_en,
        service_name_zh=slot.name_zh,
        template_code=run.template_code,
        title_en=run.title_en,
        title_zh=run.title_zh,
        status=status,
        due_at=due,
        late_minutes=late,
        run_id=run.id,
        started_by=view.started_by,
        started_at=run.started_at,
        signed_by=view.signed_by,
        signed_at=run.signed_at,
        duration_minutes=duration,
        fails=sum(1 for i in view.items if i.result == "fail"),
        escalations=sum(1 for i in view.items if i.escalation_id is not None),
        escalations_open=view.escalations_open,
        corrections=sum(1 for i in view.items if i.correction),
    )


def checklist_history(
    store: Store,
    viewer_id: int,
    start: date,
    end: date,
    templates: TemplateSet,
    at: datetime | None = None,
) -> History:
    """Runs from `start` to `end` (local dates, inclusive), newest first, with a "missing"
    row for every expected list never started once its service was over."""
    if end < start:
        raise DomainError("The first day must not be after the last day.")
    if (end - start).days >= MAX_DAYS:
        raise DomainError("Choose at most {days} days at a time.", days=MAX_DAYS)
    now = at or utcnow()
    with store.read() as s:
        require(s, viewer_id, Action.READ_CHECKLIST_HISTORY)
        zone = restaurant_zone(s)
        runs = s.scalars(
            select(ChecklistRun)
            .where(ChecklistRun.service_date >= start, ChecklistRun.service_date <= end)
            .order_by(ChecklistRun.service_date, ChecklistRun.id)
        ).all()
        keyed: list[tuple[tuple[int, float, int, str], HistoryRow]] = []
        seen: set[tuple[date, int, str]] = set()
        for run in runs:
            slot = slot_of(s, run.service_period_id, run.service_date)
            if slot is None:
                continue
            keyed.append((_order(slot, run.kind, run.title_en), _run_row(s, run, slot, now)))
            seen.add((run.service_date, run.service_period_id, run.template_code))
        # Missing lists are counted from the first day the restaurant used checklists, so a
        # new install does not open on a wall of "missing" rows for days before it existed.
        first_used = s.scalar(select(func.min(ChecklistRun.service_date)))
        first_override = s.scalar(select(func.min(SeatingGateOverride.service_date)))
        known = [d for d in (first_used, first_override) if d is not None]
        since = max(start, min(known)) if known else max(start, now.astimezone(zone).date())
        day = since
        while day <= end:
            for slot in slots_on(s, day):
                for template in templates.templates.values():
                    if (day, slot.period_id, template.code) in seen:
                        continue
                    over = slot.closes
                    if template.kind is ChecklistKind.CLOSING:
                        over += timedelta(minutes=template.due_minutes_after_closing or 0)
                    if now <= over:
                        continue
                    row = _missing_row(slot, template)
                    keyed.append((_order(slot, template.kind.value, template.title_en), row))
            day += timedelta(days=1)
        keyed.sort(key=lambda pair: pair[0])
        rows = [row for _, row in keyed]
        overrides = []
        for row in s.scalars(
            select(SeatingGateOverride)
            .where(
                SeatingGateOverride.service_date >= start, SeatingGateOverride.service_date <= end
            )
            .order_by(SeatingGateOverride.service_date.desc(), SeatingGateOverride.id.desc())
        ).all():
            slot = slot_of(s, row.service_period_id, row.service_date)
            if slot is not None:
                overrides.append(override_info(s, row, slot))
        return History(start=start, end=end, timezone=zone.key, rows=rows, overrides=overrides)


def _missing_row(slot: ServiceSlot, template: ChecklistTemplate) -> HistoryRow:
    return HistoryRow(
        service_date=slot.service_date,
        service_code=slot.code,
        service_name_en=slot.name_en,
        service_name_zh=slot.name_zh,
        template_code=template.code,
        title_en=template.title_en,
        title_zh=template.title_zh,
        status="missing",
        due_at=_due(
            template.kind.value,
            slot,
            template.due_minutes_before_opening,
            template.due_minutes_after_closing,
        ),
    )


def _order(slot: ServiceSlot, kind: str, title: str) -> tuple[int, float, int, str]:
    """Newest day first, later service first, then the lists in the order they are done."""
    kinds = [k.value for k in ChecklistKind]
    rank = kinds.index(kind) if kind in kinds else len(kinds)
    return (-slot.service_date.toordinal(), -slot.opens.timestamp(), rank, title)


# ---- CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "record",
    "date",
    "service",
    "checklist",
    "status",
    "late_minutes",
    "due",
    "started_by",
    "started",
    "signed_by",
    "signed",
    "duration_minutes",
    "fails",
    "escalations",
    "escalations_open",
    "corrections",
    "approved_by",
    "reason",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def history_csv(history: History) -> str:
    """The history as CSV text: one line per run or missing list, then one per override."""
    zone = ZoneInfo(history.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in history.rows:
        values: list[object] = [
            "checklist",
            r.service_date.isoformat(),
            f"{r.service_name_en} {r.service_name_zh}",
            f"{r.title_en} {r.title_zh}",
            STATUS_WORDS[r.status],
            r.late_minutes or "",
            _local(r.due_at, zone),
            r.started_by,
            _local(r.started_at, zone),
            r.signed_by,
            _local(r.signed_at, zone),
            "" if r.duration_minutes is None else r.duration_minutes,
            r.fails,
            r.escalations,
            r.escalations_open,
            r.corrections,
            "",
            "",
        ]
        writer.writerow([_cell(v) for v in values])
    for o in history.overrides:
        values = [
            "seating_gate_override",
            o.service_date.isoformat(),
            f"{o.service_name_en} {o.service_name_zh}",
            "",
            "Overridden",
            "",
            "",
            o.requested_by,
            _local(o.at, zone),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            o.manager,
            o.reason,
        ]
        writer.writerow([_cell(v) for v in values])
    return out.getvalue()


def export_history_csv(store: Store, history: History, at: datetime | None = None) -> Path:
    """Write the CSV into the exports folder; returns where it went. Named by the
    restaurant's local date and time, as its rows are (issue 12: a UTC name on local
    rows read as the day before in Shanghai until 08:00)."""
    with store.read() as s:
        zone = restaurant_zone(s)
    stamp = (at or utcnow()).astimezone(zone).strftime("%Y-%m-%d-%H%M%S")
    name = f"checklists-{history.start.isoformat()}-{history.end.isoformat()}-{stamp}.csv"
    return write_export(store, name, history_csv(history))
