"""The service day: which service (lunch, dinner) a moment belongs to, in the restaurant's
own time zone. "Today" is the restaurant's local date, never the UTC one: in Shanghai the
UTC date changes at 08:00, in the middle of breakfast preparations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Restaurant, ServicePeriod, utcnow

# Waiters are at their stations half an hour before opening (第5条 2①).
ARRIVE_BEFORE_OPENING = timedelta(minutes=30)


class ServiceSlot(BaseModel):
    """One service on one local date, with its opening and closing as UTC moments. The
    checklists, the floor and the screens all hold this one type; screens keep it so a
    refresh needs no lookup."""

    model_config = ConfigDict(frozen=True)

    period_id: int
    code: str
    name_en: str
    name_zh: str
    service_date: date
    opens: datetime
    closes: datetime

    @property
    def label(self) -> str:
        # Both names, for logs and paper. A message gives {service} and {service_zh}
        # (services.text.both) and the screen shows the reader's one.
        return f"{self.name_en} {self.name_zh}".strip()

    @property
    def stations_due(self) -> datetime:
        return self.opens - ARRIVE_BEFORE_OPENING


def restaurant_zone(session: Session) -> ZoneInfo:
    restaurant = session.get(Restaurant, 1)
    return zone_named(restaurant.timezone if restaurant is not None else "UTC")


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # The demo loader checks the zone; a hand-edited row falls back rather than crash.
        return ZoneInfo("UTC")


def aware(at: datetime | None) -> datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise ValueError("naive datetime given where an aware one is required")
    return at


def local_today(session: Session, at: datetime | None = None) -> date:
    return aware(at).astimezone(restaurant_zone(session)).date()


def slot_for(period: ServicePeriod, day: date, zone: ZoneInfo) -> ServiceSlot:
    opens = datetime.combine(day, period.opens_at, tzinfo=zone)
    closes = datetime.combine(day, period.closes_at, tzinfo=zone)
    if closes <= opens:  # a late service that closes after midnight
        closes += timedelta(days=1)
    return ServiceSlot(
        period_id=period.id,
        code=period.code,
        name_en=period.name_en,
        name_zh=period.name_zh,
        service_date=day,
        opens=opens.astimezone(UTC),
        closes=closes.astimezone(UTC),
    )


def _periods(session: Session) -> list[ServicePeriod]:
    return list(session.scalars(select(ServicePeriod).order_by(ServicePeriod.opens_at)).all())


def current_slot(session: Session, at: datetime | None = None) -> ServiceSlot | None:
    """The service under way at `at`; before opening, the next one today; after the last
    closing, the last one of the day. None when the restaurant has no services set up."""
    moment = aware(at).astimezone(UTC)
    zone = restaurant_zone(session)
    periods = _periods(session)
    if not periods:
        return None
    today = moment.astimezone(zone).date()
    # Yesterday's late service may still be running after midnight.
    for period in periods:
        slot = slot_for(period, today - timedelta(days=1), zone)
        if slot.opens <= moment < slot.closes:
            return slot
    for period in periods:
        slot = slot_for(period, today, zone)
        if moment < slot.closes:
            return slot
    return slot_for(periods[-1], today, zone)


def slots_on(session: Session, day: date) -> list[ServiceSlot]:
    zone = restaurant_zone(session)
    return [slot_for(p, day, zone) for p in _periods(session)]


def slot_of(session: Session, period_id: int, day: date) -> ServiceSlot | None:
    period = session.get(ServicePeriod, period_id)
    return slot_for(period, day, restaurant_zone(session)) if period is not None else None


def local_time_text(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def local_clock(moment: datetime, zone: ZoneInfo) -> time:
    return moment.astimezone(zone).time()
