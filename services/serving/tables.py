"""The waiter's tables by what needs them, most urgent first (第6条, 第8条).

A course ready at the pass, a table whose next course should be fired, a bill asked for
(第9条: only when the guests ask), drinks not refilled for a while (第6条 ④: 不许空杯), a
table not visited for a while, a high chair asked for (第6条 16), a table just seated; and,
above all, a fired course that no kitchen screen showed and no printer printed (nothing is
lost silently on the way to the kitchen). A fixed handful of queries for any number of
tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    AuditEvent,
    Party,
    PartyCourse,
    PartyStage,
    PrintJob,
    PrintState,
    StationTicket,
    TableMark,
    TableMarkKind,
)
from services import audit
from services.errors import DomainError, NotFound
from services.orders.views import ORDERING_STAGES
from services.permissions import Action, allowed, require
from services.service_day import aware
from services.serving.board import tables_now
from services.serving.courses import CourseState, CourseView, course_views_for
from services.serving.firing import DRINKS_COURSE
from services.text import RecordId

# The set times (第6条 ④: glasses never empty; a table looked at regularly; a ticket that
# reached no screen and no paper is a lost order).
REFILL_AFTER = timedelta(minutes=15)
VISIT_AFTER = timedelta(minutes=10)
NOT_DELIVERED_AFTER = timedelta(minutes=2)


class NeedKind(StrEnum):
    COURSE_READY = "course_ready"
    FIRE_NEXT = "fire_next"
    BILL_REQUESTED = "bill_requested"
    REFILL = "refill"
    VISIT = "visit"
    HIGH_CHAIR = "high_chair"
    JUST_SEATED = "just_seated"
    NOT_DELIVERED = "not_delivered"


# Higher first: the order of the list in the brief, a lost ticket above all.
URGENCY: dict[NeedKind, int] = {
    NeedKind.NOT_DELIVERED: 110,
    NeedKind.COURSE_READY: 100,
    NeedKind.FIRE_NEXT: 90,
    NeedKind.BILL_REQUESTED: 80,
    NeedKind.REFILL: 70,
    NeedKind.VISIT: 60,
    NeedKind.HIGH_CHAIR: 50,
    NeedKind.JUST_SEATED: 40,
}
# What the notice on the waiter's screen, wherever they are, is for.
ALERT_KINDS = frozenset({NeedKind.COURSE_READY, NeedKind.JUST_SEATED, NeedKind.NOT_DELIVERED})
AT_TABLE_NOW = (
    PartyStage.SEATED,
    PartyStage.ORDERED,
    PartyStage.EATING,
    PartyStage.BILL_REQUESTED,
)


class Need(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: NeedKind
    urgency: int
    since: datetime
    course_id: int | None = None
    course_name_en: str = ""
    course_name_zh: str = ""
    hot: bool = False  # 第8条 ⑦: warn the guests


class TableNeeds(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    table_label: str
    guests: int
    stage: str
    seated_at: datetime
    needs: list[Need]  # most urgent first
    courses: list[CourseView]


def _need(kind: NeedKind, since: datetime, course: CourseView | None = None) -> Need:
    return Need(
        kind=kind,
        urgency=URGENCY[kind],
        since=since,
        course_id=course.course_id if course else None,
        course_name_en=course.course_name_en if course else "",
        course_name_zh=course.course_name_zh if course else "",
        hot=course.hot if course else False,
    )


def _marks(session: Session, ids: list[int]) -> dict[tuple[int, str], datetime]:
    return {
        (party_id, kind): done
        for party_id, kind, done in session.execute(
            select(TableMark.party_id, TableMark.kind, func.max(TableMark.done_at))
            .where(TableMark.party_id.in_(ids))
            .group_by(TableMark.party_id, TableMark.kind)
        ).all()
    }


def _bills_asked(session: Session, ids: list[int]) -> dict[int, datetime]:
    """When each party asked for the bill: the audited stage change."""
    asked: dict[int, datetime] = {}
    for object_id, at, detail in session.execute(
        select(AuditEvent.object_id, AuditEvent.at, AuditEvent.detail).where(
            AuditEvent.action == "party.advanced",
            AuditEvent.object_type == "party",
            AuditEvent.object_id.in_([str(i) for i in ids]),
        )
    ).all():
        if json.loads(detail).get("stage") == PartyStage.BILL_REQUESTED:
            asked[int(object_id)] = at
    return asked


def _undelivered(
    session: Session, ids: list[int], at: datetime
) -> dict[int, list[tuple[int, datetime]]]:
    """Fired tickets no screen showed and no printer printed within the set time."""
    found: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for party_id, course_id, fired_at in session.execute(
        select(StationTicket.party_id, PartyCourse.course_id, StationTicket.fired_at)
        .join(PartyCourse, PartyCourse.id == StationTicket.party_course_id)
        .outerjoin(PrintJob, PrintJob.id == StationTicket.print_job_id)
        .where(
            StationTicket.party_id.in_(ids),
            StationTicket.bumped_at.is_(None),
            StationTicket.shown_at.is_(None),
            StationTicket.fired_at <= at - NOT_DELIVERED_AFTER,
            or_(PrintJob.id.is_(None), PrintJob.state != PrintState.PRINTED.value),
        )
        .order_by(StationTicket.fired_at)
    ).all():
        found[party_id].append((course_id, fired_at))
    return found


def needs_of(session: Session, parties: list[Party], at: datetime) -> list[TableNeeds]:
    ids = [p.id for p in parties]
    if not ids:
        return []
    courses = course_views_for(session, parties)
    tables = tables_now(session, set(ids))
    marks = _marks(session, ids)
    bills = _bills_asked(session, ids)
    lost = _undelivered(session, ids, at)
    result = []
    for party in parties:
        seated = party.seated_at or party.arrived_at
        views = courses[party.id]
        by_course = {v.course_id: v for v in views}
        stage = PartyStage(party.stage)
        needs: list[Need] = []
        seen_lost: set[int] = set()
        for course_id, fired_at in lost.get(party.id, []):
            if course_id not in seen_lost:
                seen_lost.add(course_id)
                needs.append(
                    _need(
                        NeedKind.NOT_DELIVERED, fired_at + NOT_DELIVERED_AFTER, by_course[course_id]
                    )
                )
        previous_done = seated
        proposed = False
        for view in views:
            if view.state == CourseState.READY and view.ready_at:
                needs.append(_need(NeedKind.COURSE_READY, view.ready_at, view))
            elif view.late_ready and view.late_ready_at:
                needs.append(_need(NeedKind.COURSE_READY, view.late_ready_at, view))
            if view.proposed and not proposed:
                proposed = True
                needs.append(_need(NeedKind.FIRE_NEXT, previous_done, view))
            if view.course_code != DRINKS_COURSE and view.served_at:
                previous_done = view.served_at
        if stage == PartyStage.BILL_REQUESTED:
            needs.append(_need(NeedKind.BILL_REQUESTED, bills.get(party.id, seated)))
        visited = marks.get((party.id, TableMarkKind.VISIT))
        if stage == PartyStage.SEATED and visited is None:
            needs.append(_need(NeedKind.JUST_SEATED, seated))
        elif stage in (PartyStage.ORDERED, PartyStage.EATING):
            refilled = marks.get((party.id, TableMarkKind.REFILL)) or seated
            if at >= refilled + REFILL_AFTER:
                needs.append(_need(NeedKind.REFILL, refilled + REFILL_AFTER))
            served = [v.served_at for v in views if v.served_at]
            last_visit = max([seated, *served, *([visited] if visited else [])])
            if at >= last_visit + VISIT_AFTER:
                needs.append(_need(NeedKind.VISIT, last_visit + VISIT_AFTER))
        if party.high_chair and (party.id, TableMarkKind.HIGH_CHAIR) not in marks:
            needs.append(_need(NeedKind.HIGH_CHAIR, seated))
        needs.sort(key=lambda n: (-n.urgency, n.since))
        result.append(
            TableNeeds(
                party_id=party.id,
                table_label=tables.get(party.id, "-"),
                guests=party.size,
                stage=stage.value,
                seated_at=seated,
                needs=needs,
                courses=views,
            )
        )
    far = datetime.max.replace(tzinfo=at.tzinfo)
    result.sort(
        key=lambda t: (
            -(t.needs[0].urgency if t.needs else 0),
            t.needs[0].since if t.needs else far,
            t.seated_at,
        )
    )
    return result


def _parties(session: Session, waiter_id: int) -> list[Party]:
    staff = require(session, waiter_id, Action.FIRE_COURSE)
    query = select(Party).where(Party.stage.in_([s.value for s in AT_TABLE_NOW]))
    if not allowed(staff.role_set, Action.SEE_ALL_TABLES):
        query = query.where(Party.waiter_id == staff.id)  # their sections this service
    return list(session.scalars(query.order_by(Party.seated_at, Party.id)).all())


def tables_by_need(store: Store, waiter_id: int, at: datetime | None = None) -> list[TableNeeds]:
    """The waiter's tables (a supervisor or manager sees all), the most urgent first."""
    at = aware(at)
    with store.read() as s:
        return needs_of(s, _parties(s, waiter_id), at)


def waiter_alerts(
    store: Store, waiter_id: int, since: datetime, at: datetime | None = None
) -> list[TableNeeds]:
    """Tables with a course ready, a new party or a lost ticket newer than `since`: for the
    notice shown on the waiter's screen wherever they are."""
    since = aware(since)
    return [
        table
        for table in tables_by_need(store, waiter_id, at)
        if any(n.kind in ALERT_KINDS and n.since > since for n in table.needs)
    ]


class MarkDone(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    kind: Literal["refill", "visit", "high_chair"]


def mark_done(store: Store, actor_id: int, cmd: MarkDone, at: datetime | None = None) -> TableNeeds:
    """One tap at the table: drinks refilled, the table visited, the high chair brought."""
    at = aware(at)
    with store.write() as s:
        actor = require(s, actor_id, Action.SERVE_COURSE)
        party = s.get(Party, cmd.party_id)
        if party is None:
            raise NotFound("No party has id {id}.", id=cmd.party_id)
        if party.stage not in ORDERING_STAGES:
            raise DomainError("That party is not at a table.")
        s.add(TableMark(party_id=party.id, kind=cmd.kind, done_at=at, done_by_id=actor.id))
        audit.record(
            s,
            action=f"table.{cmd.kind}",
            object_type="party",
            object_id=party.id,
            actor_id=actor.id,
        )
        s.flush()
        return needs_of(s, [party], at)[0]
