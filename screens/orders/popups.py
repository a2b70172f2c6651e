"""The order screen's dialogs: choosing a dish's sauces and other choices (第6条 ⑩), changing a
new line, looking at a sent one, and voiding it with a manager's PIN (第7条 ⑤). Their kv
rules are in order.kv. Each dialog hands what was chosen to the screen, which calls the
service; a refusal comes back as a DomainError and is shown in the dialog itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.popup import Popup
from kivy.uix.togglebutton import ToggleButton

from screens.orders.text import line_text, money_text, pick, seat_word, shown, tr
from screens.widgets import stepper
from screens.widgets.bilingual import error_text
from screens.widgets.choice_list import Choice
from screens.widgets.showable import Showable
from services.errors import DomainError
from services.menu.catalog import MenuItemView, ModifierGroupView
from services.orders.views import CourseChoice, LineView
from services.orders.voids import REASON_WORDS, VoidReason, reason_words

Answer = Callable[..., DomainError | None]

# The kitchen note stands out in amber, bold, as large as the dish (issue 12: it was lost in
# small type between the choices and the allergens).
NOTE_INK = "ffd24d"


def line_parts(line: LineView, loc: Any, place: bool = True) -> tuple[str, str, str]:
    """(the line in large type, its facts, its kitchen note) as Kivy markup: the note apart
    from the facts so that every screen can make it prominent, and a listed void reason in
    the reader's language only."""
    reason = loc.pick(*reason_words(line.void_reason)) if line.void_reason else ""
    quiet = line.model_copy(update={"note": "", "void_reason": reason})
    main, facts = line_text(quiet, loc, place=place)
    note = ""
    if line.note:
        note = tr("KITCHEN NOTE: {note}", note=shown(line.note))
        note = f"[b][color={NOTE_INK}]{note}[/color][/b]"
        note = f"[s]{note}[/s]" if line.voided else note
    return main, facts, note


def line_status(line: LineView, zone: ZoneInfo) -> tuple[str, str]:
    """(new, sent or voided; the words for it) of a line on the order."""
    if line.voided:
        return "voided", tr("VOIDED")
    if line.sent and line.sent_at is not None:
        at = line.sent_at.astimezone(zone).strftime("%H:%M")
        return "sent", tr("Sent #{number} {time}", number=line.send_number, time=at)
    return "new", tr("NEW · not sent")


class KitchenNote(Showable, Label):
    """The kitchen note in a dialog, in a band of its own; no height when there is none."""


class ChoiceButton(ToggleButton):
    choice_id = NumericProperty(0)


class ChoicesBox(BoxLayout):
    """A dish's choice groups: one row each, "required" where a choice must be made; a group
    of one choice behaves like radio buttons, a group of several like check boxes."""

    def __init__(self, groups: tuple[ModifierGroupView, ...], chosen: set[int], **kwargs: Any):
        super().__init__(orientation="vertical", spacing=dp(6), size_hint_y=None, **kwargs)
        self.bind(minimum_height=self.setter("height"))
        self.buttons: list[ChoiceButton] = []
        for group in groups:
            name = pick(group.name_en, group.name_zh)
            if group.required:
                heading = tr("{group} (required)", group=name)
            elif group.max_choices > 1:
                heading = tr("{group} (up to {count})", group=name, count=group.max_choices)
            else:
                heading = tr("{group} (if wanted)", group=name)
            self.add_widget(ChoiceHeading(text=heading, required=group.required))
            row = BoxLayout(size_hint_y=None, height=dp(64), spacing=dp(8))
            for modifier in group.modifiers:
                label = pick(modifier.name_en, modifier.name_zh)
                if modifier.price_delta_minor:
                    label += f" +{money_text(modifier.price_delta_minor)}"
                button = ChoiceButton(
                    text=label,
                    choice_id=modifier.id,
                    group=f"choice-{group.id}" if group.max_choices == 1 else None,
                    state="down" if modifier.id in chosen else "normal",
                )
                self.buttons.append(button)
                row.add_widget(button)
            self.add_widget(row)

    def chosen(self) -> list[int]:
        return [int(b.choice_id) for b in self.buttons if b.state == "down"]


class ChoiceHeading(Label):
    required = BooleanProperty(False)


class ChoicesPopup(Popup):
    """Asked when a tapped dish has choices: nothing is added until they are made."""

    message = StringProperty("")
    dish = StringProperty("")

    def __init__(self, item: MenuItemView, add: Answer, **kwargs: Any) -> None:
        self._add = add
        super().__init__(**kwargs)
        self.dish = pick(item.name_en, item.name_zh)
        self.box = ChoicesBox(item.modifier_groups, set())
        self.ids.choices.add_widget(self.box)

    def confirm(self) -> None:
        error = self._add(self.box.chosen())
        if error is None:
            self.dismiss()
        else:
            self.message = error_text(error)  # its dish and choice names in one language


class LinePopup(Popup):
    """A line tapped on the order. New: change quantity, seat, course, choices and note, or
    remove it. Sent: its facts, and "Void". Voided: its facts, struck through."""

    message = StringProperty("")
    heading = StringProperty("")
    facts = StringProperty("")
    note_text = StringProperty("")
    quantity = NumericProperty(1)
    editable = BooleanProperty(True)
    can_void = BooleanProperty(False)

    def __init__(
        self,
        line: LineView,
        item: MenuItemView | None,
        guests: int,
        courses: list[CourseChoice],
        facts: str,
        save: Answer,
        remove: Answer,
        void: Callable[[LineView], None],
        **kwargs: Any,
    ) -> None:
        self.line = line
        self._save, self._remove, self._void = save, remove, void
        super().__init__(**kwargs)
        self.heading = pick(line.name_en, line.name_zh)
        self.facts = facts
        # A new line's note is in the box below, to change; a sent one's stands out here.
        self.note_text = line_parts(line, App.get_running_app().localizer)[2] if line.sent else ""
        self.quantity = line.quantity
        self.editable = not line.sent
        self.can_void = line.sent and not line.voided
        stepper.lift_ids(self)
        self.choices: ChoicesBox | None = None
        if not self.editable:
            return
        seats = [Choice(seat, seat_word(seat)) for seat in [None, *range(1, guests + 1)]]
        self.ids.seats.show(seats, selected=line.seat)
        self.ids.courses.show(
            [Choice(c.id, pick(c.name_en, c.name_zh)) for c in courses], selected=line.course_id
        )
        if item is not None and item.modifier_groups:
            self.choices = ChoicesBox(item.modifier_groups, {m.id for m in line.modifiers})
            self.ids.choices.add_widget(self.choices)
        self.ids.note.text = line.note

    def step(self, by: int) -> None:
        self.quantity = max(1, int(self.quantity) + by)

    def seat(self) -> int | None:
        seat: int | None = self.ids.seats.chosen(self.line.seat)
        return seat

    def course_id(self) -> int:
        return int(self.ids.courses.chosen(self.line.course_id))

    def chosen(self) -> list[int]:
        return self.choices.chosen() if self.choices else [m.id for m in self.line.modifiers]

    def _answer(self, error: DomainError | None) -> None:
        if error is None:
            self.dismiss()
        else:
            self.message = error_text(error)  # its dish and choice names in one language

    def save(self) -> None:
        self._answer(self._save(self))

    def remove(self) -> None:
        self._answer(self._remove(self.line))

    def void(self) -> None:
        self.dismiss()
        self._void(self.line)


class VoidPopup(Popup):
    """Why, and the manager's own PIN, entered here and now (第7条 ⑤: struck through and
    signed). The waiter and the manager are both recorded."""

    message = StringProperty("")
    heading = StringProperty("")
    note_text = StringProperty("")
    reason = StringProperty("")

    def __init__(self, line: LineView, void: Answer, **kwargs: Any) -> None:
        self.line = line
        self._void = void
        super().__init__(**kwargs)
        self.heading = f"{line.quantity} × {pick(line.name_en, line.name_zh)}"
        self.note_text = line_parts(line, App.get_running_app().localizer)[2]
        reasons = [
            Choice(reason.value, pick(*REASON_WORDS[reason]), f"reason_{reason.value}")
            for reason in VoidReason
        ]
        self.ids.reasons.show(reasons, ids=self.ids)

    def confirm(self) -> None:
        pad = self.ids.pad
        pin, pad.pin = pad.pin, ""
        reason = VoidReason(self.reason) if self.reason else None
        error = self._void(self.line, reason, self.ids.words.text, pin)
        if error is None:
            self.dismiss()
        else:
            self.message = error_text(error)  # its dish and choice names in one language
