"""Service timing for the reports, from the timestamps the courses and tickets keep:
seated -> first course fired, fire -> ready per station, ready -> served, and the wait
between one course served and the next fired (第8条 ①: dishes go out in turn, in time).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from db.store import Store
from models import Course, Party, PartyCourse, StationTicket
from services.errors import NotFound
from services.permissions import Action, require
from services.service_day import aware, local_today, restaurant_zone, slot_of
from services.serving.firing import DRINKS_COURSE


class TimingStat(BaseModel):
    model_config = ConfigDict(frozen=True)

    count: int
    average_seconds: int  # 0 when count is 0
    longest_seconds: int


class ServiceTimings(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    period_id: int | None
    starts: datetime
    ends: datetime
    parties: int
    seated_to_first_fire: TimingStat
    fire_to_ready: dict[str, TimingStat]  # by station
    ready_to_served: TimingStat
    between_courses: TimingStat


def stat(seconds: list[float]) -> TimingStat:
    if not seconds:
        return TimingStat(count=0, average_seconds=0, longest_seconds=0)
    return TimingStat(
        count=len(seconds),
        average_seconds=round(sum(seconds) / len(seconds)),
        longest_seconds=round(max(seconds)),
    )


def service_timings(
    store: Store,
    viewer_id: int,
    day: date | None = None,
    period_id: int | None = None,
    at: datetime | None = None,
) -> ServiceTimings:
    """The timings of the parties seated on one local day, or in one service of it."""
    at = aware(at)
    with store.read() as s:
        require(s, viewer_id, Action.READ_SERVICE_TIMINGS)
        day = day or local_today(s, at)
        if period_id is not None:
            slot = slot_of(s, period_id, day)
            if slot is None:
                raise NotFound("No service period has id {id}.", id=period_id)
            starts, ends = slot.opens, slot.closes
        else:
            zone = restaurant_zone(s)
            starts = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
            ends = (datetime.combine(day, time(0), tzinfo=zone) + timedelta(days=1)).astimezone(UTC)
        parties = dict(
            s.execute(
                select(Party.id, Party.seated_at).where(
                    Party.seated_at >= starts, Party.seated_at < ends
                )
            ).all()
        )
        ids = list(parties)
        courses = s.execute(
            select(PartyCourse, Course.code)
            .join(Course, Course.id == PartyCourse.course_id)
            .where(PartyCourse.party_id.in_(ids))
            .order_by(PartyCourse.party_id, Course.sort, Course.id)
        ).all()
        tickets = s.execute(
            select(StationTicket.station, StationTicket.fired_at, StationTicket.bumped_at).where(
                StationTicket.party_id.in_(ids), StationTicket.bumped_at.is_not(None)
            )
        ).all()

    first_fire: dict[int, datetime] = {}
    by_party: dict[int, list[PartyCourse]] = defaultdict(list)
    ready_to_served: list[float] = []
    for pc, code in courses:
        if pc.fired_at is not None:
            first = first_fire.get(pc.party_id)
            first_fire[pc.party_id] = pc.fired_at if first is None else min(first, pc.fired_at)
        if pc.ready_at is not None and pc.served_at is not None:
            ready_to_served.append((pc.served_at - pc.ready_at).total_seconds())
        if code != DRINKS_COURSE:
            by_party[pc.party_id].append(pc)
    between: list[float] = []
    for paced in by_party.values():
        for before, after in pairwise(paced):
            if before.served_at is not None and after.fired_at is not None:
                between.append(max(0.0, (after.fired_at - before.served_at).total_seconds()))
    per_station: dict[str, list[float]] = defaultdict(list)
    for station, fired_at, bumped_at in tickets:
        per_station[station].append((bumped_at - fired_at).total_seconds())
    seated_to_fire = [
        (fired - parties[pid]).total_seconds()
        for pid, fired in first_fire.items()
        if parties.get(pid) is not None
    ]
    return ServiceTimings(
        day=day,
        period_id=period_id,
        starts=starts,
        ends=ends,
        parties=len(parties),
        seated_to_first_fire=stat(seated_to_fire),
        fire_to_ready={station: stat(v) for station, v in sorted(per_station.items())},
        ready_to_served=stat(ready_to_served),
        between_courses=stat(between),
    )
