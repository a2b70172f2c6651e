"""The restaurant's own settings, read by screens and by other services."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from db.store import Store
from models import Restaurant, ServicePeriod
from services.service_day import aware, zone_named


class RestaurantInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    name: str
    name_zh: str
    currency: str
    currency_exponent: int
    tax_rate_bp: int
    service_charge_bp: int
    timezone: str
    pin_max_attempts: int
    pin_lockout_seconds: int
    idle_logout_seconds: int
    # Billing (第9条): see services.billing.amounts.
    prices_include_tax: bool = True
    service_charge_after_discounts: bool = True
    cash_rounding: str = "none"

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)

    def today(self, at: datetime | None = None) -> date:
        """The restaurant's local date (not the UTC one)."""
        return aware(at).astimezone(self.zone).date()


class ServicePeriodInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    id: int
    code: str
    name_en: str
    name_zh: str


def restaurant_info(store: Store) -> RestaurantInfo | None:
    """The settings, or None for a database that holds no restaurant yet."""
    with store.read() as s:
        row = s.get(Restaurant, 1)
        return RestaurantInfo.model_validate(row) if row else None


def service_periods(store: Store) -> list[ServicePeriodInfo]:
    with store.read() as s:
        rows = s.scalars(select(ServicePeriod).order_by(ServicePeriod.opens_at)).all()
        return [ServicePeriodInfo.model_validate(r) for r in rows]
