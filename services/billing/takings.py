"""What was taken, by way of paying, over a stretch of time: for the cash drawer's count
and the end-of-day report (built on this by the capabilities that follow).

Amounts are what went towards bills (payments less refunds); tips are apart; for cash,
what the drawer should hold is amount + tip, since the change was counted back out of the
tender (第9条 ②). A method that does not count as takings (a signed charge to a house
account is owed, not taken) is listed, marked, and left out of `taken_minor`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select

from db.store import Store
from models import Payment, PaymentMethod
from services.errors import DomainError
from services.permissions import Action, require
from services.service_day import aware


class MethodTakings(BaseModel):
    model_config = ConfigDict(frozen=True)

    method_code: str
    name_en: str
    name_zh: str
    kind: str
    counts_as_takings: bool
    payments: int
    paid_minor: int
    refunds: int
    refunded_minor: int
    tips_minor: int

    @property
    def net_minor(self) -> int:
        return self.paid_minor - self.refunded_minor


class Takings(BaseModel):
    model_config = ConfigDict(frozen=True)

    since: datetime
    until: datetime
    methods: tuple[MethodTakings, ...]

    @property
    def taken_minor(self) -> int:
        """Sales taken (not tips), by the methods that count as takings."""
        return sum(m.net_minor for m in self.methods if m.counts_as_takings)

    @property
    def tips_minor(self) -> int:
        return sum(m.tips_minor for m in self.methods)

    def method(self, code: str) -> MethodTakings | None:
        return next((m for m in self.methods if m.method_code == code), None)


def takings(store: Store, viewer_id: int, since: datetime, until: datetime) -> Takings:
    """Payments and refunds recorded from `since` (included) to `until` (excluded)."""
    since, until = aware(since), aware(until)
    if until <= since:
        raise DomainError("The end of the period must come after its start.")
    with store.read() as s:
        require(s, viewer_id, Action.TAKE_PAYMENT)
        rows = s.execute(
            select(
                PaymentMethod,
                Payment.kind,
                func.count(Payment.id),
                func.coalesce(func.sum(Payment.amount_minor), 0),
                func.coalesce(func.sum(Payment.tip_minor), 0),
            )
            .join(Payment, Payment.method_id == PaymentMethod.id)
            .where(Payment.taken_at >= since, Payment.taken_at < until)
            .group_by(PaymentMethod.id, Payment.kind)
        ).all()
        found: dict[int, PaymentMethod] = {}
        sums: dict[tuple[int, str], tuple[int, int, int]] = {}
        for method, kind, count, amount, tips in rows:
            found[method.id] = method
            sums[(method.id, kind)] = (int(count), int(amount), int(tips))
        methods = []
        for method in sorted(found.values(), key=lambda m: (m.sort, m.id)):
            paid = sums.get((method.id, "payment"), (0, 0, 0))
            back = sums.get((method.id, "refund"), (0, 0, 0))
            methods.append(
                MethodTakings(
                    method_code=method.code,
                    name_en=method.name_en,
                    name_zh=method.name_zh,
                    kind=method.kind,
                    counts_as_takings=method.counts_as_takings,
                    payments=paid[0],
                    paid_minor=paid[1],
                    refunds=back[0],
                    refunded_minor=back[1],
                    tips_minor=paid[2],
                )
            )
        return Takings(since=since, until=until, methods=tuple(methods))
