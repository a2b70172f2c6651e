"""Checklists: today's lists for a service (inspection, cleaning, closing) with their
progress, the seating gate, and any template refused at start. Supervisors and managers."""

from __future__ import annotations

from typing import Any

from kivy.logger import Logger
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.checklists.popups import SignedInPopup
from screens.widgets.base import TablesideScreen
from screens.widgets.bilingual import error_text
from screens.widgets.choice_list import Choice
from screens.widgets.refreshing import Refreshing
from screens.widgets.table_look import person_name
from services.checklists.gate import OverrideSeatingGate, override_seating_gate
from services.checklists.runs import StartRun, start_run
from services.checklists.templates import (
    DEFAULT_FOLDER,
    ChecklistKind,
    TemplateSet,
    load_templates,
)
from services.checklists.views import Board, BoardEntry, checklist_board
from services.errors import DomainError
from services.i18n import Plural
from services.service_day import local_time_text


def load_checklist_templates(folder: Any = None) -> TemplateSet:
    """Load the templates when the app starts; a bad file is refused (and logged) with its
    file, item and reason while the others load. The checklist screen shows the refusals."""
    templates = load_templates(folder or DEFAULT_FOLDER)
    for error in templates.errors:
        for line in error.lines():
            Logger.error("Checklists: refused %s", line)
    Logger.info("Checklists: %d templates loaded", len(templates.templates))
    return templates


class BoardRow(BoxLayout):
    """One checklist of the service: its title, where it stands, and the way in."""

    title = StringProperty("")
    state_text = StringProperty("")
    action_text = StringProperty("")
    done = BooleanProperty(False)
    template_code = StringProperty("")


class OverridePopup(SignedInPopup):
    """A manager's own PIN and a reason, to open seating without a signed inspection."""

    message = StringProperty("")

    def __init__(self, screen: ChecklistsScreen, **kwargs: Any) -> None:
        self.screen = screen
        super().__init__(**kwargs)

    def confirm(self) -> None:
        pad = self.ids.pad
        pin, pad.pin = pad.pin, ""
        app = self.screen.app
        try:
            command = OverrideSeatingGate(manager_pin=pin, reason=self.ids.reason.text)
            override_seating_gate(app.store, app.user.staff_id, command)
        except DomainError as error:
            self.message = error_text(error)  # "already open for {service}": one language
            return
        self.dismiss()
        self.screen.reload()
        self.screen.say("Seating was opened by a manager's override.")


class ChecklistsScreen(Refreshing, TablesideScreen):
    refresh_seconds = 3
    period_id = NumericProperty(0)  # 0: the current service
    gate_text = StringProperty("")
    gate_open = BooleanProperty(False)
    # False on another service's tab: the gate shown is not the one seating follows now.
    gate_shows_now = BooleanProperty(True)
    day_text = StringProperty("")
    refusals_text = StringProperty("")

    board: Board | None = None

    def on_pre_enter(self, *_args: Any) -> None:
        self.period_id = 0
        self.clear_message()
        self.reload()

    def on_enter(self, *_args: Any) -> None:
        # Runs started or signed on another tablet show here within seconds.
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def refresh(self) -> None:
        self.reload()

    def on_language(self) -> None:
        self._draw()

    @property
    def templates(self) -> TemplateSet:
        return self.app.checklist_templates

    def reload(self) -> None:
        if self.app.user is None:
            return
        try:
            self.board = checklist_board(
                self.app.store, self.templates, period_id=self.period_id or None
            )
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    def choose_service(self, period_id: int) -> None:
        self.period_id = period_id
        self.clear_message()
        self.reload()

    # -- drawing ----------------------------------------------------------------------------

    def _draw(self) -> None:
        board = self.board
        if board is None:
            return
        loc = self.app.localizer
        tr = loc._
        gate = board.gate
        chosen = next((c for c in board.services if c.period_id == board.period_id), None)
        if chosen is not None and gate.service_code and chosen.code != gate.service_code:
            self._draw_later_gate(board)
        else:
            self.gate_open = gate.open
            self.gate_shows_now = True
            # The service layer names the service in both languages; show the reader's one.
            fields = dict(gate.why_params)
            if "service" in fields:
                fields["service"] = loc.pick(gate.service_name_en, gate.service_name_zh)
            self.gate_text = tr(gate.why, **fields)
        if board.service_date is not None:
            self.day_text = tr(
                "{service} on {date}",
                service=loc.pick(board.service_name_en, board.service_name_zh),
                date=board.service_date.isoformat(),
            )
        else:
            self.day_text = tr("No services are set up.")
        lines = [loc.error(e) for e in self.templates.errors]
        self.refusals_text = (
            "\n".join([tr("These checklist templates were refused:"), *lines]) if lines else ""
        )
        self._draw_services(board)
        self._draw_rows(board)

    def _draw_later_gate(self, board: Board) -> None:
        """The gate is the current service's (第3条: the inspection before each service): on
        another service's tab, say where that service's own inspection stands instead, and
        offer no override (a manager overrides only the service under way)."""
        loc = self.app.localizer
        tr = loc._
        service = loc.pick(board.service_name_en, board.service_name_zh)
        inspection = next(
            (e for e in board.entries if e.kind == ChecklistKind.PRE_SERVICE_INSPECTION.value),
            None,
        )
        self.gate_shows_now = False
        if inspection is not None and inspection.signed_at is not None:
            self.gate_open = True
            self.gate_text = tr(
                "{service} is not under way: its pre-service inspection was signed off by "
                "{name}, so seating opens with it.",
                service=service,
                name=person_name(inspection.signed_by),
            )
        else:
            self.gate_open = False
            self.gate_text = tr(
                "{service} is not under way: seating for it opens once its pre-service "
                "inspection is signed off.",
                service=service,
            )

    def _draw_services(self, board: Board) -> None:
        loc = self.app.localizer
        services = [Choice(c.period_id, loc.pick(c.name_en, c.name_zh)) for c in board.services]
        self.ids.services.show(services, selected=board.period_id)

    def _draw_rows(self, board: Board) -> None:
        rows = self.ids.rows
        rows.clear_widgets()
        loc = self.app.localizer
        tr = loc._
        if not board.entries:
            rows.add_widget(
                Label(
                    text=tr("No checklist templates are loaded."), size_hint_y=None, height=dp(60)
                )
            )
        zone = self._zone()
        for entry in board.entries:
            if entry.run_id is None:
                action = tr("Start")
            elif entry.signed_at is None:
                action = tr("Continue")
            else:
                action = tr("View")
            row = BoardRow(
                title=loc.pick(entry.title_en, entry.title_zh),
                state_text=self._state(entry, zone),
                action_text=action,
                done=entry.signed_at is not None,
                template_code=entry.template_code,
            )
            row.ids.open_button.bind(
                on_release=lambda _b, code=entry.template_code: self.open_checklist(code)
            )
            rows.add_widget(row)

    def _zone(self) -> Any:
        return self.app.restaurant.zone

    def _state(self, entry: BoardEntry, zone: Any) -> str:
        tr = self.app.localizer._
        if entry.run_id is None:
            return tr(
                Plural("Not started · {count} item", "Not started · {count} items", "count"),
                count=entry.item_count,
            )
        if entry.signed_at is not None:
            return tr(
                "Signed off by {name} at {time}",
                name=person_name(entry.signed_by),
                time=local_time_text(entry.signed_at, zone),
            )
        return tr("{done} of {total} answered", done=entry.done, total=entry.total)

    # -- actions ----------------------------------------------------------------------------

    def open_checklist(self, template_code: str) -> None:
        try:
            run = start_run(
                self.app.store,
                self.app.user.staff_id,
                StartRun(template_code=template_code, service_period_id=self.period_id or None),
                self.templates,
            )
        except DomainError as error:
            self.fail(error)
            return
        self.manager.get_screen("checklist_run").show_run(run.id)
        self.app.open_screen("checklist_run")

    def ask_override(self) -> None:
        popup = OverridePopup(self)
        popup.open()
