"""The dining room: sections and the tables in them, with their place on the floor plan."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Section(Base):
    __tablename__ = "section"
    __table_args__ = (
        CheckConstraint(
            "service_charge_bp IS NULL OR (service_charge_bp >= 0 AND service_charge_bp <= 10000)",
            name="service_charge_range",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    # The section's own service charge (服务费) in basis points, private rooms often 10-15 %;
    # None: the restaurant's rate.
    service_charge_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)

    tables: Mapped[list[DiningTable]] = relationship(
        back_populates="section", order_by="DiningTable.number"
    )


class DiningTable(Base):
    __tablename__ = "dining_table"
    __table_args__ = (
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("shape IN ('round', 'square', 'rect')", name="shape_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What is painted on the table stand: "12", "A3", "VIP1".
    number: Mapped[str] = mapped_column(String(16), unique=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    shape: Mapped[str] = mapped_column(String(8), default="square")
    # Position and size on the floor plan, in grid cells (the screen scales them).
    x: Mapped[int] = mapped_column(Integer, default=0)
    y: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int] = mapped_column(Integer, default=1)
    height: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)

    section: Mapped[Section] = relationship(back_populates="tables")

    __mapper_args__ = {"version_id_col": version}
