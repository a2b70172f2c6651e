"""Shared pieces for the serving tests (no tests of its own): the demo restaurant at lunch, a
party seated at table 1 through the real services, and short ways to send, fire, bump and
serve as the waiter and the kitchen would, at chosen moments."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import (
    AuditEvent,
    Course,
    Party,
    PartyCourse,
    PrintJob,
    StationTicket,
    StationTicketLine,
    TableMark,
)
from services.orders.sending import LineSeen, SendOrder, SentOrder, send_order
from services.serving.courses import (
    CourseView,
    FireCourse,
    MarkServed,
    fire_course,
    mark_served,
    party_courses,
)
from services.serving.kitchen import (
    BumpTicket,
    KitchenBoard,
    KitchenTicket,
    bump_ticket,
    kitchen_board,
)
from tests.order_support import Dining, new_id
from tests.seating_support import LUNCH, minutes

SERVING_TABLES = (PartyCourse, StationTicket, StationTicketLine, TableMark, PrintJob, AuditEvent)


def at(n: float) -> datetime:
    """n minutes into lunch."""
    return LUNCH + minutes(n)


class Serving(Dining):
    """A party of four at table 1 (waiter W01 张伟), the kitchen K01 陈师傅."""

    @property
    def kitchen(self) -> int:
        return self.staff["K01"]

    def course_id(self, code: str) -> int:
        with self.store.read() as s:
            found = s.scalar(select(Course.id).where(Course.code == code))
        assert found is not None
        return found

    def send_at(
        self, when: datetime, fire_now: tuple[str, ...] = (), rush: bool = False, by: str = "W01"
    ) -> SentOrder:
        view = self.order()
        command = SendOrder(
            client_send_id=new_id(),
            party_id=self.party_id,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
            rush=rush,
            fire_now=tuple(self.course_id(code) for code in fire_now),
        )
        return send_order(self.store, self.staff[by], command, at=when)

    def courses(self) -> dict[str, CourseView]:
        return {c.course_code: c for c in party_courses(self.store, self.waiter, self.party_id)}

    def fire(self, code: str, when: datetime, rush: bool = False, by: str = "W01") -> CourseView:
        command = FireCourse(party_id=self.party_id, course_id=self.course_id(code), rush=rush)
        return fire_course(self.store, self.staff[by], command, at=when)

    def serve(self, code: str, when: datetime, by: str = "W01") -> CourseView:
        command = MarkServed(party_id=self.party_id, course_id=self.course_id(code))
        return mark_served(self.store, self.staff[by], command, at=when)

    def board(self, station: str | None, when: datetime) -> KitchenBoard:
        return kitchen_board(self.store, self.kitchen, station, at=when)

    def ticket(self, station: str, when: datetime, course: str | None = None) -> KitchenTicket:
        for ticket in self.board(station, when).tickets:
            if ticket.party_id == self.party_id and (
                course is None or ticket.course_id == self.course_id(course)
            ):
                return ticket
        raise AssertionError(f"no open ticket at {station}")

    def bump_all(self, code: str, when: datetime) -> None:
        """Every station bumps its ticket of the course."""
        for ticket in self.board(None, when).tickets:
            if ticket.party_id == self.party_id and ticket.course_id == self.course_id(code):
                bump_ticket(
                    self.store,
                    self.kitchen,
                    BumpTicket(ticket_id=ticket.id, seen_version=ticket.version),
                    at=when,
                )

    def ticket_state(self, ticket_id: int) -> tuple[datetime | None, int]:
        """(bumped_at, dishes ready) of a ticket."""
        with self.store.read() as s:
            ticket = s.get(StationTicket, ticket_id)
            assert ticket is not None
            ready = s.scalar(
                select(func.count())
                .select_from(StationTicketLine)
                .where(
                    StationTicketLine.ticket_id == ticket_id,
                    StationTicketLine.ready_at.is_not(None),
                )
            )
            return ticket.bumped_at, int(ready or 0)

    def ticket_print_job(self, station: str) -> int:
        with self.store.read() as s:
            job = s.scalar(
                select(StationTicket.print_job_id).where(
                    StationTicket.party_id == self.party_id, StationTicket.station == station
                )
            )
        assert job is not None
        return job

    def stage(self) -> str:
        with self.store.read() as s:
            party = s.get(Party, self.party_id)
            assert party is not None
            return party.stage

    def events(self, prefix: str) -> list[dict[str, Any]]:
        with self.store.read() as s:
            rows = s.execute(
                select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.detail)
                .where(AuditEvent.action.startswith(prefix))
                .order_by(AuditEvent.id)
            ).all()
        return [{"action": a, "actor": actor, **json.loads(d)} for a, actor, d in rows]

    def serving_snapshot(self) -> dict[str, object]:
        with self.store.read() as s:
            counts = {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in SERVING_TABLES
            }
            courses = s.execute(
                select(PartyCourse.id, PartyCourse.state, PartyCourse.version)
            ).all()
            tickets = s.execute(
                select(StationTicket.id, StationTicket.bumped_at, StationTicket.version)
            ).all()
            lines = s.execute(select(StationTicketLine.id, StationTicketLine.ready_at)).all()
        return {
            **self.snapshot(),
            "serving": counts,
            "courses": sorted(courses),
            "tickets": sorted(tickets),
            "ticket_lines": sorted(lines),
        }

    def lunch_for_four(self) -> None:
        """Tea, a cold dish, two mains (one hot soup-like dish), a dessert."""
        self.add("jasmine_tea")
        self.add("smashed_cucumber")
        self.add("mapo_tofu", seat=2, modifier_ids=(self.modifiers[("spice_level", "hot")],))
        self.add(
            "sichuan_boiled_fish",
            seat=3,
            modifier_ids=(self.modifiers[("spice_level", "mild")],),
        )
        self.add("egg_tarts", seat=1)


@pytest.fixture
def serving(store: Store) -> Serving:
    return Serving(store)
