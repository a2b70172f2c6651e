"""The append-only audit log, and the hash-chain columns any append-only record can carry.

Database triggers (see the first migration) refuse UPDATE and DELETE on it; on PostgreSQL
the app's role may only read and insert (0008_security). The chain (db/chain.py)
shows what neither can prevent: a row changed, removed or inserted by someone who owns
the database or holds the SQLite file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Chained:
    """Columns of a hash-chained table: the row's place in its chain, the digest of the
    row before it and its own digest (of its content and that previous digest)."""

    @declared_attr
    def chain_seq(cls) -> Mapped[int]:
        return mapped_column(Integer, unique=True)

    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))


class AuditEvent(Chained, Base):
    __tablename__ = "audit_event"
    # A party's, a bill's or a person's own events, found without walking the year.
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

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


class LineSeal(Chained, Base):
    """A sent order line as the kitchen was told it, and as it was voided (第7条 ⑤): a
    digest of its columns, chained, so that `verify` finds a sent line changed or removed
    by someone the database's triggers could not stop (db/seals.py)."""

    __tablename__ = "line_seal"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No foreign key: the seal must outlive a line removed by force, to say so.
    line_id: Mapped[int] = mapped_column(Integer, index=True)
    event: Mapped[str] = mapped_column(String(16))  # "sent" or "voided"
    line_digest: Mapped[str] = mapped_column(String(64))
