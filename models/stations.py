"""Who works which section in a service, and when they reached their station (第5条 2①)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class SectionAssignment(Base):
    """One waiter for one section in one service; a waiter may cover several sections."""

    __tablename__ = "section_assignment"
    __table_args__ = (
        UniqueConstraint(
            "service_date",
            "service_period_id",
            "section_id",
            name="uq_section_assignment_service_section",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The restaurant's local date of the service.
    service_date: Mapped[date] = mapped_column(Date)
    service_period_id: Mapped[int] = mapped_column(ForeignKey("service_period.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"))
    waiter_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
