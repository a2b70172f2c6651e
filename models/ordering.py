"""A party's order (第7条): its lines, and the sends that took them to the kitchen.

A line is its own row, inserted by the tablet that added it: two waiters adding to the same
table never rewrite each other's lines (odoo/odoo#138664). A line is "new" until a send
takes it (send_id set); from then on it is never erased (第7条 ⑤: 书写错了不可撕去): a
mistake is voided, and the line stays with who, when, why and the approving manager.
Database triggers (migration 0005) refuse to delete or rewrite a sent line, whatever the
client.

What was ordered is copied onto the line (names, station, price, choices, allergens) when it
is added: a later menu change never alters an order already taken.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class OrderSend(Base):
    """One tap on "Confirmed — send": the lines it took, its dispatch slip and tickets."""

    __tablename__ = "order_send"
    __table_args__ = (
        UniqueConstraint("party_id", "number", name="uq_order_send_party_id_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made by the tablet before the first try and reused on every retry of the same send:
    # a double tap or a retry after a time-out finds this row instead of sending again.
    client_send_id: Mapped[str] = mapped_column(String(40), unique=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    # 1 for the party's first send, 2 for the next round...: printed as the order reference.
    number: Mapped[int] = mapped_column(Integer)
    rush: Mapped[bool] = mapped_column(Boolean, default=False)
    # As the paper said it at the time (a party may move tables later).
    table_label: Mapped[str] = mapped_column(String(64))
    guests: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity >= 1 AND quantity <= 99", name="quantity_in_range"),
        CheckConstraint("seat IS NULL OR seat >= 1", name="seat_positive"),
        CheckConstraint("unit_price_minor >= 0", name="price_not_negative"),
        # A void is only for a line the kitchen has; an unsent line is simply removed.
        CheckConstraint("voided_at IS NULL OR send_id IS NOT NULL", name="void_only_sent"),
        CheckConstraint(
            "voided_at IS NULL OR (voided_by_id IS NOT NULL AND void_approved_by_id IS NOT NULL)",
            name="void_signed",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made by the tablet for this add, so a retried add is one line, not two.
    client_line_id: Mapped[str] = mapped_column(String(40), unique=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("menu_item.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    # None: for the whole table (a shared dish); else the guest's seat number.
    seat: Mapped[int | None] = mapped_column(Integer, nullable=True)
    quantity: Mapped[int] = mapped_column(Integer)
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120))
    station: Mapped[str] = mapped_column(String(32))
    # Per unit, choices included; the line's total is this times the quantity.
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    # JSON list of the chosen modifiers as they were on the menu (id, group, names, price).
    modifiers: Mapped[str] = mapped_column(Text, default="[]")
    # Comma-separated Allergen values, as on the menu item.
    allergens: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # Set by the send that took the line to the kitchen; NULL while the line is new.
    send_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_send.id"), nullable=True, index=True
    )
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    void_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    # The void's own client-made id: a retried void finds it done instead of failing.
    client_void_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def sent(self) -> bool:
        return self.send_id is not None

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def total_minor(self) -> int:
        return self.unit_price_minor * self.quantity
