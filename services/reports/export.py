"""The end-of-day report as a CSV file beside the checklist exports
(services.checklists.files: next to the SQLite database, or the per-user data folder),
in both languages, money as decimal text made with divmod (never a float)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from db.store import Store
from services.checklists.files import write_export
from services.permissions import Action, require
from services.reports.end_of_day import EndOfDay


def money_text(minor: int, exponent: int) -> str:
    sign = "-" if minor < 0 else ""
    units, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{units}.{fraction:0{exponent}d}" if exponent else f"{sign}{units}"


def end_of_day_csv(report: EndOfDay) -> str:
    """One row per figure: section, item (English), item (Chinese), count, amount."""
    x = report.currency_exponent

    def m(minor: int) -> str:
        return money_text(minor, x)

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    win = report.window
    w.writerow(["section", "item", "item_zh", "count", f"amount_{report.currency}"])
    w.writerow(["report", win.name_en, win.name_zh, "", win.service_date.isoformat()])
    w.writerow(["report", "from (UTC)", "起(UTC)", "", win.since.isoformat()])
    w.writerow(["report", "until (UTC)", "止(UTC)", "", win.until.isoformat()])
    w.writerow(["guests", "Covers", "客数", report.covers, ""])
    w.writerow(["guests", "Parties", "桌数", report.parties, ""])
    w.writerow(["sales", "Bills settled", "已结账单", report.bills, m(report.sales_minor)])
    w.writerow(["sales", "Items", "菜品", "", m(report.items_minor)])
    w.writerow(["sales", "Discounts", "折扣", "", m(-report.discounts_minor)])
    w.writerow(["sales", "Comps", "免单菜品", "", m(-report.comps_minor)])
    w.writerow(
        ["sales", "Service charge", "服务费", report.services_waived, m(report.service_minor)]
    )
    tax_words = ("Tax (included)", "税(已含)") if report.tax_included else ("Tax", "税")
    w.writerow(["sales", tax_words[0], tax_words[1], "", m(report.tax_minor)])
    w.writerow(["sales", "Cash rounding", "抹零", "", m(report.rounding_minor)])
    for c in report.categories:
        w.writerow(["category", c.name_en, c.name_zh, c.quantity, m(c.amount_minor)])
    for h in report.hours:
        w.writerow(["hour", f"{h.hour:02d}:00", f"{h.hour:02d}:00", h.bills, m(h.amount_minor)])
    for p in report.methods:
        w.writerow(["payment", p.name_en, p.name_zh, p.payments, m(p.net_minor)])
    w.writerow(["payment", "Taken", "实收", "", m(report.taken_minor)])
    w.writerow(["payment", "Signed to house accounts", "挂账", "", m(report.signed_minor)])
    w.writerow(["payment", "Tips", "小费", "", m(report.tips_minor)])
    for v in report.voids:
        flags = "+".join(
            f
            for f, on in (("after fired", v.after_fired), ("after payment", v.after_payment))
            if on
        )
        w.writerow(["void", v.name_en, v.name_zh, v.quantity, m(v.amount_minor)])
        w.writerow(["void_detail", v.reason, flags, v.voided_by, v.approved_by])
    for t in report.open_tables:
        w.writerow(["open_table", t.tables, t.stage, t.guests, ""])
    for d in report.drawers:
        w.writerow(["drawer", d.cashier, "expected", "", m(d.expected_minor)])
        w.writerow(["drawer", d.cashier, "counted", "", m(d.counted_minor)])
        w.writerow(["drawer", d.cashier, "variance", "", m(d.variance_minor)])
    w.writerow(["drawer", "Drawers still open", "未结钱箱", report.drawers_open, ""])
    w.writerow(
        [
            "drawer",
            "Cash outside any drawer",
            "未入钱箱的现金",
            "",
            m(report.cash_outside_drawers_minor),
        ]
    )
    if report.checklists is not None:
        c = report.checklists
        w.writerow(["checklists", "Lists", "清单", c.lists, ""])
        w.writerow(["checklists", "On time", "按时", c.on_time, f"{c.kept_percent}%"])
        w.writerow(["checklists", "Late", "迟到", c.late, ""])
        w.writerow(["checklists", "Missing", "缺少", c.missing, ""])
    return out.getvalue()


def export_end_of_day(store: Store, viewer_id: int, report: EndOfDay) -> Path:
    """Write the report's CSV; returns where it went, for the screen to say."""
    with store.read() as s:
        require(s, viewer_id, Action.READ_REPORTS)
    win = report.window
    name = f"end-of-day-{win.service_date.isoformat()}-{win.period_code}.csv"
    return write_export(store, name, end_of_day_csv(report))
