"""The restaurant itself: one row of settings, and its service periods (lunch, dinner)."""

from __future__ import annotations

from datetime import time

from sqlalchemy import Boolean, CheckConstraint, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Restaurant(Base):
    __tablename__ = "restaurant"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name="tax_rate_range"),
        CheckConstraint(
            "service_charge_bp >= 0 AND service_charge_bp <= 10000", name="service_charge_range"
        ),
        CheckConstraint("cash_rounding IN ('none', 'tenth', 'unit')", name="cash_rounding_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    name: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120), default="")
    # ISO 4217 code and its number of minor-unit digits (CNY 2, JPY 0).
    currency: Mapped[str] = mapped_column(String(3))
    currency_exponent: Mapped[int] = mapped_column(Integer, default=2)
    # Rates in basis points (1/100 of a percent): 600 = 6.00 %. No floats anywhere.
    tax_rate_bp: Mapped[int] = mapped_column(Integer, default=0)
    service_charge_bp: Mapped[int] = mapped_column(Integer, default=0)
    # IANA zone name; "today" and opening times are local to the restaurant.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    pin_max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    pin_lockout_seconds: Mapped[int] = mapped_column(Integer, default=300)
    idle_logout_seconds: Mapped[int] = mapped_column(Integer, default=120)
    # Billing (第9条): menu prices include tax or not; the service charge is taken of the
    # amount before or after discounts; cash rounding (抹零): "none", "tenth" (down to 0.1
    # of the main unit, 1 jiao) or "unit" (down to 1 yuan), always shown as its own line.
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=True)
    service_charge_after_discounts: Mapped[bool] = mapped_column(Boolean, default=True)
    cash_rounding: Mapped[str] = mapped_column(String(8), default="none")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ServicePeriod(Base):
    """A service of the day (lunch, dinner) with its local opening and closing time."""

    __tablename__ = "service_period"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)
