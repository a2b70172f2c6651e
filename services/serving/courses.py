"""The courses of a party's order (第8条 ①: 上菜要按顺序): held -> fired -> ready -> served.

The first course fires with the send and the later ones wait (services/serving/firing.py);
the waiter fires the next one with one tap, and the app proposes it as soon as the course
before it has been served. The first course served moves the party from "ordered" to
"eating". Every step keeps its time and its person, and is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.store import Store
from models import (
    Course,
    CourseStage,
    MenuItem,
    OrderLine,
    Party,
    PartyCourse,
    PartyStage,
    StationTicket,
)
from services import audit
from services.errors import DomainError, NotFound
from services.floor.seating import advance_party
from services.orders.taking import ordering_party
from services.orders.views import ORDERING_STAGES
from services.permissions import Action, require
from services.service_day import aware
from services.serving.firing import (
    DRINKS_COURSE,
    courses_due,
    fire_party_course,
    print_tickets,
)
from services.text import Flag, RecordId, both


class CourseState(StrEnum):
    HELD = "held"
    FIRED = "fired"
    READY = "ready"
    SERVED = "served"


class CourseView(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    course_id: int
    course_name_en: str
    course_name_zh: str
    position: int  # 1 for the course that goes out first
    state: CourseState
    fired_at: datetime | None
    ready_at: datetime | None
    served_at: datetime | None
    lines: int  # sent lines not voided
    hot: bool  # a dish of it is marked hot (第8条 ⑦): warn the guests
    can_fire: bool
    can_serve: bool
    proposed: bool  # the course before it has been served: the app proposes firing it
    course_code: str = ""
    # Dishes added after the course was served, ready at the pass and not yet taken out.
    late_ready: int = 0
    late_ready_at: datetime | None = None


def course_label(course: Course) -> dict[str, str]:
    """The course as message fields, {course} and {course_zh}: the screen picks one."""
    return both("course", course.name_en, course.name_zh)


def course_views_in(session: Session, party: Party) -> list[CourseView]:
    """The party's courses in the order they go out."""
    return course_views_for(session, [party])[party.id]


def course_views_for(session: Session, parties: list[Party]) -> dict[int, list[CourseView]]:
    """Every party's courses with their counts, in three queries however many parties."""
    ids = [p.id for p in parties]
    rows = session.execute(
        select(PartyCourse, Course)
        .join(Course, Course.id == PartyCourse.course_id)
        .where(PartyCourse.party_id.in_(ids))
        .order_by(PartyCourse.party_id, Course.sort, Course.id)
    ).all()
    counts = {
        (party_id, course_id): (int(n or 0), bool(hot))
        for party_id, course_id, n, hot in session.execute(
            select(
                OrderLine.party_id,
                OrderLine.course_id,
                func.count(OrderLine.id),
                func.max(case((MenuItem.hot, 1), else_=0)),
            )
            .join(MenuItem, MenuItem.id == OrderLine.item_id)
            .where(
                OrderLine.party_id.in_(ids),
                OrderLine.send_id.is_not(None),
                OrderLine.voided_at.is_(None),
            )
            .group_by(OrderLine.party_id, OrderLine.course_id)
        ).all()
    }
    late = {
        pc_id: (int(n), first)
        for pc_id, n, first in session.execute(
            select(
                StationTicket.party_course_id,
                func.count(StationTicket.id),
                func.min(StationTicket.bumped_at),
            )
            .where(
                StationTicket.party_id.in_(ids),
                StationTicket.bumped_at.is_not(None),
                StationTicket.served_at.is_(None),
            )
            .group_by(StationTicket.party_course_id)
        ).all()
    }
    by_party: dict[int, list[tuple[PartyCourse, Course]]] = {pid: [] for pid in ids}
    for pc, course in rows:
        by_party[pc.party_id].append((pc, course))
    stages = {p.id: p.stage for p in parties}
    views: dict[int, list[CourseView]] = {}
    for party_id, courses in by_party.items():
        open_party = stages[party_id] in ORDERING_STAGES
        views[party_id] = []
        previous_served = True  # nothing before the first course
        for position, (pc, course) in enumerate(courses, start=1):
            lines, hot = counts.get((party_id, pc.course_id), (0, False))
            state = CourseState(pc.state)
            late_ready, late_at = late.get(pc.id, (0, None))
            if state != CourseState.SERVED:
                late_ready, late_at = 0, None
            held = state == CourseState.HELD and lines > 0 and open_party
            views[party_id].append(
                CourseView(
                    party_id=party_id,
                    course_id=course.id,
                    course_name_en=course.name_en,
                    course_name_zh=course.name_zh,
                    position=position,
                    state=state,
                    fired_at=pc.fired_at,
                    ready_at=pc.ready_at,
                    served_at=pc.served_at,
                    lines=lines,
                    hot=hot,
                    can_fire=held,
                    can_serve=open_party and (state == CourseState.READY or late_ready > 0),
                    proposed=held and previous_served,
                    course_code=course.code,
                    late_ready=late_ready,
                    late_ready_at=late_at,
                )
            )
            if course.code != DRINKS_COURSE:
                previous_served = state == CourseState.SERVED
    return views


def _party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("No party has id {id}.", id=party_id)
    return party


def party_courses(store: Store, viewer_id: int, party_id: int) -> list[CourseView]:
    with store.read() as s:
        require(s, viewer_id, Action.FIRE_COURSE)
        return course_views_in(s, _party(s, party_id))


def held_by_send(
    store: Store,
    viewer_id: int,
    party_id: int,
    course_ids: Sequence[int],
    fire_now: Sequence[int] = (),
) -> list[int]:
    """The courses of a send about to be made that the kitchen would not get yet (held),
    by the same rule the send uses: for the read-back's "fire now" choices."""
    with store.read() as s:
        require(s, viewer_id, Action.FIRE_COURSE)
        party = _party(s, party_id)
        sending = set(course_ids)
        known = {
            pc.course_id: pc.state
            for pc in s.scalars(select(PartyCourse).where(PartyCourse.party_id == party.id))
        }
        menu = s.execute(
            select(Course.id, Course.code)
            .where(Course.id.in_(sending | set(known)))
            .order_by(Course.sort, Course.id)
        ).all()
    plan = [(cid, code, known.get(cid)) for cid, code in menu]
    due = courses_due(plan, sending, set(fire_now))
    return [cid for cid, _code, _state in plan if cid in sending and cid not in due]


def _view_of(session: Session, party: Party, course_id: int) -> CourseView:
    return next(v for v in course_views_in(session, party) if v.course_id == course_id)


def _party_course(session: Session, party_id: int, course_id: int) -> tuple[PartyCourse, Course]:
    row = session.execute(
        select(PartyCourse, Course)
        .join(Course, Course.id == PartyCourse.course_id)
        .where(PartyCourse.party_id == party_id, PartyCourse.course_id == course_id)
        .with_for_update(of=PartyCourse)
    ).first()
    if row is None:
        raise NotFound("Nothing of this course has been sent for this table.")
    return row[0], row[1]


class FireCourse(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    course_id: RecordId
    rush: Flag = False


def fire_course(
    store: Store, actor_id: int, command: FireCourse, at: datetime | None = None
) -> CourseView:
    """One tap: a held course goes to its stations now (第8条 ①), rushed if asked."""
    at = aware(at)
    with store.write() as s:
        actor = require(s, actor_id, Action.FIRE_COURSE)
        party = ordering_party(s, command.party_id)
        pc, course = _party_course(s, party.id, command.course_id)
        if pc.state != CourseStage.HELD:
            raise DomainError("{course} has already been fired.", **course_label(course))
        tickets = fire_party_course(s, pc, party, actor.id, at)
        if not tickets:
            raise DomainError(
                "Nothing is left to cook in {course}: every dish of it was voided.",
                **course_label(course),
            )
        if command.rush:
            for ticket in tickets:
                ticket.rush = True
                ticket.rush_by = actor.name[:80]
                ticket.rush_by_id = actor.id
                ticket.rush_at = at
        jobs = print_tickets(s, tickets, actor, f"fire:{pc.id}", command.rush)
        audit.record(
            s,
            action="course.fired",
            object_type="party_course",
            object_id=pc.id,
            actor_id=actor.id,
            party=party.id,
            course=course.code,
            rush=command.rush,
            tickets=[t.id for t in tickets],
            print_jobs=jobs,
        )
        s.flush()
        return _view_of(s, party, course.id)


class MarkServed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    course_id: RecordId


def mark_served(
    store: Store, actor_id: int, command: MarkServed, at: datetime | None = None
) -> CourseView:
    """The waiter took the course from the pass to the table. The first course served
    moves the party from "ordered" to "eating"."""
    at = aware(at)
    with store.write() as s:
        actor = require(s, actor_id, Action.SERVE_COURSE)
        party = ordering_party(s, command.party_id)
        pc, course = _party_course(s, party.id, command.course_id)
        label = course_label(course)
        waiting = s.scalars(
            select(StationTicket).where(
                StationTicket.party_course_id == pc.id,
                StationTicket.bumped_at.is_not(None),
                StationTicket.served_at.is_(None),
            )
        ).all()
        if pc.state == CourseStage.HELD:
            raise DomainError("{course} has not been fired yet: fire it first.", **label)
        if pc.state == CourseStage.FIRED:
            raise DomainError("{course} is not ready at the pass yet.", **label)
        if pc.state == CourseStage.SERVED and not waiting:
            raise DomainError("{course} has already been served.", **label)
        late = pc.state == CourseStage.SERVED
        for ticket in waiting:
            ticket.served_at = at
        if not late:
            pc.state = CourseStage.SERVED
            pc.served_at = at
            pc.served_by_id = actor.id
        stage = PartyStage(party.stage)
        if stage == PartyStage.ORDERED:
            stage = advance_party(s, party.id, PartyStage.EATING, actor_id=actor_id)
        audit.record(
            s,
            action="course.served",
            object_type="party_course",
            object_id=pc.id,
            actor_id=actor.id,
            party=party.id,
            course=course.code,
            tickets=[t.id for t in waiting],
            late_dishes=late,
            stage=stage.value,
        )
        s.flush()
        return _view_of(s, party, course.id)
