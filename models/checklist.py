"""Checklist runs (第3条, 第4条, 第11–13条): what was checked, by whom, with what result.

A run copies its template's items when it starts, so a template edited later never
rewrites what was checked on an earlier day. Ticks are only ever added: the newest tick of
an item is its result, and a correction after sign-off is a new tick pointing at the one it
corrects. Escalations and the manager's override of the seating gate keep both people.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class ChecklistRun(Base):
    """One checklist worked through for one service on one day."""

    __tablename__ = "checklist_run"
    __table_args__ = (
        # Two tablets tapping "start" at once must not make two runs of the same list.
        UniqueConstraint(
            "template_code",
            "service_date",
            "service_period_id",
            name="uq_checklist_run_template_day_service",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title_en: Mapped[str] = mapped_column(String(120))
    title_zh: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(80), default="")
    service_period_id: Mapped[int] = mapped_column(ForeignKey("service_period.id"))
    # The restaurant's local date of the service, not the UTC date of the start.
    service_date: Mapped[date] = mapped_column(Date, index=True)
    # Copied from the template, so lateness is judged by the rule in force that day.
    due_minutes_before_opening: Mapped[int | None] = mapped_column(Integer, nullable=True)
    due_minutes_after_closing: Mapped[int | None] = mapped_column(Integer, nullable=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Touched by every tick, so a tick and a sign-off racing on two tablets collide on
    # the version column instead of signing a run that changed underneath.
    last_tick_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[ChecklistRunItem]] = relationship(
        back_populates="run", order_by="ChecklistRunItem.position"
    )

    __mapper_args__ = {"version_id_col": version}


class ChecklistRunItem(Base):
    """A template item as it stood when the run started."""

    __tablename__ = "checklist_run_item"
    __table_args__ = (UniqueConstraint("run_id", "code", name="uq_checklist_run_item_run_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("checklist_run.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    text_en: Mapped[str] = mapped_column(String(300))
    text_zh: Mapped[str] = mapped_column(String(300))
    area: Mapped[str] = mapped_column(String(32))
    critical: Mapped[bool] = mapped_column(Boolean)
    photo_on_fail: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(80), default="")

    run: Mapped[ChecklistRun] = relationship(back_populates="items")


class ChecklistTick(Base):
    """One answer for one item. Never updated: a later tick supersedes an earlier one."""

    __tablename__ = "checklist_tick"
    __table_args__ = (
        CheckConstraint("result IN ('pass', 'fail', 'na')", name="result_known"),
        CheckConstraint(
            "(result = 'fail' AND fail_action IN ('fixed', 'escalated')) "
            "OR (result <> 'fail' AND fail_action IS NULL)",
            name="fail_has_action",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("checklist_run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_run_item.id"), index=True)
    result: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    # For a fail (第3条 ⑦): put right at once, or passed up to the manager.
    fail_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Relative to the photos folder, so the database and its photos can move together.
    photo_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    ticked_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaces_tick_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklist_tick.id"), nullable=True
    )
    # A tick added to a signed run: it must say why, and it leaves the signature standing.
    correction: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_reason: Mapped[str] = mapped_column(Text, default="")


class ChecklistEscalation(Base):
    """A fail the supervisor could not fix, waiting on the manager (第3条 ⑦)."""

    __tablename__ = "checklist_escalation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("checklist_run.id"), index=True)
    tick_id: Mapped[int] = mapped_column(ForeignKey("checklist_tick.id"), unique=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SeatingGateOverride(Base):
    """A manager letting guests be seated before the pre-service inspection is signed."""

    __tablename__ = "seating_gate_override"
    __table_args__ = (
        UniqueConstraint(
            "service_date", "service_period_id", name="uq_seating_gate_override_day_service"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_period_id: Mapped[int] = mapped_column(ForeignKey("service_period.id"))
    service_date: Mapped[date] = mapped_column(Date, index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
