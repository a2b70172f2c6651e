"""Checklist history and compliance: past runs with who started and signed them, how long
they took, fails and escalations, late and missing lists, and seating-gate overrides;
exported to CSV for the manager's records. Supervisors and managers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.label import Label

from screens.widgets.base import TablesideScreen
from screens.widgets.table_look import person_name
from services.checklists.history import History, HistoryRow, checklist_history, export_history_csv
from services.errors import DomainError


class GateOverrideLine(Label):
    """One seating-gate override: when, which service, both people and the reason."""


class ChecklistHistoryScreen(TablesideScreen):
    days = NumericProperty(7)
    summary_text = StringProperty("")

    history: History | None = None

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def choose_days(self, days: int) -> None:
        self.days = days
        self.clear_message()
        self.reload()

    def reload(self) -> None:
        app = self.app
        if app.user is None:
            return
        today = app.restaurant.today()
        try:
            self.history = checklist_history(
                app.store,
                app.user.staff_id,
                today - timedelta(days=int(self.days) - 1),
                today,
                app.checklist_templates,
            )
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    def export(self) -> None:
        if self.history is None:
            return
        try:
            path = export_history_csv(self.app.store, self.history)
        except DomainError as error:
            self.fail(error)
            return
        self.say("Exported to {path}", path=str(path))

    # -- drawing ----------------------------------------------------------------------------

    def _status(self, row: HistoryRow) -> str:
        tr = self.app.localizer._
        if row.status == "on_time":
            return tr("On time")
        if row.status == "signed_late":
            return tr("Signed {minutes} min late", minutes=row.late_minutes)
        if row.status == "overdue":
            return tr("Overdue by {minutes} min", minutes=row.late_minutes)
        if row.status == "missing":
            return tr("Missing")
        return tr("In progress")

    def _draw(self) -> None:
        history = self.history
        if history is None:
            return
        loc = self.app.localizer
        tr = loc._
        zone = ZoneInfo(history.timezone)

        def hm(moment: Any) -> str:
            return moment.astimezone(zone).strftime("%H:%M") if moment else "–"

        data = []
        for row in history.rows:
            if row.run_id is None:  # a missing list: nobody started it, nothing was found
                who = findings = "–"
            else:
                who, findings = self._who_and_findings(row, hm)
            data.append(
                {
                    "when": f"{row.service_date.isoformat()}\n"
                    f"{loc.pick(row.service_name_en, row.service_name_zh)}",
                    "checklist": loc.pick(row.title_en, row.title_zh),
                    "status": self._status(row)
                    + ("\n" + tr("due {time}", time=hm(row.due_at)) if row.due_at else ""),
                    "bad": row.status in ("signed_late", "overdue", "missing"),
                    "who": who,
                    "duration": tr("{minutes} min", minutes=row.duration_minutes)
                    if row.duration_minutes is not None
                    else "–",
                    "findings": findings,
                }
            )
        self.ids.rows.data = data
        self._draw_overrides(history, zone)
        late = sum(1 for r in history.rows if r.status in ("signed_late", "overdue"))
        missing = sum(1 for r in history.rows if r.status == "missing")
        self.summary_text = tr(
            "Lists {runs} · late {late} · missing {missing} · overrides {overrides}",
            runs=len(history.rows),
            late=late,
            missing=missing,
            overrides=len(history.overrides),
        )

    def _who_and_findings(self, row: HistoryRow, hm: Any) -> tuple[str, str]:
        tr = self.app.localizer._
        started, signed = person_name(row.started_by), person_name(row.signed_by)
        who = tr("Started: {name} {time}", name=started, time=hm(row.started_at))
        if row.signed_at is not None:
            who += "\n" + tr("Signed: {name} {time}", name=signed, time=hm(row.signed_at))
        findings = tr(
            "Fails {fails} · escalated {escalations}",
            fails=row.fails,
            escalations=row.escalations,
        )
        if row.escalations_open:
            findings += "\n" + tr("{count} still open", count=row.escalations_open)
        if row.corrections:
            findings += "\n" + tr("{count} corrected", count=row.corrections)
        return who, findings

    def _draw_overrides(self, history: History, zone: ZoneInfo) -> None:
        loc = self.app.localizer
        box = self.ids.overrides
        box.clear_widgets()
        for o in history.overrides:
            text = loc._(
                "{date} {service}: {manager} approved, asked by {name}, at {time}. "
                "Reason: {reason}",
                date=o.service_date.isoformat(),
                service=loc.pick(o.service_name_en, o.service_name_zh),
                manager=o.manager,
                name=person_name(o.requested_by),
                time=o.at.astimezone(zone).strftime("%m-%d %H:%M"),
                reason=o.reason,
            )
            box.add_widget(GateOverrideLine(text=text))
        if not history.overrides:
            box.add_widget(GateOverrideLine(text=loc._("No overrides in these days.")))
