"""What the checklist screens show: one run with the current answer of every item, and the
board of today's lists for a service. Read-only; the writes are in checklist_runs."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    ChecklistEscalation,
    ChecklistRun,
    ChecklistRunItem,
    ChecklistTick,
    ServicePeriod,
    Staff,
)
from services.checklists.gate import GateStatus, gate_status
from services.checklists.templates import Area, ChecklistKind, TemplateSet
from services.errors import NotFound
from services.service_day import ServiceSlot, current_slot, local_today, slot_of, slots_on


class RunItemView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    position: int  # 1-based, as the supervisor counts
    code: str
    text_en: str
    text_zh: str
    area_en: str
    area_zh: str
    critical: bool
    photo_on_fail: bool
    source: str
    result: str | None = None  # 'pass', 'fail', 'na'; None until ticked
    note: str = ""
    fail_action: str | None = None  # 'fixed' or 'escalated'
    photo: str | None = None
    ticked_by: str = ""
    ticked_at: datetime | None = None
    correction: bool = False
    correction_reason: str = ""
    earlier_ticks: int = 0
    escalation_id: int | None = None
    escalation_open: bool = False
    resolved_by: str = ""
    resolution_note: str = ""

    @property
    def open_critical_fail(self) -> bool:
        return self.critical and self.result == "fail" and self.escalation_open


class RunView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    template_code: str
    kind: str
    title_en: str
    title_zh: str
    source: str
    service_period_id: int
    service_code: str
    service_name_en: str
    service_name_zh: str
    service_date: date
    started_by: str
    started_at: datetime
    signed_by: str = ""
    signed_at: datetime | None = None
    items: list[RunItemView]

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.result is not None)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def open_critical(self) -> list[RunItemView]:
        return [i for i in self.items if i.open_critical_fail]

    @property
    def escalations_open(self) -> int:
        return sum(1 for i in self.items if i.escalation_open)

    def next_unticked(self, after: int = 0) -> RunItemView | None:
        """The first unticked item after position `after`, wrapping round to the start."""
        ordered = self.items[after:] + self.items[:after]
        return next((i for i in ordered if i.result is None), None)


class BoardEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    template_code: str
    kind: str
    title_en: str
    title_zh: str
    item_count: int
    run_id: int | None = None
    done: int = 0
    total: int = 0
    signed_by: str = ""
    signed_at: datetime | None = None


class ServiceChoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    period_id: int
    code: str
    name_en: str
    name_zh: str


class Board(BaseModel):
    """Today's checklists for one service, and the state of the seating gate."""

    model_config = ConfigDict(frozen=True)

    service_date: date | None
    period_id: int | None
    service_name_en: str = ""
    service_name_zh: str = ""
    services: list[ServiceChoice]
    entries: list[BoardEntry]
    gate: GateStatus


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(wanted))).all()
    return {row.id: row.name for row in rows}


def current_ticks(session: Session, run_id: int) -> dict[int, tuple[ChecklistTick, int]]:
    """item id -> (its newest tick, how many ticks it replaced)."""
    latest: dict[int, tuple[ChecklistTick, int]] = {}
    ticks = session.scalars(
        select(ChecklistTick).where(ChecklistTick.run_id == run_id).order_by(ChecklistTick.id)
    ).all()
    for tick in ticks:
        earlier = latest[tick.item_id][1] + 1 if tick.item_id in latest else 0
        latest[tick.item_id] = (tick, earlier)
    return latest


def build_run_view(session: Session, run: ChecklistRun) -> RunView:
    items = session.scalars(
        select(ChecklistRunItem)
        .where(ChecklistRunItem.run_id == run.id)
        .order_by(ChecklistRunItem.position)
    ).all()
    ticks = current_ticks(session, run.id)
    escalations = {
        e.tick_id: e
        for e in session.scalars(
            select(ChecklistEscalation).where(ChecklistEscalation.run_id == run.id)
        ).all()
    }
    people = _names(
        session,
        {run.started_by_id, run.signed_by_id}
        | {t.ticked_by_id for t, _ in ticks.values()}
        | {e.resolved_by_id for e in escalations.values()},
    )
    period = session.get(ServicePeriod, run.service_period_id)
    views = []
    for item in items:
        area = Area(item.area)
        fields: dict[str, object] = {}
        if item.id in ticks:
            tick, earlier = ticks[item.id]
            escalation = escalations.get(tick.id)
            fields = {
                "result": tick.result,
                "note": tick.note,
                "fail_action": tick.fail_action,
                "photo": tick.photo_path,
                "ticked_by": people.get(tick.ticked_by_id, ""),
                "ticked_at": tick.ticked_at,
                "correction": tick.correction,
                "correction_reason": tick.correction_reason,
                "earlier_ticks": earlier,
            }
            if escalation is not None:
                fields |= {
                    "escalation_id": escalation.id,
                    "escalation_open": escalation.resolved_at is None,
                    "resolved_by": people.get(escalation.resolved_by_id or 0, ""),
                    "resolution_note": escalation.resolution_note,
                }
        views.append(
            RunItemView(
                id=item.id,
                position=item.position,
                code=item.code,
                text_en=item.text_en,
                text_zh=item.text_zh,
                area_en=area.label_en,
                area_zh=area.label_zh,
                critical=item.critical,
                photo_on_fail=item.photo_on_fail,
                source=item.source,
                **fields,  # type: ignore[arg-type]
            )
        )
    return RunView(
        id=run.id,
        template_code=run.template_code,
        kind=run.kind,
        title_en=run.title_en,
        title_zh=run.title_zh,
        source=run.source,
        service_period_id=run.service_period_id,
        service_code=period.code if period else "",
        service_name_en=period.name_en if period else "",
        service_name_zh=period.name_zh if period else "",
        service_date=run.service_date,
        started_by=people.get(run.started_by_id, ""),
        started_at=run.started_at,
        signed_by=people.get(run.signed_by_id or 0, ""),
        signed_at=run.signed_at,
        items=views,
    )


def run_view(store: Store, run_id: object) -> RunView:
    if not isinstance(run_id, int) or isinstance(run_id, bool):
        raise NotFound("Unknown checklist run.")
    with store.read() as s:
        run = s.get(ChecklistRun, run_id)
        if run is None:
            raise NotFound("Unknown checklist run.")
        return build_run_view(s, run)


def _kind_order(kind: str) -> int:
    return [k.value for k in ChecklistKind].index(kind) if kind in ChecklistKind else 99


def checklist_board(
    store: Store,
    templates: TemplateSet,
    period_id: int | None = None,
    at: datetime | None = None,
) -> Board:
    """Every usable template for the chosen service today (the current one by default),
    each with its run if one was started."""
    with store.read() as s:
        today = local_today(s, at)
        slot: ServiceSlot | None = (
            slot_of(s, period_id, today) if period_id is not None else current_slot(s, at)
        )
        choices = [
            ServiceChoice(period_id=x.period_id, code=x.code, name_en=x.name_en, name_zh=x.name_zh)
            for x in slots_on(s, today)
        ]
        gate = gate_status(s, at)
        if slot is None:
            return Board(service_date=None, period_id=None, services=choices, entries=[], gate=gate)
        runs = {
            r.template_code: r
            for r in s.scalars(
                select(ChecklistRun).where(
                    ChecklistRun.service_date == slot.service_date,
                    ChecklistRun.service_period_id == slot.period_id,
                )
            ).all()
        }
        people = _names(s, {r.signed_by_id for r in runs.values()})
        entries = []
        ordered = sorted(templates.templates.values(), key=lambda t: (_kind_order(t.kind), t.code))
        for template in ordered:
            run = runs.get(template.code)
            extra: dict[str, object] = {}
            if run is not None:
                view = build_run_view(s, run)
                extra = {
                    "run_id": run.id,
                    "done": view.done,
                    "total": view.total,
                    "signed_by": people.get(run.signed_by_id or 0, ""),
                    "signed_at": run.signed_at,
                }
            entries.append(
                BoardEntry(
                    template_code=template.code,
                    kind=template.kind.value,
                    title_en=template.title_en,
                    title_zh=template.title_zh,
                    item_count=len(template.items),
                    **extra,  # type: ignore[arg-type]
                )
            )
        return Board(
            service_date=slot.service_date,
            period_id=slot.period_id,
            service_name_en=slot.name_en,
            service_name_zh=slot.name_zh,
            services=choices,
            entries=entries,
            gate=gate,
        )
