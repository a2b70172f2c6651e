"""Sent lines on their way to the stations (第8条 ①: dishes go out in a set order).

A send puts every line into its course for the party. By default the first course fires
with the send and the later ones are held until the waiter fires them; drinks are poured as
soon as the guests sit, so they are never held; a course the waiter sends "fire now" goes
at once. Lines added later to a course already fired go to the stations at once.

Firing makes one station ticket per station that cooks the course; a line is on at most one
ticket (a unique key), so a retried send, a reprint or a second screen never makes a second
ticket (odoo/odoo PR #285993, #210776). These helpers run inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    Course,
    CourseStage,
    KitchenMarker,
    OrderLine,
    OrderSend,
    Party,
    PartyCourse,
    Staff,
    StationTicket,
    StationTicketLine,
)
from services import audit
from services.orders.views import order_in, person, table_label
from services.printing.jobs import PrintRequest, add_print_job
from services.printing.tickets import KitchenTicket as PaperTicket

# The course poured as soon as the guests sit (assets/demo/menu.toml): never held.
DRINKS_COURSE = "drinks"


def bump_marker(session: Session) -> None:
    """Every kitchen screen redraws: something on a board changed (one atomic UPDATE, so
    two tablets counting up at once never lose a step)."""
    done = session.execute(
        update(KitchenMarker).where(KitchenMarker.id == 1).values(value=KitchenMarker.value + 1)
    )
    if not done.rowcount:
        # The migration puts the row there; a database built some other way gets it now.
        session.add(KitchenMarker(id=1, value=1))
        session.flush()


def party_courses_in(
    session: Session, party_id: int, *, lock: bool = False
) -> list[tuple[PartyCourse, Course]]:
    """The party's courses with their menu course, in the order they go out."""
    query = (
        select(PartyCourse, Course)
        .join(Course, Course.id == PartyCourse.course_id)
        .where(PartyCourse.party_id == party_id)
        .order_by(Course.sort, Course.id)
    )
    if lock:
        query = query.with_for_update(of=PartyCourse)
    return [(pc, course) for pc, course in session.execute(query).all()]


def courses_due(
    courses: list[tuple[int, str, str | None]], sending: set[int], fire_now: set[int]
) -> set[int]:
    """Which courses of a send go to the stations now (第8条 ①). `courses` are the party's
    courses in the order they go out, as (course id, course code, state), the state None
    for a course this send brings for the first time. A course already on its way takes
    its new lines at once; drinks are never held; a course the waiter sends "fire now"
    goes; a new course goes only if no earlier course (drinks aside) is still to be served.
    """
    due: set[int] = set()
    unserved_before = False
    for course_id, code, state in courses:
        if course_id in sending:
            on_its_way = state not in (None, CourseStage.HELD)
            if (
                on_its_way
                or course_id in fire_now
                or code == DRINKS_COURSE
                or (state is None and not unserved_before)
            ):
                due.add(course_id)
        after = (
            CourseStage.FIRED if course_id in due and state in (None, CourseStage.HELD) else state
        )
        if code != DRINKS_COURSE and after != CourseStage.SERVED:
            unserved_before = True
    return due


def place_sent_lines(
    session: Session,
    party: Party,
    lines: list[OrderLine],
    sender: Staff,
    at: datetime,
    order_ref: str,
    *,
    fire_now: Iterable[int] = (),
    rush: bool = False,
) -> list[StationTicket]:
    """A send's lines join their courses; the courses due now fire. Returns the tickets made
    (the caller prints them with the send's own paper)."""
    courses = party_courses_in(session, party.id, lock=True)
    known = {pc.course_id for pc, _course in courses}
    sending = {line.course_id for line in lines}
    new_ids = sending - known
    menu = {
        cid: (code, sort)
        for cid, code, sort in session.execute(
            select(Course.id, Course.code, Course.sort).where(Course.id.in_(sending))
        ).all()
    }
    plan = [(pc.course_id, course.code, course.sort, pc.state) for pc, course in courses]
    plan += [(cid, *menu[cid], None) for cid in new_ids]
    plan.sort(key=lambda row: (row[2], row[0]))
    due = courses_due([(c, code, state) for c, code, _s, state in plan], sending, set(fire_now))
    if new_ids:
        for course_id in sorted(new_ids):
            session.add(
                PartyCourse(
                    party_id=party.id, course_id=course_id, state=CourseStage.HELD, held_at=at
                )
            )
        session.flush()
        courses = party_courses_in(session, party.id)
    by_course: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_course[line.course_id].append(line)
    tickets: list[StationTicket] = []
    for pc, _course in courses:
        if pc.course_id not in due:
            continue
        if pc.state != CourseStage.HELD:
            # Late additions to a course already on its way: straight to the stations.
            made = make_tickets(
                session, pc, party, by_course[pc.course_id], sender.id, at, order_ref
            )
        else:
            made = fire_party_course(session, pc, party, sender.id, at, order_ref)
        if rush:
            _rush(made, sender)
        tickets += made
    return tickets


def _rush(tickets: list[StationTicket], sender: Staff) -> None:
    for ticket in tickets:
        ticket.rush = True
        ticket.rush_by = sender.name[:80]
        ticket.rush_by_id = sender.id
        ticket.rush_at = ticket.fired_at


def fire_party_course(
    session: Session,
    pc: PartyCourse,
    party: Party,
    actor_id: int,
    at: datetime,
    order_ref: str | None = None,
) -> list[StationTicket]:
    """The course goes to its stations: every sent, unvoided line of it not yet on a ticket."""
    lines = session.scalars(
        select(OrderLine)
        .outerjoin(StationTicketLine, StationTicketLine.line_id == OrderLine.id)
        .where(
            OrderLine.party_id == party.id,
            OrderLine.course_id == pc.course_id,
            OrderLine.send_id.is_not(None),
            OrderLine.voided_at.is_(None),
            StationTicketLine.id.is_(None),
        )
        .order_by(OrderLine.id)
    ).all()
    pc.state = CourseStage.FIRED
    pc.fired_at = at
    pc.fired_by_id = actor_id
    if order_ref is None:
        first = session.scalar(
            select(OrderSend.number)
            .where(OrderSend.id.in_({line.send_id for line in lines}))
            .order_by(OrderSend.number)
            .limit(1)
        )
        order_ref = f"{party.id}-{first or 1}"
    return make_tickets(session, pc, party, list(lines), actor_id, at, order_ref)


def make_tickets(
    session: Session,
    pc: PartyCourse,
    party: Party,
    lines: list[OrderLine],
    actor_id: int,
    at: datetime,
    order_ref: str,
) -> list[StationTicket]:
    label = table_label(session, party.id)[:64]
    by_station: dict[str, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_station[line.station].append(line)
    tickets = []
    for station in sorted(by_station):
        ticket = StationTicket(
            party_course_id=pc.id,
            party_id=party.id,
            station=station,
            order_ref=order_ref[:32],
            table_label=label,
            fired_at=at,
            fired_by_id=actor_id,
            rush=False,
            rush_by="",
            changed_at=at,
        )
        session.add(ticket)
        session.flush()
        for line in by_station[station]:
            session.add(StationTicketLine(ticket_id=ticket.id, line_id=line.id))
        tickets.append(ticket)
    session.flush()
    if tickets:
        bump_marker(session)
    return tickets


def print_tickets(
    session: Session, tickets: list[StationTicket], sender: Staff, key: str, rush: bool
) -> dict[str, int]:
    """Paper for tickets fired after the send (fire next, fire now): one job per station,
    keyed so that the same firing never prints twice."""
    if not tickets:
        return {}
    party_id = tickets[0].party_id
    view = order_in(session, party_id)
    ticket_lines = dict(
        session.execute(
            select(StationTicketLine.line_id, StationTicketLine.ticket_id).where(
                StationTicketLine.ticket_id.in_([t.id for t in tickets])
            )
        ).all()
    )
    jobs: dict[str, int] = {}
    for ticket in tickets:
        lines = sorted(
            (line for line in view.lines if ticket_lines.get(line.id) == ticket.id),
            key=lambda line: (line.course_sort, line.seat or 1000, line.id),
        )
        if not lines:
            continue
        paper = PaperTicket(
            order_ref=ticket.order_ref,
            table_number=view.table_label[:16],
            guests=view.guests,
            timezone=view.timezone,
            station=ticket.station,
            lines=tuple(line.ticket_line() for line in lines),
            rush=rush,
            sent_at=ticket.fired_at,
            sent_by=person(sender),
        )
        job = add_print_job(
            session,
            PrintRequest(
                idempotency_key=f"{key}:{ticket.station}"[:80],
                station=ticket.station,
                document=paper,
            ),
            actor_id=sender.id,
        )
        ticket.print_job_id = job.id
        jobs[ticket.station] = job.id
    return jobs


def line_voided(session: Session, line: OrderLine, at: datetime) -> bool:
    """A void reaches the kitchen board struck through: the ticket's version moves on, so a
    screen that had not seen the void cannot bump over it. True when a station had the
    line (it was fired); False for a line of a course still held."""
    ticket = session.scalar(
        select(StationTicket)
        .join(StationTicketLine, StationTicketLine.ticket_id == StationTicket.id)
        .where(StationTicketLine.line_id == line.id)
    )
    if ticket is None:
        return False
    ticket.changed_at = at
    bump_marker(session)
    return True


def party_moved(session: Session, party_id: int, at: datetime, actor_id: int) -> int:
    """The kitchen is told of a move: the party's open tickets show the new table (and the
    old one), and every screen redraws. Returns how many tickets were open."""
    tickets = session.scalars(
        select(StationTicket).where(
            StationTicket.party_id == party_id, StationTicket.served_at.is_(None)
        )
    ).all()
    for ticket in tickets:
        ticket.changed_at = at
    if tickets:
        bump_marker(session)
        audit.record(
            session,
            action="kitchen.party_moved",
            object_type="party",
            object_id=party_id,
            actor_id=actor_id,
            tickets=[t.id for t in tickets],
        )
    return len(tickets)


def ticket_lines_of(session: Session, ticket: StationTicket) -> list[StationTicketLine]:
    return list(
        session.scalars(
            select(StationTicketLine).where(StationTicketLine.ticket_id == ticket.id)
        ).all()
    )
