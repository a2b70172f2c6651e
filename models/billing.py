"""Bills (第9条): each version of a party's bill, its parts when split, and the discounts
that went into it; the one invoice counter.

A bill is never altered once a guest has seen it (第9条 ③: 凡涂改或不洁的结账单，不可呈给客人):
a change makes a new version, and the old one stays, marked superseded. What a version
says is frozen in `snapshot` (the lines and amounts as computed), so a reprint shows
exactly what the guest was given. Discounts are append-only rows with both the person who
gave them and the manager who approved them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

BILL_STATES = ("current", "superseded", "settled")
DISCOUNT_KINDS = ("percent", "amount", "comp", "waive_service")


class Bill(Base):
    """One version of a party's bill. At most one version per party is not superseded."""

    __tablename__ = "bill"
    __table_args__ = (
        UniqueConstraint("party_id", "number", name="uq_bill_party_id_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("state IN ('current', 'superseded', 'settled')", name="state_known"),
        CheckConstraint("copies >= 0", name="copies_not_negative"),
        CheckConstraint("carried_minor >= 0", name="carried_not_negative"),
        CheckConstraint(
            "state <> 'settled' OR invoice_number IS NOT NULL", name="settled_has_invoice"
        ),
        # Two tablets making a new version at once: the database keeps one live version.
        Index(
            "uq_bill_one_live_per_party",
            "party_id",
            unique=True,
            sqlite_where=text("state <> 'superseded'"),
            postgresql_where=text("state <> 'superseded'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    # 1 for the first version, 2 for the next...: printed on the bill.
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default="current")
    # Why this version was made: "first", "discount", "void", "split", "reopened"...
    made_for: Mapped[str] = mapped_column(String(32), default="first")
    # The bill as computed (services.billing.amounts.BillAmounts as JSON) and how it is
    # split (services.billing.splits.SplitPlan as JSON, "" for one part).
    snapshot: Mapped[str] = mapped_column(Text)
    split: Mapped[str] = mapped_column(Text, default="")
    total_minor: Mapped[int] = mapped_column(Integer)
    # Paid on an earlier version that was reopened: counts towards this one.
    carried_minor: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    presented_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    presented_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    # Reprints after the first presentation (each marked COPY or SUPERSEDED).
    copies: Mapped[int] = mapped_column(Integer, default=0)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    # 发票: the gap-free number given when the version was settled, and the guest's request.
    invoice_number: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    invoice_title: Mapped[str] = mapped_column(String(120), default="")
    invoice_tax_id: Mapped[str] = mapped_column(String(32), default="")
    invoice_email: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class BillPart(Base):
    """A part of a split bill (the whole bill is one part), paid on its own."""

    __tablename__ = "bill_part"
    __table_args__ = (
        UniqueConstraint("bill_id", "number", name="uq_bill_part_bill_id_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(80), default="")
    amount_minor: Mapped[int] = mapped_column(Integer)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Discount(Base):
    """A discount, a comp or a waived service charge, approved by a manager's PIN.

    Append-only: a discount given in error is taken back by a manager reopening the bill
    or by a new discount, never by editing this row.
    """

    __tablename__ = "discount"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('percent', 'amount', 'comp', 'waive_service')", name="kind_known"
        ),
        CheckConstraint(
            "kind <> 'percent' OR (percent_bp >= 1 AND percent_bp <= 10000)",
            name="percent_in_range",
        ),
        CheckConstraint(
            "kind <> 'amount' OR (amount_minor >= 1 AND amount_minor <= 10000000)",
            name="amount_in_range",
        ),
        CheckConstraint("kind <> 'comp' OR line_id IS NOT NULL", name="comp_on_a_line"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_discount_id: Mapped[str] = mapped_column(String(40), unique=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    # None: on the whole bill.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))
    percent_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    amount_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(500))
    given_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceCounter(Base):
    """The one row holding the next invoice number. Taken under a row lock inside the
    settling transaction, so numbers have no gaps and no repeats across tablets (a database
    sequence would leave gaps on every rollback)."""

    __tablename__ = "invoice_counter"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("next_number >= 1", name="next_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    next_number: Mapped[int] = mapped_column(Integer, default=1)
