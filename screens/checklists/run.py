"""One checklist run, item by item: big Pass / Fail / Not applicable buttons, the list of
items with their answers, progress ("9 of 16"), and sign-off with the supervisor's PIN.
A signed run is read-only; "Correct this item" adds a linked correction instead."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from screens.checklists.popups import AnswerPopup, SignOffPopup
from screens.widgets import cjk_wrap
from screens.widgets.base import TablesideScreen
from screens.widgets.refreshing import Refreshing
from screens.widgets.table_look import person_name
from screens.widgets.theme import TYPE
from services.checklists.runs import (
    CorrectItem,
    Result,
    TickItem,
    correct_item,
    tick_item,
)
from services.checklists.sign_off import SignOff, sign_off_run
from services.checklists.views import RunItemView, RunView, run_view
from services.errors import Conflict, DomainError
from services.service_day import local_time_text

_ = cjk_wrap  # imported for its Factory registration (WrappedLabel), used by run.kv

POLL_SECONDS = 3


class RunItemRow(ButtonBehavior, BoxLayout):
    """An item in the list on the left: its number, its words, and its answer in words."""

    number = StringProperty("")
    text = StringProperty("")
    answer = StringProperty("")
    result = StringProperty("")
    selected = BooleanProperty(False)


class ChecklistRunScreen(Refreshing, TablesideScreen):
    refresh_seconds = POLL_SECONDS
    run_id = NumericProperty(0)
    position = NumericProperty(1)
    signed = BooleanProperty(False)
    title_text = StringProperty("")
    progress_text = StringProperty("")
    item_header = StringProperty("")
    item_text = StringProperty("")
    answer_text = StringProperty("")
    status_text = StringProperty("")

    run: RunView | None = None
    _scrolled_to = 0
    _rows_of = 0  # the run the rows in the list were made for

    # -- loading ----------------------------------------------------------------------------

    def show_run(self, run_id: int) -> None:
        self.run_id = run_id
        self._scrolled_to = 0  # another run: its current item is brought into view afresh
        self.clear_message()
        self.reload()
        if self.run is not None:
            first = self.run.next_unticked()
            self.position = first.position if first else 1
            self._draw()

    def on_pre_enter(self, *_args: Any) -> None:
        if self.run_id:
            self.reload()

    def on_enter(self, *_args: Any) -> None:
        # Another supervisor may tick the same run on another tablet: show it within seconds.
        self.start_refreshing()
        # Laid out only now that the screen is shown: open the list at the current item.
        Clock.schedule_once(self._keep_current_in_view)

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def refresh(self) -> None:
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        try:
            self.run = run_view(self.app.store, self.run_id)
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    @property
    def item(self) -> RunItemView | None:
        if self.run is None or not self.run.items:
            return None
        index = min(max(int(self.position), 1), len(self.run.items)) - 1
        return self.run.items[index]

    # -- drawing ----------------------------------------------------------------------------

    def _time(self, moment: Any) -> str:
        return local_time_text(moment, self.app.restaurant.zone)

    def _answer_word(self, item: RunItemView) -> str:
        tr = self.app.localizer._
        if item.result == Result.PASS.value:
            return tr("Pass")
        if item.result == Result.NOT_APPLICABLE.value:
            return tr("Not applicable")
        if item.result == Result.FAIL.value:
            if item.fail_action == "fixed":
                return tr("Fail, fixed on the spot")
            if item.escalation_open:
                return tr("Fail, waiting for the manager")
            return tr("Fail, resolved by the manager")
        return tr("Not answered")

    def _draw(self) -> None:
        run, item = self.run, self.item
        if run is None or item is None:
            return
        loc = self.app.localizer
        tr = loc._
        self.signed = run.signed
        self.title_text = tr(
            "{checklist} · {service} {date}",
            checklist=loc.pick(run.title_en, run.title_zh),
            service=loc.pick(run.service_name_en, run.service_name_zh),
            date=run.service_date.isoformat(),
        )
        self.progress_text = tr("{done} of {total} answered", done=run.done, total=run.total)
        area = loc.pick(item.area_en, item.area_zh)
        if item.critical:
            self.item_header = tr(
                "Item {position} of {total} · {area} · critical",
                position=item.position,
                total=run.total,
                area=area,
            )
        else:
            self.item_header = tr(
                "Item {position} of {total} · {area}",
                position=item.position,
                total=run.total,
                area=area,
            )
        # Markup only for the smaller source line; the item's own words are escaped.
        words = _escape(loc.pick(item.text_en, item.text_zh))
        self.item_text = (
            f"{words}\n[size={TYPE.body}][color=b3b8c2]{_escape(item.source)}[/color][/size]"
        )
        self.answer_text = self._answer_details(item)
        if run.signed:
            self.status_text = tr(
                "Signed off by {name} at {time}. Read-only: a mistake is corrected, never erased.",
                name=person_name(run.signed_by),
                time=self._time(run.signed_at),
            )
        elif run.open_critical:
            self.status_text = tr(
                "Critical item {items} is waiting for the manager: sign-off is blocked.",
                items=", ".join(str(i.position) for i in run.open_critical),
            )
        else:
            self.status_text = ""
        self._draw_list(run)

    def _answer_details(self, item: RunItemView) -> str:
        tr = self.app.localizer._
        if item.result is None:
            return tr("Not answered yet.")
        lines = [
            tr(
                "{answer} · {name} at {time}",
                answer=self._answer_word(item),
                name=person_name(item.ticked_by),
                time=self._time(item.ticked_at),
            )
        ]
        if item.note:
            lines.append(tr("Note: {note}", note=item.note))
        if item.photo:
            lines.append(tr("Photo: {file}", file=item.photo))
        if item.resolved_by:
            lines.append(
                tr(
                    "Resolved by {name}: {note}",
                    name=person_name(item.resolved_by),
                    note=item.resolution_note,
                )
            )
        if item.correction:
            lines.append(tr("Corrected after sign-off: {reason}", reason=item.correction_reason))
        return "\n".join(lines)

    def _draw_list(self, run: RunView) -> None:
        box = self.ids.item_list
        rows: list[RunItemRow] = list(reversed(box.children))  # Kivy keeps them newest first
        if self._rows_of != run.id or len(rows) != len(run.items):
            # Another run (or its items changed): new rows. A tick, a reload every few
            # seconds or a move down the list only changes what the rows say, so the rows
            # (16-40 of them, each a dozen widgets) are not built again each time.
            box.clear_widgets()
            rows = []
            for item in run.items:
                row = RunItemRow()
                row.bind(on_release=lambda _r, p=item.position: self.select(p))
                box.add_widget(row)
                rows.append(row)
            self._rows_of = run.id
        loc = self.app.localizer
        selected: RunItemRow | None = None
        for row, item in zip(rows, run.items, strict=True):
            row.number = str(item.position)
            row.text = loc.pick(item.text_en, item.text_zh)
            row.answer = self._answer_word(item)
            row.result = item.result or ""
            row.selected = item.position == self.position
            if row.selected:
                selected = row
        if selected is not None and self._scrolled_to != self.position:
            # Keep the item being answered in view as the supervisor moves down the list
            # (only when it changes, so a background reload never yanks the list away).
            self._scrolled_to = int(self.position)
            Clock.schedule_once(self._keep_current_in_view)

    def _keep_current_in_view(self, *_args: Any) -> None:
        """Scroll the list so the current item shows; the row is looked up now, since a
        reload may have drawn the list again since this was asked for."""
        box, view = self.ids.item_list, self.ids.item_scroll
        row = next((r for r in box.children if getattr(r, "selected", False)), None)
        if row is None:
            return
        box.do_layout()  # rows placed now, not at the next frame, so the scroll is right
        if box.height <= view.height:
            view.scroll_y = 1
            return
        view.scroll_to(row, padding=dp(12), animate=False)

    # -- moving around ----------------------------------------------------------------------

    def select(self, position: int) -> None:
        self.position = position
        self.clear_message()
        self._draw()

    def go(self, step: int) -> None:
        if self.run is not None:
            self.select(min(max(int(self.position) + step, 1), self.run.total))

    def _advance(self) -> None:
        run = self.run
        if run is None:
            return
        following = run.next_unticked(after=int(self.position))
        if following is None:
            self._draw()
            self.say("Every item is answered: sign off when ready.")
            return
        self.select(following.position)

    # -- answering --------------------------------------------------------------------------

    def _failed(self, error: DomainError) -> DomainError:
        if isinstance(error, Conflict):
            self.reload()
        self.fail(error)
        return error

    def answer(self, result: str) -> None:
        item = self.item
        if item is None:
            return
        if result == Result.FAIL.value:
            self._ask(correction=False)
            return
        command = TickItem(run_id=self.run_id, item_id=item.id, result=Result(result))
        try:
            self.run = tick_item(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self._failed(error)
            return
        self.clear_message()
        self._advance()

    def correct(self) -> None:
        self._ask(correction=True)

    def _ask(self, *, correction: bool) -> None:
        item = self.item
        if item is None:
            return
        loc = self.app.localizer
        popup = AnswerPopup(
            self._save_answer,
            correction=correction,
            item_text=f"{item.position}. {loc.pick(item.text_en, item.text_zh)}",
            needs_photo=item.photo_on_fail,
            result=Result.FAIL.value,
        )
        popup.open()

    def _save_answer(self, popup: AnswerPopup) -> DomainError | None:
        item = self.item
        if item is None:
            return None
        result, action, photo = popup.answer()
        note = popup.ids.note.text
        user = self.app.user.staff_id
        try:
            if popup.correction:
                command = CorrectItem(
                    run_id=self.run_id,
                    item_id=item.id,
                    result=result,
                    note=note,
                    fail_action=action,
                    photo=photo,
                    reason=popup.ids.reason.text,
                )
                self.run = correct_item(self.app.store, user, command)
            else:
                tick = TickItem(
                    run_id=self.run_id,
                    item_id=item.id,
                    result=result,
                    note=note,
                    fail_action=action,
                    photo=photo,
                )
                self.run = tick_item(self.app.store, user, tick)
        except DomainError as error:
            if isinstance(error, Conflict):
                self.reload()
            return error
        if popup.correction:
            self._draw()
            self.say("The correction was added; the signed answer stays on record.")
        else:
            self.clear_message()
            self._advance()
        return None

    # -- signing off ------------------------------------------------------------------------

    def ask_sign_off(self) -> None:
        SignOffPopup(self._sign).open()

    def _sign(self, pin: str) -> DomainError | None:
        try:
            self.run = sign_off_run(
                self.app.store, self.app.user.staff_id, SignOff(run_id=self.run_id, pin=pin)
            )
        except DomainError as error:
            if isinstance(error, Conflict):
                self.reload()
            return error
        self._draw()
        self.say("The checklist was signed off.")
        return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
