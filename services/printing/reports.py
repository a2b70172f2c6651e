"""The end-of-day report on the cashier's desk printer (ESC/POS), for the manager's file at
the close of a service or a day (第9条 ②, 第13条): the same figures as the screen and the
CSV (services.reports.end_of_day), laid out for 58 or 80 mm paper, in both languages where
the printer has Chinese. The report is frozen into the job when it is asked for, so a
reprint is the same paper, marked REPRINT."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from db.store import Store
from models import Restaurant, utcnow
from services.permissions import Action, require
from services.printing.paper import Paper, money
from services.printing.printers import PrinterConfig
from services.reports.end_of_day import EndOfDay

REPORT_STATION = "cashier"  # the printer at the cashier's desk


class DayReportDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    restaurant_en: str
    restaurant_zh: str
    timezone: str
    printed_by: str = Field(max_length=120)
    printed_at: datetime
    report: EndOfDay

    def local(self, at: datetime) -> str:
        return at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")


def day_report_paper(
    doc: DayReportDocument, printer: PrinterConfig, job_id: int | None = None,
    reprint_of: int | None = None,
) -> bytes:  # fmt: skip
    """The bytes of the report for this printer."""
    r, x = doc.report, doc.report.currency_exponent
    paper = Paper(printer)
    both = paper.both

    def m(minor: int) -> str:
        return money(minor, x)

    paper.text(both(doc.restaurant_en, doc.restaurant_zh), size=2, bold=True, align="center")
    if reprint_of is not None:
        paper.banner(f"{both('REPRINT', '重印')} #{reprint_of}")
    paper.text(both("END OF DAY", "营业日报"), size=2, bold=True, align="center")
    w = r.window
    paper.text(f"{w.service_date.isoformat()}  {both(w.name_en, w.name_zh)}", bold=True)
    paper.text(f"{doc.local(w.since)} - {doc.local(w.until)}")
    paper.rule()
    paper.priced(both("Covers", "客数"), str(r.covers), bold=True)
    paper.priced(both("Parties", "桌数"), str(r.parties))
    paper.priced(both("Bills settled", "已结账单"), str(r.bills))
    paper.rule()
    paper.priced(both("Items", "菜品"), m(r.items_minor))
    paper.priced(both("Discounts", "折扣"), m(-r.discounts_minor), indent=2)
    paper.priced(both("Comps", "赠送"), m(-r.comps_minor), indent=2)
    service = both("Service charge", "服务费")
    if r.services_waived:
        service += f" ({r.services_waived} {both('waived', '免收')})"
    paper.priced(service, m(r.service_minor))
    tax = both("Tax (included)", "税(已含)") if r.tax_included else both("Tax", "税")
    paper.priced(tax, m(r.tax_minor))
    paper.priced(both("Cash rounding", "抹零"), m(r.rounding_minor))
    paper.rule("=")
    paper.priced(f"{both('SALES', '营业额')} {r.currency}", m(r.sales_minor), bold=True)
    if r.categories:
        paper.rule()
        paper.text(both("By category", "按类别"), bold=True)
        for c in r.categories:
            name = paper.name(c.name_en, c.name_zh)[0]
            paper.priced(f"{c.quantity} x {name}", m(c.amount_minor), indent=2)
    if r.hours:
        paper.rule()
        paper.text(both("By hour", "按时段"), bold=True)
        for h in r.hours:
            bills = f"{h.bills} {both('bills', '单')}"
            paper.priced(f"{h.hour:02d}:00  {bills}", m(h.amount_minor), indent=2)
    paper.rule()
    paper.text(both("Takings", "收款"), bold=True)
    for p in r.methods:
        name = both(p.name_en, p.name_zh)
        paper.priced(f"{name} ({p.payments})", m(p.net_minor), indent=2)
        if p.refunds:
            word = both("refunded", "退款")
            paper.priced(f"{word} ({p.refunds})", m(-p.refunded_minor), indent=4)
    paper.priced(both("Taken", "实收"), m(r.taken_minor), bold=True)
    paper.priced(both("Signed to house accounts", "挂账"), m(r.signed_minor))
    paper.priced(both("Tips", "小费"), m(r.tips_minor))
    if r.voids:
        paper.rule()
        paper.text(f"{both('Voids', '退菜')} ({len(r.voids)})", bold=True)
        for v in r.voids:
            name = paper.name(v.name_en, v.name_zh)[0]
            paper.priced(f"{v.quantity} x {name}", m(v.amount_minor), indent=2)
            # The classic frauds (docs/reliability.md): flagged so the manager asks.
            flags = [both("AFTER FIRED", "已下厨")] if v.after_fired else []
            flags += [both("AFTER PAYMENT", "已收款")] if v.after_payment else []
            paper.text(f"{v.reason} · {v.voided_by} / {v.approved_by}", indent=4)
            if flags:
                paper.text(" ".join(f"[{f}]" for f in flags), bold=True, indent=4)
    paper.rule()
    paper.text(both("Cash drawers", "钱箱"), bold=True)
    for d in r.drawers:
        paper.text(d.cashier, indent=2)
        paper.priced(both("expected", "应有"), m(d.expected_minor), indent=4)
        paper.priced(both("counted", "实点"), m(d.counted_minor), indent=4)
        paper.priced(both("variance", "差额"), m(d.variance_minor), bold=True, indent=4)
    paper.priced(both("Variance, all drawers", "差额合计"), m(r.drawer_variance_minor), bold=True)
    if r.drawers_open:
        paper.priced(both("Drawers still open", "未结钱箱"), str(r.drawers_open), bold=True)
    if r.cash_outside_drawers_minor:
        outside = both("Cash outside any drawer", "未入钱箱的现金")
        paper.priced(outside, m(r.cash_outside_drawers_minor), bold=True)
    if r.open_tables:
        paper.rule()
        paper.text(f"{both('Tables still open', '未结桌台')} ({len(r.open_tables)})", bold=True)
        for t in r.open_tables:
            paper.text(f"{t.tables} · {t.stage} · {t.guests}", indent=2)
    if r.checklists is not None:
        c = r.checklists
        paper.rule()
        paper.priced(both("Checklists on time", "清单按时"), f"{c.on_time}/{c.lists}")
        paper.priced(both("late", "迟到"), str(c.late), indent=2)
        paper.priced(both("missing", "缺少"), str(c.missing), indent=2)
    paper.rule()
    paper.text(f"{both('Printed', '打印')} {doc.local(doc.printed_at)}  {doc.printed_by}")
    if job_id is not None:
        paper.text(f"#{job_id}", align="right")
    return paper.finish()


class PrintDayReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Made once per tap on the tablet: a double tap queues one piece of paper.
    idempotency_key: str = Field(min_length=8, max_length=80)
    report: EndOfDay  # as the screen shows it: the paper says the same


def print_day_report(store: Store, actor_id: int, command: PrintDayReport) -> int:
    """Queue the report for the cashier's desk printer; returns the print job's id. Only
    those who may read the report may print it (the print queue shows it if the printer
    is down)."""
    from services.printing.jobs import PrintRequest, add_print_job  # jobs imports this module

    with store.write() as s:
        staff = require(s, actor_id, Action.READ_REPORTS)
        restaurant = s.get(Restaurant, 1)
        document = DayReportDocument(
            restaurant_en=restaurant.name if restaurant else "",
            restaurant_zh=restaurant.name_zh if restaurant else "",
            timezone=restaurant.timezone if restaurant else "UTC",
            printed_by=f"{staff.name} ({staff.number})",
            printed_at=utcnow(),
            report=command.report,
        )
        request = PrintRequest(
            idempotency_key=command.idempotency_key, station=REPORT_STATION, document=document
        )
        return add_print_job(s, request, actor_id).id
