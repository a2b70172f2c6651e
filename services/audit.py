"""The audit log: append an event inside the caller's transaction; read events back,
filtered, with their objects named.

Every event is hash-chained to the one before it (db/chain.py), in the same
transaction, so `python main.py verify` shows any event changed, removed or inserted
later, even by someone the database could not stop.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

import db.seals  # noqa: F401 - registers the flush hook that seals sent order lines
from db.chain import ChainSpec, link, register
from db.store import Store
from models import AuditEvent, Staff, utcnow
from services.text import Count, Name, RecordId


def _content(event: AuditEvent) -> tuple[object, ...]:
    return (
        event.at,
        event.actor_id,
        event.actor_label,
        event.approver_id,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
    )


AUDIT_CHAIN = register(ChainSpec(name="audit_event", model=AuditEvent, content=_content))


def record(
    session: Session,
    *,
    action: str,
    object_type: str,
    object_id: object = "",
    actor_id: int | None = None,
    actor_label: str = "",
    approver_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        approver_id=approver_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    )
    link(session, AUDIT_CHAIN, event)
    session.add(event)
    return event


class AuditLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor: str
    approver: str
    action: str
    object_type: str
    object_id: str
    detail: str


def recent_events(store: Store, viewer_id: int, limit: int = 200) -> list[AuditLine]:
    """The newest events first. Only a manager may read the log."""
    from services.permissions import Action, require  # permissions imports models only

    limit = max(1, min(int(limit), 1000))
    actor = aliased(Staff)
    approver = aliased(Staff)
    with store.read() as s:
        require(s, viewer_id, Action.READ_AUDIT_LOG)
        rows = s.execute(
            select(AuditEvent, actor.name, approver.name)
            .outerjoin(actor, AuditEvent.actor_id == actor.id)
            .outerjoin(approver, AuditEvent.approver_id == approver.id)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).all()
        return [
            AuditLine(
                id=e.id,
                at=e.at,
                actor=actor_name or e.actor_label,
                approver=approver_name or "",
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                detail=e.detail,
            )
            for e, actor_name, approver_name in rows
        ]


# ---- reading with filters: who did what, to what, named as a manager names it ----------


class AuditQuery(BaseModel):
    """What the manager narrows the log to: one person, one kind of action (the part of
    the action before the dot: "party", "order", "staff"...), one local day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor_id: RecordId | None = None
    kind: Name = ""
    day: date | None = None
    limit: Count = 200


class AuditEntry(BaseModel):
    """One event, its object named in both languages (the screen picks one)."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor_id: int | None
    actor: str
    approver: str
    action: str
    kind: str
    object_type: str
    object_id: str
    subject_en: str
    subject_zh: str
    # A second person the event names (the waiter given a section), as stored.
    person: str = ""
    detail: dict[str, Any]


class AuditChoices(BaseModel):
    """What the filters offer: the people and the kinds found in the log."""

    model_config = ConfigDict(frozen=True)

    people: list[tuple[int, str]]
    kinds: list[str]


# Objects without a name of their own are called by a noun and their number.
_NOUNS: dict[str, tuple[str, str]] = {
    "bill": ("bill", "账单"),
    "payment": ("payment", "付款"),
    "discount": ("discount", "折扣"),
    "print_job": ("print job", "打印任务"),
    "cash_drawer": ("cash drawer", "钱箱"),
    "cash_setting": ("cash settings", "收银设置"),
    "checklist_run": ("checklist", "检查表"),
    "checklist_tick": ("checklist item", "检查项"),
    "checklist_escalation": ("reported problem", "上报的问题"),
    "seating_gate_override": ("seating gate", "入座闸门"),
    "found_item": ("found item", "失物"),
    "station_ticket": ("kitchen ticket", "厨房单"),
    "party_course": ("course", "菜道"),
    "station_timing": ("station times", "档口时限"),
    "house_account": ("house account", "挂账账户"),
    "restaurant": ("the restaurant", "餐厅"),
    # Objects with a name of their own, when the row is gone (issue 12: "menu_item 17").
    "menu_item": ("dish", "菜品"),
    "order_line": ("order line", "点单行"),
    "order_send": ("order", "订单"),
    "dining_table": ("table", "餐桌"),
    "party": ("party", "客人"),
    "staff": ("staff member", "员工"),
    "section_assignment": ("section", "区域"),
}


def _tables_subject(numbers: list[str]) -> tuple[str, str]:
    if not numbers:
        return "a waiting party", "一组候位客人"
    return "table " + " + ".join(numbers), "、".join(numbers) + "号桌"


def _party_tables(s: Session, party_id: object) -> list[str]:
    from models import DiningTable, TableOccupancy  # imported here: models import audit

    try:
        pid = int(str(party_id))
    except ValueError:
        return []
    numbers = s.scalars(
        select(DiningTable.number)
        .join(TableOccupancy, TableOccupancy.table_id == DiningTable.id)
        .where(TableOccupancy.party_id == pid)
    ).all()
    return sorted(set(numbers))


def _subject(s: Session, e: AuditEvent, detail: dict[str, Any]) -> tuple[str, str]:
    """The object as a manager names it: the table number, the dish, the person."""
    from models import DiningTable, MenuItem, OrderLine, Section

    kind, oid = e.object_type, e.object_id
    number = int(oid) if oid.isdigit() else None
    if kind == "dining_table":
        table = detail.get("table") or (
            s.scalar(select(DiningTable.number).where(DiningTable.id == number)) or oid
        )
        return _tables_subject([str(table)])
    if kind == "party":
        tables = detail.get("tables") or _party_tables(s, oid)
        en, zh = _tables_subject([str(t) for t in tables])
        if not tables and detail.get("name"):
            return f"{en} ({detail['name']})", f"{zh}（{detail['name']}）"
        return en, zh
    if kind == "order_send":
        return _tables_subject(_party_tables(s, detail.get("party", "")))
    if kind == "order_line" and number is not None:
        line = s.get(OrderLine, number)
        if line is not None:
            en, zh = _tables_subject(_party_tables(s, line.party_id))
            return f"{line.name_en}, {en}", f"{line.name_zh}，{zh}"
    if kind == "menu_item" and number is not None:
        item = s.get(MenuItem, number)
        if item is not None:
            return item.name_en, item.name_zh
    if kind == "staff" and number is not None:
        person = s.get(Staff, number)
        if person is not None:
            return person.name, person.name
    if kind in ("party_course", "station_ticket") and number is not None:
        named = _course_subject(s, kind, number)
        if named is not None:
            return named
    if kind == "section_assignment":
        section = s.scalar(select(Section).where(Section.code == detail.get("section", "")))
        if section is not None:
            return section.name_en, section.name_zh
    en, zh = _NOUNS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return (f"{en} {oid}".strip(), f"{zh} {oid}".strip()) if number is not None else (en, zh)


def _course_subject(s: Session, kind: str, number: int) -> tuple[str, str] | None:
    """A course or a kitchen ticket by the course's name and the party's table: "course
    (Mains, table 3)" rather than "course 41", which is only a row's id."""
    from models import Course, PartyCourse, StationTicket

    pc_id = number
    if kind == "station_ticket":
        ticket = s.get(StationTicket, number)
        if ticket is None:
            return None
        pc_id = ticket.party_course_id
    row = s.execute(
        select(PartyCourse.party_id, Course.name_en, Course.name_zh)
        .join(Course, Course.id == PartyCourse.course_id)
        .where(PartyCourse.id == pc_id)
    ).first()
    if row is None:
        return None
    noun_en, noun_zh = _NOUNS[kind]
    table_en, table_zh = _tables_subject(_party_tables(s, row.party_id))
    return f"{noun_en} ({row.name_en}, {table_en})", f"{noun_zh}（{row.name_zh}，{table_zh}）"


def _day_bounds(s: Session, day: date) -> tuple[datetime, datetime]:
    from services.service_day import restaurant_zone

    zone = restaurant_zone(s)
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def audit_events(store: Store, viewer_id: int, query: AuditQuery) -> list[AuditEntry]:
    """The newest events first, narrowed to a person, a kind and a local day; each with its
    object named. Only a manager may read the log. Reading never touches the chain."""
    from services.permissions import Action, require

    limit = max(1, min(query.limit, 1000))
    actor = aliased(Staff)
    approver = aliased(Staff)
    with store.read() as s:
        require(s, viewer_id, Action.READ_AUDIT_LOG)
        wanted = (
            select(AuditEvent, actor.name, approver.name)
            .outerjoin(actor, AuditEvent.actor_id == actor.id)
            .outerjoin(approver, AuditEvent.approver_id == approver.id)
        )
        if query.actor_id is not None:
            wanted = wanted.where(AuditEvent.actor_id == query.actor_id)
        if query.kind:
            wanted = wanted.where(AuditEvent.action.like(f"{query.kind}.%"))
        if query.day is not None:
            start, end = _day_bounds(s, query.day)
            wanted = wanted.where(AuditEvent.at >= start, AuditEvent.at < end)
        rows = s.execute(wanted.order_by(AuditEvent.id.desc()).limit(limit)).all()
        entries = []
        for e, actor_name, approver_name in rows:
            try:
                detail = json.loads(e.detail or "{}")
            except ValueError:
                detail = {}
            detail = detail if isinstance(detail, dict) else {}
            en, zh = _subject(s, e, detail)
            waiter = detail.get("waiter")
            person = (
                s.scalar(select(Staff.name).where(Staff.number == str(waiter))) or str(waiter)
                if waiter
                else ""
            )
            entries.append(
                AuditEntry(
                    id=e.id,
                    at=e.at,
                    actor_id=e.actor_id,
                    actor=actor_name or e.actor_label,
                    approver=approver_name or "",
                    action=e.action,
                    kind=e.action.split(".", 1)[0],
                    object_type=e.object_type,
                    object_id=e.object_id,
                    subject_en=en,
                    subject_zh=zh,
                    person=person,
                    detail=detail,
                )
            )
        return entries


def audit_choices(store: Store, viewer_id: int) -> AuditChoices:
    """The people who appear in the log, and the kinds of action in it, for the filters."""
    from services.permissions import Action, require

    with store.read() as s:
        require(s, viewer_id, Action.READ_AUDIT_LOG)
        people = s.execute(
            select(Staff.id, Staff.name)
            .where(Staff.id.in_(select(AuditEvent.actor_id).distinct()))
            .order_by(Staff.name)
        ).all()
        actions = s.scalars(select(AuditEvent.action).distinct()).all()
        kinds = sorted({a.split(".", 1)[0] for a in actions})
        return AuditChoices(people=[(i, n) for i, n in people], kinds=kinds)
