"""What a bill comes to (第9条 ①: the right figure, ready before the guest asks).

All money is integer minor units (fen); rates are basis points (600 = 6 %).

THE ROUNDING RULE. Every percentage (a percent discount, the service charge, the tax) is
taken of a whole amount in minor units and rounded once, half-up (half a fen goes up), to
a whole minor unit: a percent discount on a line per line, a percent discount on the bill
once, the service charge once and the tax once, on the bill. Nothing else is rounded:
amount discounts and comps are exact, and cash rounding (抹零) only ever goes down, to the
step the restaurant set, as its own line on the bill, never hidden in another amount.

In this order:
    items            the sent, not voided lines (the unit price includes priced choices)
    - line discounts percent (half-up, per line), amount or comp; never more than the line
    - bill discounts percent of what is left (half-up), or an amount; never below zero
    = after discounts
    + service charge (服务费) the section's rate or the restaurant's, of the amount after
                     discounts or of the items, as set; none when a manager waived it
    + tax            tax-exclusive prices: rate × (after discounts + service), added;
                     tax-inclusive prices: the part of it that is tax,
                     x × rate / (1 + rate), shown but not added
    - cash rounding  down to 0.1 or 1 of the main unit, or none
    = total
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class CashRounding(StrEnum):
    NONE = "none"
    TENTH = "tenth"  # down to 0.1 of the main unit (1 jiao)
    UNIT = "unit"  # down to 1 of the main unit (1 yuan)


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up, for amounts that are not negative."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("half_up is for amounts that are not negative")
    return (2 * numerator + denominator) // (2 * denominator)


def rounding_step(mode: CashRounding | str, currency_exponent: int) -> int:
    """The cash-rounding step in minor units: 10 fen for a tenth of a yuan, 100 for a yuan."""
    mode = CashRounding(mode)
    if mode is CashRounding.NONE:
        return 1
    digits = currency_exponent - 1 if mode is CashRounding.TENTH else currency_exponent
    return 10 ** max(digits, 0)


class BillSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    service_charge_bp: int = 0
    service_after_discounts: bool = True
    tax_rate_bp: int = 0
    prices_include_tax: bool = True
    cash_rounding: CashRounding = CashRounding.NONE
    currency_exponent: int = 2


class LineIn(BaseModel):
    """An order line as the bill sees it."""

    model_config = ConfigDict(frozen=True)

    line_id: int
    seat: int | None
    name_en: str
    name_zh: str
    choices_en: str = ""
    choices_zh: str = ""
    quantity: int
    unit_price_minor: int

    @property
    def total_minor(self) -> int:
        return self.quantity * self.unit_price_minor


class DiscountIn(BaseModel):
    """A discount, comp or waived service charge as given (kinds as models.billing)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    line_id: int | None = None
    percent_bp: int | None = None
    amount_minor: int | None = None
    reason: str = ""
    approved_by: str = ""


class BillLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_id: int
    seat: int | None
    name_en: str
    name_zh: str
    choices_en: str
    choices_zh: str
    quantity: int
    unit_price_minor: int
    total_minor: int
    discount_minor: int  # this line's own discounts and comps

    @property
    def net_minor(self) -> int:
        return self.total_minor - self.discount_minor


class DiscountLine(BaseModel):
    """One discount as the bill shows it: what it was, why, who approved, how much."""

    model_config = ConfigDict(frozen=True)

    kind: str
    line_id: int | None
    percent_bp: int | None
    amount_minor: int
    reason: str
    approved_by: str


class BillAmounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    lines: tuple[BillLine, ...]
    discounts: tuple[DiscountLine, ...]
    items_minor: int
    discounts_minor: int
    after_discounts_minor: int
    service_charge_bp: int
    service_waived: bool
    service_minor: int
    tax_rate_bp: int
    prices_include_tax: bool
    tax_minor: int  # included in the prices, or added: see prices_include_tax
    before_rounding_minor: int
    cash_rounding: CashRounding
    rounding_minor: int  # zero or negative: 抹零
    total_minor: int


def _percent(amount: int, bp: int) -> int:
    return half_up(amount * bp, 10_000)


def compute_bill(
    lines: Sequence[LineIn], discounts: Sequence[DiscountIn], settings: BillSettings
) -> BillAmounts:
    """The bill for these lines and discounts, by the rule in the module docstring."""
    shown: list[DiscountLine] = []
    by_line: dict[int, int] = {}
    totals = {line.line_id: line.total_minor for line in lines}
    for d in discounts:
        if d.line_id is None or d.kind == "waive_service" or d.line_id not in totals:
            continue
        left = totals[d.line_id] - by_line.get(d.line_id, 0)
        if d.kind == "comp":
            amount = left
        elif d.kind == "percent":
            amount = min(left, _percent(totals[d.line_id], d.percent_bp or 0))
        else:
            amount = min(left, d.amount_minor or 0)
        by_line[d.line_id] = by_line.get(d.line_id, 0) + amount
        shown.append(_shown(d, amount))
    bill_lines = tuple(
        BillLine(
            line_id=line.line_id,
            seat=line.seat,
            name_en=line.name_en,
            name_zh=line.name_zh,
            choices_en=line.choices_en,
            choices_zh=line.choices_zh,
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            total_minor=line.total_minor,
            discount_minor=by_line.get(line.line_id, 0),
        )
        for line in lines
    )
    items = sum(line.total_minor for line in bill_lines)
    remaining = items - sum(by_line.values())
    for d in discounts:
        if d.line_id is not None or d.kind == "waive_service":
            continue
        if d.kind == "percent":
            amount = min(remaining, _percent(remaining, d.percent_bp or 0))
        else:
            amount = min(remaining, d.amount_minor or 0)
        remaining -= amount
        shown.append(_shown(d, amount))
    after = remaining
    waived = any(d.kind == "waive_service" for d in discounts)
    base = after if settings.service_after_discounts else items
    service = 0 if waived else _percent(base, settings.service_charge_bp)
    taxed = after + service
    if settings.prices_include_tax:
        tax = half_up(taxed * settings.tax_rate_bp, 10_000 + settings.tax_rate_bp)
        before_rounding = taxed
    else:
        tax = _percent(taxed, settings.tax_rate_bp)
        before_rounding = taxed + tax
    step = rounding_step(settings.cash_rounding, settings.currency_exponent)
    rounding = -(before_rounding % step)
    return BillAmounts(
        lines=bill_lines,
        discounts=tuple(shown),
        items_minor=items,
        discounts_minor=items - after,
        after_discounts_minor=after,
        service_charge_bp=0 if waived else settings.service_charge_bp,
        service_waived=waived,
        service_minor=service,
        tax_rate_bp=settings.tax_rate_bp,
        prices_include_tax=settings.prices_include_tax,
        tax_minor=tax,
        before_rounding_minor=before_rounding,
        cash_rounding=settings.cash_rounding,
        rounding_minor=rounding,
        total_minor=before_rounding + rounding,
    )


def _shown(d: DiscountIn, amount: int) -> DiscountLine:
    return DiscountLine(
        kind=d.kind,
        line_id=d.line_id,
        percent_bp=d.percent_bp,
        amount_minor=amount,
        reason=d.reason,
        approved_by=d.approved_by,
    )
