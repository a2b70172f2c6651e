"""Parties and where they sit (第5条, 第6条 ⑥, 第10条).

A party is what orders and bills will hang on; a table only says which party is on it
through an occupancy row. Moving a party (transfer, join, split) changes occupancies and
never the party, so whatever hangs on the party follows it. A table's state is derived
from the party on it, never stored a second time where it could disagree.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class PartyStage(enum.StrEnum):
    WAITING = "waiting"  # on the waitlist
    SEATED = "seated"
    ORDERED = "ordered"
    EATING = "eating"
    BILL_REQUESTED = "bill_requested"
    PAID = "paid"
    LEFT = "left"  # the guests have gone; their tables wait to be reset
    LEFT_WAITLIST = "left_waitlist"  # went away before a table was free


# A party at a table goes through these in this order, never back.
AT_TABLE: tuple[PartyStage, ...] = (
    PartyStage.SEATED,
    PartyStage.ORDERED,
    PartyStage.EATING,
    PartyStage.BILL_REQUESTED,
    PartyStage.PAID,
)

_STAGES_SQL = ", ".join(f"'{stage.value}'" for stage in PartyStage)


class Party(Base):
    __tablename__ = "party"
    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("children >= 0 AND children <= size", name="children_in_party"),
        CheckConstraint(f"stage IN ({_STAGES_SQL})", name="stage_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # As the guest gave it, verbatim; needed on the waitlist, optional for walk-ins.
    name: Mapped[str] = mapped_column(String(80), default="")
    size: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer, default=0)
    # 第6条 16: children get a high chair, bib and napkin without having to ask.
    high_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(16), index=True)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    waiter_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True, index=True)
    greeted_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class TableOccupancy(Base):
    """A party on a table, from seating until the table is reset for the next party.

    The partial unique index is the database's own guarantee that no table ever holds two
    parties, whatever two tablets do at the same moment.
    """

    __tablename__ = "table_occupancy"
    __table_args__ = (
        Index(
            "uq_table_occupancy_one_party_per_table",
            "table_id",
            unique=True,
            sqlite_where=text("reset_at IS NULL"),
            postgresql_where=text("reset_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("dining_table.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seated_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # Set when the guests leave this table (they went home, or moved to another table):
    # from then on it needs resetting.
    vacated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    reset_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)


class TableClosure(Base):
    """A table taken out of service, with the reason, until it is put back."""

    __tablename__ = "table_closure"
    __table_args__ = (
        Index(
            "uq_table_closure_one_open_per_table",
            "table_id",
            unique=True,
            sqlite_where=text("reopened_at IS NULL"),
            postgresql_where=text("reopened_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("dining_table.id"))
    reason: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
