"""The cash drawer (第9条 ②): opened with a counted float, cash in and out while it is
open, closed with a count; and the restaurant's cash settings (the blind count).

What the drawer should hold is worked out from the stored payments (cash taken by the
drawer's cashier while it was open) and the paid-in / paid-out rows, never kept as a
running total a crash could leave half-updated. A closed drawer is never changed again:
its expected amount, count and variance are written once, when it is closed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class CashSetting(Base):
    """The one row of cash settings."""

    __tablename__ = "cash_setting"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    # Blind count: the cashier counts the drawer before seeing what it should hold.
    blind_count: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CashDrawer(Base):
    """One cashier's drawer from its opening to its closing."""

    __tablename__ = "cash_drawer"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'closed')", name="state_known"),
        CheckConstraint("float_minor >= 0", name="float_not_negative"),
        CheckConstraint(
            "state <> 'closed' OR (closed_at IS NOT NULL AND counted_minor IS NOT NULL"
            " AND expected_minor IS NOT NULL AND variance_minor IS NOT NULL)",
            name="closed_is_counted",
        ),
        # One open drawer per cashier, whatever two tablets try at once.
        Index(
            "uq_cash_drawer_one_open_per_staff",
            "staff_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made by the tablet: a double tap on "Open drawer" opens one drawer.
    client_drawer_id: Mapped[str] = mapped_column(String(40), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    state: Mapped[str] = mapped_column(String(8), default="open")
    # Decided when the drawer is opened, so changing the setting never changes a count.
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The float as counted, JSON {denomination code: pieces}, and its value.
    float_counts: Mapped[str] = mapped_column(Text)
    float_minor: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    counted_counts: Mapped[str] = mapped_column(Text, default="")
    counted_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expected_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # counted - expected: negative is short, positive is over.
    variance_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    close_note: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CashMovement(Base):
    """Cash put into (paid in) or taken out of (paid out) an open drawer, with the reason."""

    __tablename__ = "cash_movement"
    __table_args__ = (
        CheckConstraint("kind IN ('paid_in', 'paid_out')", name="kind_known"),
        CheckConstraint("amount_minor >= 1 AND amount_minor <= 10000000", name="amount_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_movement_id: Mapped[str] = mapped_column(String(40), unique=True)
    drawer_id: Mapped[int] = mapped_column(ForeignKey("cash_drawer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    amount_minor: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
