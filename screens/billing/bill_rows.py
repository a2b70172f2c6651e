"""A bill as rows on the cashier's screen (第9条 ②③): each dish with its priced choices,
voided dishes struck through, discounts and comps with their reasons, the service charge,
the tax, cash rounding (抹零) as its own line, the total; then the parts and payments.

Each row is (left, right, style): markup for the words (typed text escaped), the amount,
and how it is drawn ("line", "sub", "void", "sum", "total", "paid", "note").
"""

from __future__ import annotations

from typing import Any

from screens.billing.text import money, rate
from screens.widgets.table_look import person_name, plain
from services.billing.bills import BillView
from services.i18n import N_, Plural
from services.orders.views import OrderView

Row = tuple[str, str, str]
KIND_WORDS = {
    "percent": N_("Discount {rate}"),
    "amount": N_("Discount"),
    "comp": N_("Comp (on the house)"),
}


def bill_rows(bill: BillView, order: OrderView | None, loc: Any) -> list[Row]:
    tr = loc._
    a = bill.amounts

    def m(minor: int) -> str:
        return money(minor, bill.currency_exponent, bill.currency)

    names = {line.line_id: loc.pick(line.name_en, line.name_zh) for line in a.lines}
    rows: list[Row] = []
    for line in a.lines:
        who = tr("seat {seat}", seat=line.seat) if line.seat else tr("table")
        rows.append(
            (f"{line.quantity} × {plain(names[line.line_id])}", m(line.total_minor), "line")
        )
        choices = loc.pick(line.choices_en, line.choices_zh)
        detail = f"{plain(choices)} · {who}" if choices else who
        if line.quantity > 1:
            detail += " · " + tr("{price} each", price=m(line.unit_price_minor))
        rows.append((detail, "", "sub"))
    for line in order.lines if order else ():
        if line.voided and line.sent:
            name = plain(loc.pick(line.name_en, line.name_zh))
            words = f"[s]{line.quantity} × {name}[/s]  " + plain(tr("voided"))
            rows.append((words, f"[s]{m(line.total_minor)}[/s]", "void"))
    rows.append((tr("Subtotal"), m(a.items_minor), "sum"))
    for d in a.discounts:
        if d.kind == "waive_service":
            continue
        kind = tr(KIND_WORDS.get(d.kind, N_("Discount")), rate=rate(d.percent_bp or 0))
        target = names.get(d.line_id, "") if d.line_id else tr("whole bill")
        words = f"{plain(kind)} · {plain(target)} · {plain(d.reason)}"
        if d.approved_by:
            name = person_name(d.approved_by)
            words += " · " + plain(tr("approved by {name}", name=name))
        rows.append((words, m(-d.amount_minor), "line"))
    if a.service_waived:
        rows.append((tr("Service charge waived"), m(0), "line"))
    elif a.service_charge_bp:
        rows.append(
            (
                tr("Service charge {rate}", rate=rate(a.service_charge_bp)),
                m(a.service_minor),
                "line",
            )
        )
    if a.tax_rate_bp:
        if a.prices_include_tax:
            words = tr("Tax {rate}, included in the prices", rate=rate(a.tax_rate_bp))
            rows.append((words, f"({m(a.tax_minor)})", "sub"))
        else:
            rows.append((tr("Tax {rate}", rate=rate(a.tax_rate_bp)), m(a.tax_minor), "line"))
    if a.rounding_minor:
        rows.append((tr("Cash rounding (抹零)"), m(a.rounding_minor), "line"))
    rows.append((tr("Total"), m(a.total_minor), "total"))
    if bill.carried_minor:
        rows.append((tr("Paid on an earlier version"), m(bill.carried_minor), "paid"))
    for p in bill.payments:
        method = plain(loc.pick(p.method_en, p.method_zh))
        words = tr("Part {number}: {method}", number=p.part_number, method=method)
        extra = []
        if p.tendered_minor is not None:
            extra.append(tr("tendered {amount}", amount=m(p.tendered_minor)))
            extra.append(tr("change {amount}", amount=m(p.change_minor)))
        if p.card_last4:
            extra.append(tr("card ending {last4}", last4=p.card_last4))
        if p.reference:
            extra.append(plain(p.reference))
        if p.tip_minor:
            extra.append(tr("tip {amount}", amount=m(p.tip_minor)))
        if p.kind == "refund":
            words = tr("Refund") + " · " + words
        if extra:
            words += " · " + " · ".join(extra)
        amount = p.amount_minor if p.kind == "payment" else -p.amount_minor
        rows.append((words, m(amount), "paid"))
    if bill.state != "settled":
        rows.append((tr("Still owed"), m(bill.owed_minor), "total"))
    return rows


def part_words(bill: BillView, number: int, loc: Any) -> str:
    """Part 2 of 3 · ¥32.40 · paid ¥10.00 · owed ¥22.40 (or: paid)."""
    tr = loc._
    part = bill.part(number)
    assert part is not None

    def m(minor: int) -> str:
        return money(minor, bill.currency_exponent, bill.currency)

    # "seat 2" says whose part it is; "1/3", "items" and "amount" add nothing to the head.
    label = part.label
    label = tr("seat {seat}", seat=label.removeprefix("seat ")) if label.startswith("seat ") else ""
    head = tr("Part {number} of {ways}", number=part.number, ways=len(bill.parts))
    if len(bill.parts) == 1:
        head = tr("The whole bill")
    words = [head] + ([label] if label else []) + [m(part.amount_minor)]
    if part.settled:
        words.append(tr("paid"))
    else:
        if part.paid_minor:
            words.append(tr("paid {amount}", amount=m(part.paid_minor)))
        words.append(tr("owed {amount}", amount=m(part.owed_minor)))
    return " · ".join(words)


def version_words(bill: BillView, loc: Any) -> str:
    """Version 2 (current) · version 1 superseded, presented, 1 copy."""
    tr = loc._
    states = {"current": tr("current"), "superseded": tr("superseded"), "settled": tr("settled")}
    head = tr("Version {number}, {state}", number=bill.number, state=states[bill.state])
    if bill.copies:
        head += " · " + tr(
            Plural("{count} copy printed", "{count} copies printed", "count"), count=bill.copies
        )
    old = [
        tr("version {number} superseded", number=v.number)
        for v in bill.versions
        if v.state == "superseded"
    ]
    return " · ".join([head, *old])
