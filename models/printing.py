"""Print jobs: every kitchen ticket, dispatch slip, void ticket and receipt on its way to paper.

A job is written in the same transaction as the order change that asks for it, so an order
that was sent always has its tickets, and a ticket never exists for an order that was not.
The spooler moves it along: queued -> sending -> printed, or -> uncertain when the app died
while the printer had the bytes and nobody can know whether paper came out.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class PrintKind(enum.StrEnum):
    KITCHEN_TICKET = "kitchen_ticket"
    DISPATCH_SLIP = "dispatch_slip"  # 出菜凭单, for the cashier's desk (第7条)
    VOID_TICKET = "void_ticket"
    RECEIPT = "receipt"
    # A party moved after a course fired: the station's tickets now belong elsewhere.
    MOVED_TICKET = "moved_ticket"
    DAY_REPORT = "day_report"  # the end-of-day report, at the cashier's desk


class PrintState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its printer (maybe after failed tries: see last_error)
    SENDING = "sending"  # committed before the first byte goes out
    PRINTED = "printed"
    # The app stopped while the printer had (some of) the bytes: a person decides.
    UNCERTAIN = "uncertain"
    # An uncertain job that a person replaced with a reprint (linked by reprint_of).
    REPRINTED = "reprinted"


class PrintJob(Base):
    __tablename__ = "print_job"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('kitchen_ticket', 'dispatch_slip', 'void_ticket', 'receipt', 'moved_ticket',"
            " 'day_report')",
            name="kind_known",
        ),
        CheckConstraint(
            "state IN ('queued', 'sending', 'printed', 'uncertain', 'reprinted')",
            name="state_known",
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made by the tablet that asked for the print, so a double tap or a retried send finds
    # the job it already made instead of printing a second ticket.
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    # The printer is chosen by station (cold_kitchen, hot_kitchen, bar, pastry, cashier).
    station: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The document as JSON (a KitchenTicket, DispatchSlip...): rendered to ESC/POS at send
    # time, so a reprint is the same paper with REPRINT on it.
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=PrintState.QUEUED.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Back-off after a failed try; "retry now" sets it to now.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Which spooler took it, and when: a job left in "sending" by a spooler that is gone
    # is uncertain, never sent again by itself.
    sending_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    sending_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    # The person who settled an uncertain job ("it printed" or "reprint").
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    reprint_of: Mapped[int | None] = mapped_column(
        ForeignKey("print_job.id"), nullable=True, index=True
    )
