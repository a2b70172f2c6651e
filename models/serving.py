"""Course-by-course serving (第8条): each course of a party's order, the station tickets a
fired course puts on the kitchen screens, the waiter's marks at the table, and the settings
that say when a ticket or a table has waited too long.

A course of a party goes held -> fired -> ready (at the pass) -> served, each step with its
time and person. A fired course has one ticket per station that cooks it; a sent order
line is on at most one ticket (unique line_id), so re-showing or reprinting never makes a
second ticket. Tickets carry a version: a kitchen screen that had not seen the latest
change (a void, a recall) is refused.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class CourseStage(enum.StrEnum):
    HELD = "held"
    FIRED = "fired"
    READY = "ready"
    SERVED = "served"


_COURSE_STAGES_SQL = ", ".join(f"'{stage.value}'" for stage in CourseStage)


class PartyCourse(Base):
    """One course of one party's order, from the send that first held or fired it."""

    __tablename__ = "party_course"
    __table_args__ = (
        UniqueConstraint("party_id", "course_id", name="uq_party_course_party_id_course_id"),
        CheckConstraint(f"state IN ({_COURSE_STAGES_SQL})", name="state_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    state: Mapped[str] = mapped_column(String(16))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fired_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    served_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class StationTicket(Base):
    """What one station cooks of one fired course: one ticket on its kitchen screen."""

    __tablename__ = "station_ticket"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_course_id: Mapped[int] = mapped_column(ForeignKey("party_course.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    station: Mapped[str] = mapped_column(String(32), index=True)
    order_ref: Mapped[str] = mapped_column(String(32))
    # The table as it was when the course fired: a party moved since shows both.
    table_label: Mapped[str] = mapped_column(String(64))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # 第8条: guests in a hurry. The only way a ticket moves up the queue.
    rush: Mapped[bool] = mapped_column(Boolean, default=False)
    rush_by: Mapped[str] = mapped_column(String(80), default="")
    rush_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    rush_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # First time a kitchen screen showed it (nothing lost on the way to the kitchen).
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    bumped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    bumped_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Last change a screen must see before it may bump (void, recall, rush, move): writing it
    # moves the version on, so a bump from a screen that showed the older ticket is refused.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The paper for this ticket (one job may carry several courses of one send).
    print_job_id: Mapped[int | None] = mapped_column(ForeignKey("print_job.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class StationTicketLine(Base):
    """A sent order line on its ticket, and when the station had it ready."""

    __tablename__ = "station_ticket_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("station_ticket.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), unique=True)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ready_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)


class StationTiming(Base):
    """When a ticket's age turns amber and red on one station's screen."""

    __tablename__ = "station_timing"
    __table_args__ = (
        CheckConstraint("amber_seconds > 0 AND red_seconds > amber_seconds", name="in_order"),
    )

    station: Mapped[str] = mapped_column(String(32), primary_key=True)
    amber_seconds: Mapped[int] = mapped_column(Integer)
    red_seconds: Mapped[int] = mapped_column(Integer)


class KitchenMarker(Base):
    """One row whose value goes up with every change a kitchen screen must redraw for."""

    __tablename__ = "kitchen_marker"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class TableMarkKind(enum.StrEnum):
    REFILL = "refill"  # 第6条 ④: drinks refilled
    VISIT = "visit"
    HIGH_CHAIR = "high_chair"  # 第6条 16


class TableMark(Base):
    """The waiter did something at the table: kept, never rewritten, newest counts."""

    __tablename__ = "table_mark"
    __table_args__ = (
        CheckConstraint("kind IN ('refill', 'visit', 'high_chair')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
