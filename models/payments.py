"""Payments (第9条 ②③): how a bill or a part of it was paid, and the house accounts that
guests may sign to (客人签单 / 挂账).

A payment is never edited: a refund is a new row pointing at the payment it gives back.
No card number is kept (第9条 ③, PCI DSS 3.2–3.4): at most the last four digits and the
terminal's approval code.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

METHOD_KINDS = ("cash", "card", "wallet", "account", "other")


class PaymentMethod(Base):
    """A way to pay that the restaurant takes: cash, card, WeChat Pay, a house account..."""

    __tablename__ = "payment_method"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('cash', 'card', 'wallet', 'account', 'other')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    # Whether the end-of-day takings count it (a house-account charge is owed, not taken).
    counts_as_takings: Mapped[bool] = mapped_column(Boolean, default=True)
    # A wallet payment's transaction number, say: refused without one.
    needs_reference: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class HouseAccount(Base):
    """A company account or a hotel room that guests may sign a bill to, up to a limit."""

    __tablename__ = "house_account"
    __table_args__ = (
        CheckConstraint("kind IN ('company', 'room')", name="kind_known"),
        CheckConstraint("limit_minor >= 0", name="limit_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    # The most that may be owed on the account at any time; a charge over it is refused.
    limit_minor: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class AccountSigner(Base):
    """A person authorised to sign to a house account."""

    __tablename__ = "account_signer"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_account_signer_account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("house_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Payment(Base):
    """Money taken for a part of a bill, or (kind refund) given back for a payment."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("kind IN ('payment', 'refund')", name="kind_known"),
        CheckConstraint("amount_minor >= 1 AND amount_minor <= 10000000", name="amount_in_range"),
        CheckConstraint("change_minor >= 0", name="change_not_negative"),
        CheckConstraint("tip_minor >= 0", name="tip_not_negative"),
        CheckConstraint("kind <> 'refund' OR refund_of_id IS NOT NULL", name="refund_of_payment"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made by the tablet before the first try: a double tap or a second tablet retrying
    # finds this row instead of taking the money twice.
    client_payment_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="payment")
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("bill_part.id"), index=True)
    method_id: Mapped[int] = mapped_column(ForeignKey("payment_method.id"))
    # What goes towards the bill; the tip and the change are apart from it.
    amount_minor: Mapped[int] = mapped_column(Integer)
    tendered_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    change_minor: Mapped[int] = mapped_column(Integer, default=0)
    tip_minor: Mapped[int] = mapped_column(Integer, default=0)
    card_last4: Mapped[str] = mapped_column(String(4), default="")
    approval_code: Mapped[str] = mapped_column(String(32), default="")
    reference: Mapped[str] = mapped_column(String(64), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("house_account.id"), nullable=True)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("account_signer.id"), nullable=True)
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
