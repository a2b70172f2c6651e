"""The end-of-day report on paper (ESC/POS) at the cashier's desk, on SQLite and PostgreSQL:
queued as a print job by those who may read the report, once per tap, and laid out with
the same figures as the screen and the CSV, in both languages on a Chinese printer and in
plain ASCII on any other, every row inside the paper's width."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import PrintJob, PrintKind
from services.errors import NotAllowed
from services.printing.paper import render
from services.printing.printers import PrinterConfig
from services.printing.reports import PrintDayReport, print_day_report
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.test_end_of_day import _report, _service
from tests.test_ticket_paper import text_of

_ = billing  # a fixture, used by name

DESK = PrinterConfig(station="cashier", address="file:unused.prn")
NARROW = PrinterConfig(station="cashier", address="file:unused.prn", charset="ascii", columns=32)


def _jobs(billing: Billing) -> list[PrintJob]:
    with billing.store.read() as s:
        return list(s.scalars(select(PrintJob).where(PrintJob.kind == "day_report")).all())


def test_the_report_prints_at_the_desk_once_per_tap_with_every_figure(billing: Billing) -> None:
    _service(billing)
    report = _report(billing)
    key = f"day-report-{new_id()}"
    command = PrintDayReport(idempotency_key=key, report=report)
    job_id = print_day_report(billing.store, billing.staff["M01"], command)
    assert print_day_report(billing.store, billing.staff["M01"], command) == job_id  # a retry
    jobs = _jobs(billing)
    assert [(j.id, j.station, j.kind, j.state) for j in jobs] == [
        (job_id, "cashier", PrintKind.DAY_REPORT.value, "queued")
    ]
    data = render(jobs[0].kind, jobs[0].payload, DESK, job_id)
    assert data.startswith(b"\x1b@\x1c&") and data.endswith(b"\x1dV\x00")  # reset … cut
    words = text_of(data)
    assert "END OF DAY 营业日报" in words
    assert report.window.service_date.isoformat() in words
    for figure in (
        "Covers 客数",
        "12",
        "SALES 营业额 CNY",
        "198.50",  # 38.90 + 127.60 + 32.00
        "70.90",  # taken
        "127.60",  # signed to Huaxin
        "-18.00",  # the comp
        "-0.05",  # 抹零
        "-0.45",  # the drawer's variance
        "AFTER FIRED 已下厨",
        "AFTER PAYMENT 已收款",
        "Tables still open 未结桌台 (1)",
        "Jianguo (M01)",  # who printed it
        f"#{job_id}",
    ):
        assert figure in words, figure
    assert words.index("AFTER PAYMENT") > words.index("Voids")


def test_an_english_only_narrow_printer_gets_ascii_rows_that_fit(billing: Billing) -> None:
    _service(billing)
    command = PrintDayReport(idempotency_key=f"day-report-{new_id()}", report=_report(billing))
    job_id = print_day_report(billing.store, billing.staff["M01"], command)
    job = _jobs(billing)[0]
    data = render(job.kind, job.payload, NARROW, job_id, reprint_of=job_id)
    assert b"\x1c&" not in data  # no Chinese mode
    words = text_of(data)
    words.encode("ascii")  # nothing but ASCII reaches this printer
    assert "REPRINT" in words and "SALES CNY" in words and "198.50" in words
    # Every row inside the 32 columns, the command bytes taken out (as text_of does).
    plain = re.sub(rb"\x1b@|\x1b[Ea\-d].|\x1d[!BV].", b"", data).decode("ascii")
    rows = plain.split("\n")
    assert len(rows) > 30 and all(len(row) <= 32 for row in rows), max(rows, key=len)


def test_a_cashier_may_not_print_the_report_and_nothing_is_queued(billing: Billing) -> None:
    report = _report(billing)
    command = PrintDayReport(idempotency_key=f"day-report-{new_id()}", report=report)
    with billing.store.read() as s:
        before = s.scalar(select(func.count()).select_from(PrintJob))  # the kitchen's tickets
    with pytest.raises(NotAllowed):
        print_day_report(billing.store, billing.cashier, command)
    with billing.store.read() as s:
        assert s.scalar(select(func.count()).select_from(PrintJob)) == before
    assert _jobs(billing) == []
