"""Whether the bill can be made ready (第9条 ①: 账单应在最后一道菜上过后…准备好).

Read from the serving capability (services.serving.courses): ready once every course that
holds a sent, not voided line is served. Imported here only, and late, so that billing
depends on serving in one place.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import Party
from services.errors import NotFound


def all_served(session: Session, party_id: int) -> bool:
    from services.serving.courses import CourseState, course_views_in

    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("No party has id {id}.", id=party_id)
    courses = [c for c in course_views_in(session, party) if c.lines > 0]
    return bool(courses) and all(c.state == CourseState.SERVED for c in courses)
