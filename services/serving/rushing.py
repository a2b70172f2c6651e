"""The waiter's rush (第8条: 如客人赶时间，应通知厨房加快): the guests are in a hurry and a
course of theirs is already cooking. Every open ticket of that course, at every station
that cooks it, is marked RUSH by the same rule as a rush at the kitchen display
(services/serving/kitchen.py rush_ticket), with who asked kept on the ticket and in the
record. Rushing again changes nothing: a ticket is rushed once.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from db.store import Store
from models import CourseStage, StationTicket
from services import audit
from services.errors import DomainError
from services.orders.taking import ordering_party
from services.permissions import Action, require
from services.service_day import aware
from services.serving.courses import CourseView, _party_course, _view_of, course_label
from services.serving.kitchen import _stale_is_conflict, rush_one
from services.text import Name, RecordId


class RushCourse(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    course_id: RecordId
    asked_by: Name = ""  # the guest's words, or who asked; blank: the person tapping


def rush_course(
    store: Store, actor_id: int, command: RushCourse, at: datetime | None = None
) -> CourseView:
    """Rush every open ticket of a fired course. Tickets already ready at the pass are left
    alone (the dishes are waiting for the waiter, not the cook)."""
    at = aware(at)
    with _stale_is_conflict(), store.write() as s:
        actor = require(s, actor_id, Action.RUSH)
        party = ordering_party(s, command.party_id)
        # The course first, then its tickets: the same lock order as every kitchen change.
        pc, course = _party_course(s, party.id, command.course_id)
        label = course_label(course)
        if pc.state == CourseStage.HELD:
            raise DomainError(
                "{course} has not been fired yet: fire it with a rush instead.", **label
            )
        tickets = s.scalars(
            select(StationTicket)
            .where(StationTicket.party_course_id == pc.id, StationTicket.bumped_at.is_(None))
            .order_by(StationTicket.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        if not tickets:
            raise DomainError("{course} is already ready at the pass.", **label)
        rushed = [t for t in tickets if not t.rush]
        for ticket in rushed:
            rush_one(s, ticket, actor, command.asked_by, at)
        if rushed:
            audit.record(
                s,
                action="course.rushed",
                object_type="party_course",
                object_id=pc.id,
                actor_id=actor.id,
                party=party.id,
                course=course.code,
                asked_by=command.asked_by or actor.name,
                tickets=[t.id for t in rushed],
            )
        s.flush()
        return _view_of(s, party, course.id)
