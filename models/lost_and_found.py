"""Forgotten belongings (第10条 ③): found when a table is reset, handed to a supervisor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class FoundItem(Base):
    __tablename__ = "found_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    # Where it was found, as written on the table stand ("12"); kept as text so the log
    # still reads right after the floor plan changes.
    found_where: Mapped[str] = mapped_column(String(120))
    table_id: Mapped[int | None] = mapped_column(ForeignKey("dining_table.id"), nullable=True)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    found_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    handed_to_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    returned_to: Mapped[str] = mapped_column(String(120), default="")
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
