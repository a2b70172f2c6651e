"""Splitting a bill: evenly in N, by seat, by item (one dish shared by several parts) or by
amount. The parts always sum exactly to the bill, by allocation, never by rounding each
part (8.00 three ways is 2.67, 2.67, 2.66: docs/reliability.md "Money"), and each part is
paid on its own.

Everything the bill adds or takes off (discounts, service charge, tax, cash rounding) is
shared out in proportion to what each part had: the total is allocated over the parts'
weights by the largest-remainder method, the leftover fen going to the earliest parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from services.billing.amounts import BillAmounts
from services.errors import DomainError
from services.i18n import Plural
from services.text import RecordId, whole_within

MAX_PARTS = 30
MAX_AMOUNT_MINOR = 10_000_000


class SplitKind(StrEnum):
    WHOLE = "whole"  # one part: the whole bill
    EVEN = "even"
    SEATS = "seats"
    ITEMS = "items"
    AMOUNTS = "amounts"


def _amount(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("An amount is a whole number of the smallest unit (fen).")
    if not 1 <= value <= MAX_AMOUNT_MINOR:
        raise DomainError("{value} is not a possible amount for a part.", value=value)
    return value


PartAmount = Annotated[int, BeforeValidator(_amount)]


class SplitPlan(BaseModel):
    """How the guests want to split. ITEMS: each part lists the order lines it takes; a line
    in several parts is shared between them. AMOUNTS: what each part pays."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: SplitKind = SplitKind.WHOLE
    ways: Annotated[int, whole_within(1, MAX_PARTS)] = 1
    items: tuple[tuple[RecordId, ...], ...] = Field(default=(), max_length=MAX_PARTS)
    amounts: tuple[PartAmount, ...] = Field(default=(), max_length=MAX_PARTS)


class PlannedPart(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str  # "1/3", "seat 2", "items", "amount", "whole"
    amount_minor: int


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Share `total` over the weights so that the shares sum to it exactly. All weights zero:
    equal shares. The leftover units go to the largest remainders, earliest first."""
    if not weights:
        raise ValueError("allocate needs at least one part")
    if any(w < 0 for w in weights) or total < 0:
        raise ValueError("allocate takes amounts that are not negative")
    if sum(weights) == 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[i] += 1
    return shares


def plan_parts(amounts: BillAmounts, plan: SplitPlan) -> list[PlannedPart]:
    """The parts of the bill under the plan; a plan that does not cover the bill is
    refused."""
    total = amounts.total_minor
    if plan.kind is SplitKind.WHOLE:
        return [PlannedPart(label="whole", amount_minor=total)]
    if plan.kind is SplitKind.EVEN:
        if plan.ways < 2:
            raise DomainError("Split a bill in two parts or more.")
        shares = allocate(total, [1] * plan.ways)
        return [
            PlannedPart(label=f"{i + 1}/{plan.ways}", amount_minor=a) for i, a in enumerate(shares)
        ]
    if plan.kind is SplitKind.AMOUNTS:
        if len(plan.amounts) < 2:
            raise DomainError("Split a bill in two parts or more.")
        if sum(plan.amounts) != total:
            raise DomainError(
                "The parts come to {parts} but the bill is {total}: they must cover it exactly.",
                parts=sum(plan.amounts),
                total=total,
            )
        return [PlannedPart(label="amount", amount_minor=a) for a in plan.amounts]
    if plan.kind is SplitKind.SEATS:
        return _by_seat(amounts)
    return _by_items(amounts, plan.items)


def _by_seat(amounts: BillAmounts) -> list[PlannedPart]:
    seats = sorted({line.seat for line in amounts.lines if line.seat is not None})
    if len(seats) < 2:
        raise DomainError(
            "Fewer than two seats have dishes of their own: split evenly or by item instead."
        )
    weights = dict.fromkeys(seats, 0)
    for line in amounts.lines:
        if line.seat is not None:
            weights[line.seat] += line.net_minor
        else:  # a dish for the whole table: shared by every seat
            for seat, share in zip(seats, allocate(line.net_minor, [1] * len(seats)), strict=True):
                weights[seat] += share
    shares = allocate(amounts.total_minor, [weights[s] for s in seats])
    return [
        PlannedPart(label=f"seat {seat}", amount_minor=a)
        for seat, a in zip(seats, shares, strict=True)
    ]


def _by_items(amounts: BillAmounts, parts: tuple[tuple[int, ...], ...]) -> list[PlannedPart]:
    if len(parts) < 2:
        raise DomainError("Split a bill in two parts or more.")
    if any(not part for part in parts):
        raise DomainError("Every part of the split needs at least one dish.")
    on_bill = {line.line_id: line for line in amounts.lines}
    named = {line_id for part in parts for line_id in part}
    if named - on_bill.keys():
        raise DomainError("A dish in the split is not on this bill: reload the bill.")
    missing = on_bill.keys() - named
    if missing:
        raise DomainError(
            Plural(
                "The parts do not cover the bill: {count} dish is in no part.",
                "The parts do not cover the bill: {count} dishes are in no part.",
                "count",
            ),
            count=len(missing),
        )
    weights = [0] * len(parts)
    for line_id, line in on_bill.items():
        holders = [i for i, part in enumerate(parts) if line_id in part]
        for i, share in zip(holders, allocate(line.net_minor, [1] * len(holders)), strict=True):
            weights[i] += share
    shares = allocate(amounts.total_minor, weights)
    return [PlannedPart(label="items", amount_minor=a) for a in shares]
