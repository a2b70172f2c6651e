"""The append-only audit log.

Database triggers (see the first migration) refuse UPDATE and DELETE on it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    # BigInteger on PostgreSQL; SQLite needs plain INTEGER for its rowid alias to autoincrement.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Who did it: a staff member, or a label such as "console" for admin commands.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True, index=True)
    actor_label: Mapped[str] = mapped_column(String(40), default="")
    # The manager whose PIN approved it, when approval was needed.
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64), default="")
    # JSON text: what changed. Never a PIN or card number.
    detail: Mapped[str] = mapped_column(Text, default="{}")
