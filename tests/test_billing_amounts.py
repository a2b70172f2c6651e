"""The amounts of a bill and their one rounding rule (half-up, once per percentage), and
splits that always sum to the bill: pure arithmetic, no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.billing.amounts import (
    BillSettings,
    CashRounding,
    DiscountIn,
    LineIn,
    compute_bill,
    half_up,
    rounding_step,
)
from services.billing.splits import SplitKind, SplitPlan, allocate, plan_parts
from services.errors import DomainError


def line(line_id: int, price: int, quantity: int = 1, seat: int | None = None) -> LineIn:
    return LineIn(
        line_id=line_id,
        seat=seat,
        name_en=f"dish {line_id}",
        name_zh="菜",
        quantity=quantity,
        unit_price_minor=price,
    )


def test_half_up_rounds_half_a_fen_up_not_to_even() -> None:
    assert half_up(25, 10) == 3  # 2.5 -> 3 (half-even would give 2)
    assert half_up(35, 10) == 4
    assert half_up(24, 10) == 2 and half_up(26, 10) == 3
    with pytest.raises(ValueError):
        half_up(-1, 10)


def test_a_percent_discount_is_rounded_half_up_per_line() -> None:
    # 5 % of 0.50 is 2.5 fen: 3 fen on each of the two lines, 6 in all (not 5 of 1.00).
    bill = compute_bill(
        [line(1, 50), line(2, 50)],
        [
            DiscountIn(kind="percent", line_id=1, percent_bp=500),
            DiscountIn(kind="percent", line_id=2, percent_bp=500),
        ],
        BillSettings(),
    )
    assert [li.discount_minor for li in bill.lines] == [3, 3]
    assert bill.total_minor == 94


def test_service_charge_before_or_after_discounts_and_waived() -> None:
    lines = [line(1, 10_000)]
    off = [DiscountIn(kind="amount", amount_minor=2_000)]
    after = compute_bill(lines, off, BillSettings(service_charge_bp=1000))
    before = compute_bill(
        lines, off, BillSettings(service_charge_bp=1000, service_after_discounts=False)
    )
    assert after.service_minor == 800 and after.total_minor == 8_800
    assert before.service_minor == 1_000 and before.total_minor == 9_000
    waived = compute_bill(
        lines, [DiscountIn(kind="waive_service")], BillSettings(service_charge_bp=1500)
    )
    assert waived.service_waived and waived.service_minor == 0 and waived.total_minor == 10_000


def test_tax_inclusive_is_shown_not_added_and_exclusive_is_added() -> None:
    lines = [line(1, 10_600)]
    inclusive = compute_bill(lines, [], BillSettings(tax_rate_bp=600))
    assert inclusive.tax_minor == 600 and inclusive.total_minor == 10_600
    exclusive = compute_bill(lines, [], BillSettings(tax_rate_bp=600, prices_include_tax=False))
    assert exclusive.tax_minor == 636 and exclusive.total_minor == 11_236


def test_cash_rounding_is_its_own_line_and_only_goes_down() -> None:
    lines = [line(1, 12_345)]
    none = compute_bill(lines, [], BillSettings())
    tenth = compute_bill(lines, [], BillSettings(cash_rounding=CashRounding.TENTH))
    unit = compute_bill(lines, [], BillSettings(cash_rounding=CashRounding.UNIT))
    assert (none.rounding_minor, none.total_minor) == (0, 12_345)
    assert (tenth.rounding_minor, tenth.total_minor) == (-5, 12_340)
    assert (unit.rounding_minor, unit.total_minor) == (-45, 12_300)
    assert rounding_step("tenth", 0) == 1  # a currency without minor units: nothing to cut


def test_a_comp_takes_the_whole_line_and_discounts_never_go_below_zero() -> None:
    bill = compute_bill(
        [line(1, 3_000), line(2, 1_000)],
        [DiscountIn(kind="comp", line_id=1), DiscountIn(kind="amount", amount_minor=5_000)],
        BillSettings(service_charge_bp=1000),
    )
    assert bill.lines[0].net_minor == 0
    assert bill.after_discounts_minor == 0 and bill.total_minor == 0


def test_eight_yuan_three_ways() -> None:
    assert allocate(800, [1, 1, 1]) == [267, 267, 266]
    assert allocate(0, [0, 0]) == [0, 0]


def test_a_split_that_does_not_cover_the_bill_is_refused() -> None:
    bill = compute_bill([line(1, 1_000, seat=1), line(2, 500, seat=2)], [], BillSettings())
    with pytest.raises(DomainError, match="must cover it exactly"):
        plan_parts(bill, SplitPlan(kind=SplitKind.AMOUNTS, amounts=(1_000, 400)))
    with pytest.raises(DomainError, match="do not cover the bill"):
        plan_parts(bill, SplitPlan(kind=SplitKind.ITEMS, items=((1,), (1,))))


def test_by_seat_shares_the_table_dishes() -> None:
    bill = compute_bill(
        [line(1, 1_000, seat=1), line(2, 2_000, seat=2), line(3, 999)], [], BillSettings()
    )
    parts = plan_parts(bill, SplitPlan(kind=SplitKind.SEATS))
    assert [(p.label, p.amount_minor) for p in parts] == [("seat 1", 1_500), ("seat 2", 2_499)]


amounts = st.integers(min_value=0, max_value=10_000_000)
lines_st = st.lists(
    st.tuples(st.integers(0, 200_000), st.integers(1, 5), st.one_of(st.none(), st.integers(1, 6))),
    min_size=1,
    max_size=12,
)
settings_st = st.builds(
    BillSettings,
    service_charge_bp=st.integers(0, 2_000),
    service_after_discounts=st.booleans(),
    tax_rate_bp=st.integers(0, 1_300),
    prices_include_tax=st.booleans(),
    cash_rounding=st.sampled_from(list(CashRounding)),
)


@given(total=amounts, weights=st.lists(st.integers(0, 1_000_000), min_size=1, max_size=30))
def test_allocation_always_sums_to_the_total(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    assert sum(shares) == total and all(s >= 0 for s in shares)


@given(raw=lines_st, settings=settings_st, data=st.data())
def test_any_split_sums_to_the_bill(raw: list, settings: BillSettings, data: st.DataObject) -> None:
    lines = [line(i + 1, price, qty, seat) for i, (price, qty, seat) in enumerate(raw)]
    bill = compute_bill(lines, [], settings)
    assert bill.total_minor >= 0 and bill.rounding_minor <= 0
    ways = data.draw(st.integers(2, 12))
    plans = [SplitPlan(kind=SplitKind.EVEN, ways=ways), SplitPlan(kind=SplitKind.WHOLE)]
    ids = [li.line_id for li in lines]
    parts = data.draw(st.integers(2, 5))
    holders = [data.draw(st.sets(st.integers(0, parts - 1), min_size=1)) for _ in ids]
    items = tuple(
        tuple(i for i, h in zip(ids, holders, strict=True) if p in h) for p in range(parts)
    )
    if all(items):
        plans.append(SplitPlan(kind=SplitKind.ITEMS, items=items))
    if len({li.seat for li in lines if li.seat is not None}) >= 2:
        plans.append(SplitPlan(kind=SplitKind.SEATS))
    for plan in plans:
        shares = [p.amount_minor for p in plan_parts(bill, plan)]
        assert sum(shares) == bill.total_minor and all(s >= 0 for s in shares)
