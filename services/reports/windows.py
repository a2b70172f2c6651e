"""Which stretch of time a service or a day covers, in the restaurant's local time.

A day runs from local midnight to the next. Its services share it out without gap or
overlap: the first runs from midnight, each later one from its own opening, and each
ends where the next begins (the last at the next midnight). A bill paid after the lunch
closing time, while the guests linger, is still lunch; the services of a day add up to
the day exactly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from services.errors import NotFound
from services.service_day import restaurant_zone, slots_on


class ReportWindow(BaseModel):
    model_config = ConfigDict(frozen=True)

    service_date: date
    period_id: int | None  # None: the whole day
    period_code: str
    name_en: str
    name_zh: str
    since: datetime
    until: datetime


def report_window(session: Session, day: date, period_id: int | None) -> ReportWindow:
    zone = restaurant_zone(session)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    if period_id is None:
        return ReportWindow(
            service_date=day,
            period_id=None,
            period_code="day",
            name_en="Whole day",
            name_zh="全天",
            since=start,
            until=end,
        )
    slots = slots_on(session, day)
    for i, slot in enumerate(slots):
        if slot.period_id != period_id:
            continue
        return ReportWindow(
            service_date=day,
            period_id=period_id,
            period_code=slot.code,
            name_en=slot.name_en,
            name_zh=slot.name_zh,
            since=start if i == 0 else slot.opens,
            until=slots[i + 1].opens if i + 1 < len(slots) else end,
        )
    raise NotFound("That service does not exist.")
