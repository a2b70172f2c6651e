"""Staff members, their roles and their PIN state."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    GREETER = "greeter"
    WAITER = "waiter"
    SUPERVISOR = "supervisor"
    CASHIER = "cashier"
    MANAGER = "manager"
    KITCHEN = "kitchen"  # 厨房/传菜: the cooks and the pass


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The number written on orders and slips (第7条 ⑤: the waiter's name or number).
    number: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    pin_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_pin_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Wrong manager PINs entered while this person asked for an approval (void, override):
    # counted apart from sign-in, so guessing a manager's PIN locks the asker's approvals.
    failed_approval_attempts: Mapped[int] = mapped_column(Integer, default=0)
    approvals_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    roles: Mapped[list[StaffRole]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)


class StaffRole(Base):
    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("staff_id", "role", name="uq_staff_role_staff_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    staff: Mapped[Staff] = relationship(back_populates="roles")


class StaffSession(Base):
    """One signing-in of a person on a tablet: what the services act for.

    The tablet holds a random token; only its SHA-256 is stored, so reading the database
    does not give anyone a way to act as someone. A session ends at sign-out (by hand or
    idle), at a lockout, a PIN reset or a deactivation, and a command under an ended one
    is refused (services/people/sessions.py).
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # manual, idle, locked_out, pin_reset, deactivated
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
