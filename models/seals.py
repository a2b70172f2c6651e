"""Seals on the rows that record money and its paper: bills, their parts, discounts,
payments and refunds, the invoice counter, cash drawers and cash movements.

Each time such a row is made, changed or removed through the app, a RecordSeal records a
digest of its columns, hash-chained like the audit log (db/chain.py, db/money_seals.py),
so that `verify` finds a row changed, removed or slipped in by someone the database's
guards could not stop.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.audit import Chained
from models.base import Base, UTCDateTime, utcnow


class RecordSeal(Chained, Base):
    __tablename__ = "record_seal"
    # A row's seals, found without walking the year.
    __table_args__ = (Index("ix_record_seal_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The sealed row's table and id. No foreign key: the seal outlives a row removed by
    # force, to say so.
    record_type: Mapped[str] = mapped_column(String(24))
    record_id: Mapped[int] = mapped_column(Integer)
    # "made", "presented", "superseded", "settled", "refunded", "removed"...
    event: Mapped[str] = mapped_column(String(16))
    record_digest: Mapped[str] = mapped_column(String(64))
