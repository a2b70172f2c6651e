"""The end of a service or of a day for the manager and the supervisor: the figures of
services.reports.end_of_day, sales by hour as a bar chart, the CSV export (the screen
says where the file went) and the same figures printed on the cashier's desk printer
(services.printing.reports; the print queue shows the paper if the printer is down)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.label import Label

from screens.cash.money import money, signed_money
from screens.widgets import theme as C
from screens.widgets.base import TablesideScreen
from screens.widgets.choice_list import Choice
from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.i18n import Plural
from services.printing.reports import PrintDayReport, print_day_report
from services.reports.end_of_day import AskReport, EndOfDay, end_of_day
from services.reports.export import export_end_of_day
from services.restaurant.settings import service_periods


class EndOfDayScreen(TablesideScreen):
    day_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._day: date | None = None
        self._period_id: int | None = None
        self._report: EndOfDay | None = None
        # One print key per report shown: a second tap on the same report prints it once.
        self._print_key = ""
        self._printed_job: int | None = None

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        if self._day is None and self.app.restaurant is not None:
            self._day = self.app.restaurant.today()
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def shift_day(self, days: int) -> None:
        if self._day is not None:
            self._day += timedelta(days=days)
            self.reload()

    def choose(self, period_id: int | None) -> None:
        self._period_id = period_id
        self.reload()

    def reload(self) -> None:
        if self._day is None:
            return
        try:
            self._report = end_of_day(
                self.app.store,
                self.app.user.staff_id,
                AskReport(service_date=self._day, period_id=self._period_id),
                templates=self.app.checklist_templates,
            )
            self._print_key, self._printed_job = f"day-report-{uuid.uuid4()}", None
        except DomainError as error:
            self.fail(error)
            if self._report is not None and self._report.window.service_date != self._day:
                self._day = self._report.window.service_date
        self._draw()

    def export(self) -> None:
        if self._report is None:
            return
        try:
            path = export_end_of_day(self.app.store, self.app.user.staff_id, self._report)
        except DomainError as error:
            self.fail(error)
            return
        self.say("Report saved as CSV: {path}", path=str(path))

    def print_report(self) -> None:
        """The report on the cashier's desk printer, as it is on the screen now."""
        if self._report is None:
            return
        if self._printed_job is not None:
            self.say(
                "This report is already in the print queue (job #{job}).", job=self._printed_job
            )
            return
        command = PrintDayReport(idempotency_key=self._print_key, report=self._report)
        try:
            self._printed_job = print_day_report(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.say("The report prints at the cashier's desk (job #{job}).", job=self._printed_job)

    def _periods(self) -> None:
        loc = self.app.localizer
        choices = [Choice(None, loc._("Whole day"))]
        choices += [
            Choice(p.id, loc.pick(p.name_en, p.name_zh)) for p in service_periods(self.app.store)
        ]
        self.ids.periods.show(choices, selected=self._period_id)

    def _draw(self) -> None:
        loc = self.app.localizer
        tr = loc._
        self._periods()
        self.day_text = self._day.isoformat() if self._day else ""
        r = self._report
        figures, lists = self.ids.figures, self.ids.lists
        figures.clear_widgets()
        lists.clear_widgets()
        if r is None:
            return
        x = r.currency_exponent

        def m(minor: int) -> str:
            return money(minor, x)

        def row(name: str, value: str, strong: bool = False, bad: bool = False) -> None:
            for text, align, share in ((name, "left", 0.64), (value, "right", 0.36)):
                cell = _cell(text, align, strong, bad)
                cell.size_hint_x = share
                figures.add_widget(cell)

        row(tr("Covers"), str(r.covers), strong=True)
        row(tr("Bills settled"), str(r.bills))
        row(tr("Items"), m(r.items_minor))
        row(tr("Discounts"), m(-r.discounts_minor))
        row(tr("Comps"), m(-r.comps_minor))
        row(tr("Service charge"), m(r.service_minor))
        row(tr("Tax (included)") if r.tax_included else tr("Tax"), m(r.tax_minor))
        row(tr("Cash rounding"), m(r.rounding_minor))
        row(tr("Sales"), m(r.sales_minor), strong=True)
        for method in r.methods:
            row(loc.pick(method.name_en, method.name_zh), m(method.net_minor))
        row(tr("Taken"), m(r.taken_minor), strong=True)
        row(tr("Signed to house accounts"), m(r.signed_minor))
        row(tr("Tips"), m(r.tips_minor))
        row(tr("Voids"), f"{len(r.voids)} · {m(r.voids_minor)}", bad=bool(r.voids))
        row(tr("Tables still open"), str(len(r.open_tables)), bad=bool(r.open_tables))
        row(
            tr("Drawer variance"),
            signed_money(r.drawer_variance_minor, x),
            bad=r.drawer_variance_minor != 0,
        )
        row(tr("Drawers still open"), str(r.drawers_open), bad=bool(r.drawers_open))
        outside = r.cash_outside_drawers_minor
        row(tr("Cash outside any drawer"), m(outside), bad=outside != 0)
        if r.checklists is not None:
            c = r.checklists
            row(
                tr("Checklists on time"),
                f"{c.on_time}/{c.lists} · {c.kept_percent}%" if c.lists else "0/0",
                bad=c.on_time < c.lists,
            )

        # Every hour from the first to the last with sales, the quiet ones at zero.
        by_hour = {h.hour: h.amount_minor for h in r.hours}
        span = range(min(by_hour), max(by_hour) + 1) if by_hour else range(0)
        self.ids.chart.bars = [(hour, by_hour.get(hour, 0)) for hour in span]
        hours = self.ids.chart_hours
        hours.clear_widgets()
        for hour, amount in self.ids.chart.bars:
            hours.add_widget(
                Label(
                    text=f"{hour:02d}:00\n{m(amount) if amount else ''}",
                    font_size=TYPE.caption,
                    halign="center",
                )
            )
        if not r.hours:
            hours.add_widget(
                Label(text=tr("No bills settled in this period."), font_size=TYPE.caption)
            )

        def line(text: str, strong: bool = False, bad: bool = False) -> None:
            lists.add_widget(_cell(text, "left", strong, bad))

        line(tr("Sales by category"), strong=True)
        for cat in r.categories:
            line(f"{loc.pick(cat.name_en, cat.name_zh)} × {cat.quantity}   {m(cat.amount_minor)}")
        line(tr("Voids"), strong=True)
        for v in r.voids:
            flags = []
            if v.after_fired:
                flags.append(tr("after the kitchen fired it"))
            if v.after_payment:
                flags.append(tr("after payment"))
            text = f"{loc.pick(v.name_en, v.name_zh)} × {v.quantity}   {m(v.amount_minor)}"
            line(text + (f"  ({', '.join(flags)})" if flags else ""), bad=bool(flags))
        line(tr("Tables still open"), strong=True)
        for t in r.open_tables:
            guests = Plural(
                "Table {tables}: {guests} guest", "Table {tables}: {guests} guests", "guests"
            )
            line(tr(guests, tables=t.tables, guests=t.guests), bad=True)
        line(tr("Drawers"), strong=True)
        for d in r.drawers:
            line(
                tr(
                    "{cashier}: expected {expected}, counted {counted}, variance {variance}",
                    cashier=d.cashier,
                    expected=m(d.expected_minor),
                    counted=m(d.counted_minor),
                    variance=signed_money(d.variance_minor, x),
                ),
                bad=d.variance_minor != 0,
            )


def _cell(text: str, align: str, strong: bool, bad: bool) -> Label:
    label = Label(
        text=text,
        font_size=TYPE.body,
        bold=strong,
        color=C.ERROR if bad else C.TEXT,
        halign=align,
        valign="middle",
        size_hint_y=None,
        height=dp(30),
    )
    label.bind(size=lambda w, _s: setattr(w, "text_size", w.size))
    return label
