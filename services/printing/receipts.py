"""The bill and the receipt on paper (ESC/POS), or as the screen shows them (第9条 ②③).

A bill (账单) before it is paid, a receipt (收据) once it is settled, from the version's
frozen figures (services.billing). Every reprint says so at the top and the bottom: COPY
with its number for the live version, SUPERSEDED for a version a newer one replaced (第9条
③: an altered bill is never presented as the bill). Cash rounding (抹零) is its own line.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from services.billing.bills import BillView
from services.printing.paper import Paper, money
from services.printing.printers import PrinterConfig


class BillDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    restaurant_en: str
    restaurant_zh: str
    timezone: str
    bill: BillView
    mark: str = ""  # "", "COPY" or "SUPERSEDED"
    copy_number: int = 0

    def local(self, at: datetime) -> str:
        return at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")


def _rate(bp: int) -> str:
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}%"


def _mark(paper: Paper, doc: BillDocument) -> None:
    if doc.mark == "SUPERSEDED":
        paper.banner(paper.both("SUPERSEDED", "已作废"))
        paper.text(paper.both("Not the bill to pay", "此单不作结账用"), align="center")
    elif doc.mark == "COPY":
        paper.banner(f"{paper.both('COPY', '副本')} {doc.copy_number}")


def bill_paper(doc: BillDocument, printer: PrinterConfig, job_id: int | None = None) -> bytes:
    """The bytes of the bill or receipt for this printer."""
    bill, x = doc.bill, doc.bill.currency_exponent
    amounts = bill.amounts
    paper = Paper(printer)
    paper.text(paper.both(doc.restaurant_en, doc.restaurant_zh), size=2, bold=True, align="center")
    _mark(paper, doc)
    title = paper.both("RECEIPT", "收据") if bill.state == "settled" else paper.both("BILL", "账单")
    paper.text(title, size=2, bold=True, align="center")
    paper.text(f"{paper.both('Table', '桌号')} {bill.table_label}", bold=True)
    paper.text(f"{paper.both('Bill', '账单号')} {bill.party_id}-{bill.number}")
    if bill.presented_at is not None:
        paper.text(doc.local(bill.presented_at))
    paper.rule()
    for line in amounts.lines:
        first, second = paper.name(line.name_en, line.name_zh)
        paper.priced(f"{line.quantity} x {first}", money(line.total_minor, x))
        if second:
            paper.text(second, indent=4)
        choices = paper.name(line.choices_en, line.choices_zh)[0]
        if choices:
            paper.text(f"+ {choices}", indent=4)
        if line.seat is not None:
            paper.text(f"{paper.both('Seat', '座位')} {line.seat}", indent=4)
    paper.rule()
    paper.priced(paper.both("Items", "小计"), money(amounts.items_minor, x))
    for d in amounts.discounts:
        label = paper.both("Comp", "赠送") if d.kind == "comp" else paper.both("Discount", "折扣")
        if d.percent_bp:
            label += f" {_rate(d.percent_bp)}"
        paper.priced(f"{label} ({d.reason})", money(-d.amount_minor, x), indent=2)
    if amounts.service_waived:
        paper.text(paper.both("Service charge waived", "免收服务费"), indent=2)
    elif amounts.service_minor:
        label = f"{paper.both('Service charge', '服务费')} {_rate(amounts.service_charge_bp)}"
        paper.priced(label, money(amounts.service_minor, x))
    if amounts.tax_rate_bp:
        word = paper.both("incl.", "已含") if amounts.prices_include_tax else ""
        label = f"{paper.both('Tax', '税')} {_rate(amounts.tax_rate_bp)} {word}".rstrip()
        paper.priced(label, money(amounts.tax_minor, x))
    if amounts.rounding_minor:
        paper.priced(paper.both("Rounding", "抹零"), money(amounts.rounding_minor, x))
    paper.rule("=")
    total = f"{bill.currency} {money(amounts.total_minor, x)}"
    paper.priced(paper.both("TOTAL", "合计"), total, bold=True)
    if len(bill.parts) > 1:
        for part in bill.parts:
            paper.priced(
                f"{paper.both('Part', '分单')} {part.number} ({part.label})",
                money(part.amount_minor, x),
                indent=2,
            )
    for p in bill.payments:
        method = paper.both(p.method_en, p.method_zh)
        sign = -1 if p.kind == "refund" else 1
        word = paper.both("Refund", "退款") + " " if p.kind == "refund" else ""
        paper.priced(f"{word}{method}", money(sign * p.amount_minor, x))
        if p.tendered_minor is not None:
            paper.priced(paper.both("Tendered", "实收"), money(p.tendered_minor, x), indent=2)
            paper.priced(paper.both("Change", "找零"), money(p.change_minor, x), indent=2)
        if p.tip_minor:
            paper.priced(paper.both("Tip", "小费"), money(p.tip_minor, x), indent=2)
        if p.card_last4:
            paper.text(f"**** {p.card_last4}", indent=2)
    if bill.invoice_number is not None:
        paper.rule()
        paper.text(f"{paper.both('Invoice', '发票')} No. {bill.invoice_number:08d}", bold=True)
    if bill.invoice_title:
        paper.text(f"{paper.both('Title', '抬头')}: {bill.invoice_title}")
    if bill.invoice_tax_id:
        paper.text(f"{paper.both('Tax id', '税号')}: {bill.invoice_tax_id}")
    _mark(paper, doc)
    paper.text(paper.both("Thank you", "谢谢光临"), align="center")
    if job_id is not None:
        paper.text(f"#{job_id}", align="right")
    return paper.finish()
