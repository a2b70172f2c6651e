"""The drawers of a report's window: each closed drawer's expected amount, count and
variance as written at its close (services.cash.drawer), the drawers still open, and the
cash taken by someone who had no drawer open at the time, which no count covers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from models import CashDrawer, Payment, PaymentMethod, Staff
from services.reports.windows import ReportWindow


class DrawerSeen(BaseModel):
    model_config = ConfigDict(frozen=True)

    drawer_id: int
    cashier: str
    expected_minor: int
    counted_minor: int
    variance_minor: int
    blind: bool


def drawers_in(s: Session, w: ReportWindow) -> tuple[tuple[DrawerSeen, ...], int]:
    rows = s.execute(
        select(CashDrawer, Staff.name)
        .join(Staff, Staff.id == CashDrawer.staff_id)
        .where(
            CashDrawer.state == "closed",
            CashDrawer.closed_at >= w.since,
            CashDrawer.closed_at < w.until,
        )
        .order_by(CashDrawer.closed_at, CashDrawer.id)
    ).all()
    seen = tuple(
        DrawerSeen(
            drawer_id=d.id,
            cashier=name,
            expected_minor=d.expected_minor or 0,
            counted_minor=d.counted_minor or 0,
            variance_minor=d.variance_minor or 0,
            blind=d.blind,
        )
        for d, name in rows
    )
    still_open = s.scalar(
        select(func.count())
        .select_from(CashDrawer)
        .where(CashDrawer.state == "open", CashDrawer.opened_at < w.until)
    )
    return seen, int(still_open or 0)


def cash_outside_drawers(s: Session, w: ReportWindow) -> int:
    """Cash payments (amount + tip, less refunds) in the window taken while the person who
    took them had no drawer open."""
    covered = exists(
        select(CashDrawer.id).where(
            CashDrawer.staff_id == Payment.taken_by_id,
            CashDrawer.opened_at <= Payment.taken_at,
            or_(CashDrawer.closed_at.is_(None), Payment.taken_at < CashDrawer.closed_at),
        )
    )
    sign = case((Payment.kind == "refund", -1), else_=1)
    total = s.scalar(
        select(func.coalesce(func.sum(sign * (Payment.amount_minor + Payment.tip_minor)), 0))
        .join(PaymentMethod, PaymentMethod.id == Payment.method_id)
        .where(
            PaymentMethod.kind == "cash",
            Payment.taken_at >= w.since,
            Payment.taken_at < w.until,
            ~covered,
        )
    )
    return int(total or 0)
