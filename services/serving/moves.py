"""The "moved" paper (第8条: dishes go to the right table): a party moved to another table
after one of its courses fired, so the stations still cooking for it get a slip saying
where the dishes now go, and that it is NOT a new order.

Runs inside the move's own transaction, right after the party's tables changed. One slip
per station that holds an open ticket (fired, not yet served) of the party; the print key
names the move itself (the table occupancies it made or ended, each made and ended once),
so the same move never queues its slip twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Course, PartyCourse, Staff, StationTicket
from services.orders.views import order_in, person
from services.printing.jobs import PrintRequest, add_print_job
from services.printing.tickets import MovedCourse, MovedTicket


def move_key(made: Sequence[int], ended: Sequence[int]) -> str:
    """The move, named by its occupancies: a transfer or a join makes new ones (each once),
    a split only ends some (each once)."""
    return f"moved:n{max(made)}" if made else f"moved:v{max(ended)}"


def print_moved(
    session: Session,
    party_id: int,
    from_table: str,
    at: datetime,
    mover: Staff,
    key: str,
) -> dict[str, int]:
    """Queue the moved paper for every station cooking for the party. Returns the jobs by
    station (none when nothing had fired, or the table label did not change)."""
    view = order_in(session, party_id)
    to_table = view.table_label[:16]
    if to_table == from_table[:16]:
        return {}
    rows = session.execute(
        select(StationTicket, Course)
        .join(PartyCourse, PartyCourse.id == StationTicket.party_course_id)
        .join(Course, Course.id == PartyCourse.course_id)
        .where(StationTicket.party_id == party_id, StationTicket.served_at.is_(None))
        .order_by(Course.sort, StationTicket.id)
    ).all()
    by_station: dict[str, list[MovedCourse]] = defaultdict(list)
    for ticket, course in rows:
        moved = MovedCourse(
            order_ref=ticket.order_ref,
            course_name_en=course.name_en,
            course_name_zh=course.name_zh,
        )
        if moved not in by_station[ticket.station]:
            by_station[ticket.station].append(moved)
    jobs: dict[str, int] = {}
    for station in sorted(by_station):
        courses = by_station[station]
        paper = MovedTicket(
            order_ref=courses[0].order_ref,
            table_number=to_table,
            guests=view.guests,
            timezone=view.timezone,
            station=station,
            from_table=from_table[:16],
            courses=tuple(courses),
            moved_at=at,
            moved_by=person(mover),
        )
        job = add_print_job(
            session,
            PrintRequest(
                idempotency_key=f"{key}:{party_id}:{station}"[:80],
                station=station,
                document=paper,
            ),
            actor_id=mover.id,
        )
        jobs[station] = job.id
    return jobs
