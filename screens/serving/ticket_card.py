"""One kitchen ticket as the cooks read it at arm's length (第8条): the table in large type,
its age turning amber then red, a RUSH band saying who asked, the items with seats,
choices, allergens and HOT marks, and the kitchen's NOTE on yellow, since a note is what
the kitchen must not miss. Tapping an item bumps it ready; the button under the items
bumps the whole ticket. Colours always come with words (a colour-blind cook reads "LATE").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.orders.text import allergen_words, escape, shown
from screens.widgets import table_look
from screens.widgets.theme import TYPE
from services.serving.kitchen import KitchenItem, KitchenTicket

Colour = tuple[float, float, float, float]

# The head of a ticket by its age (the station's thresholds decide the level).
AGE_FILL: dict[str, Colour] = {
    "ok": (0.24, 0.27, 0.33, 1),
    "amber": (0.96, 0.66, 0.10, 1),
    "red": (0.80, 0.14, 0.12, 1),
}
AGE_INK: dict[str, Colour] = {
    "ok": table_look.LIGHT_TEXT,
    "amber": table_look.DARK_TEXT,
    "red": table_look.LIGHT_TEXT,
}
HOT_MARK = "ff8a3d"
ALLERGY_MARK = "ff8c80"
READY_MARK = "8fe39a"


def age_text(ticket: KitchenTicket, tr: Callable[..., str]) -> str:
    """Minutes since it was fired, and under them the level in words (markup)."""
    minutes = tr("{minutes} min", minutes=max(0, ticket.age_seconds // 60))
    if ticket.age_level == "red":
        late = escape(tr("LATE"))
        return f"{minutes}\n[size={TYPE.caption}]{late}[/size]"
    if ticket.age_level == "amber":
        slow = escape(tr("slow"))
        return f"{minutes}\n[size={TYPE.caption}]{slow}[/size]"
    return minutes


class Wrapped(Label):
    """A label as tall as its wrapped text: a ticket grows with what is on it."""

    fill = ListProperty([0, 0, 0, 0])
    extra = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", True)
        kwargs.setdefault("halign", "left")
        kwargs.setdefault("valign", "middle")
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self.bind(width=self._wrap, texture_size=self._grow)
        self._wrap()

    def _wrap(self, *_args: Any) -> None:
        self.text_size = (max(1, self.width - dp(12)), None)

    def _grow(self, *_args: Any) -> None:
        self.height = self.texture_size[1] + self.extra

    def fit(self, width: float) -> float:
        """Lay the text out for this width now, and give the height it needs (the kitchen
        screen places tickets in columns by their heights before the next frame)."""
        self.width = width
        self._wrap()
        self.texture_update()
        self._grow()
        return float(self.height)


class TicketHead(BoxLayout):
    fill = ListProperty(list(AGE_FILL["ok"]))


class TicketItemRow(ButtonBehavior, BoxLayout):
    """An item; a tap bumps it ready (a ready or voided one has nothing left to bump)."""

    line_id = NumericProperty(0)
    ready = BooleanProperty(False)
    voided = BooleanProperty(False)

    def add_line(self, count: str, name: str) -> None:
        """The first line: the count in its own column, the dish beside it."""
        line = BoxLayout(size_hint_y=None, spacing=dp(4))
        self.count_label = Label(
            text=count,
            markup=True,
            font_size=TYPE.heading,
            size_hint=(None, None),
            size=(dp(44), dp(32)),
            text_size=(dp(44), dp(32)),
            pos_hint={"top": 1},
            halign="right",
            valign="top",
        )
        self.name_label = Wrapped(
            text=name, font_size=TYPE.label, extra=dp(4), valign="top", pos_hint={"top": 1}
        )
        self.name_label.bind(height=lambda *_a: self._line_height())
        line.add_widget(self.count_label)
        line.add_widget(self.name_label)
        self.first_line = line
        self.add_widget(line)

    def _line_height(self) -> None:
        self.first_line.height = max(self.count_label.height, self.name_label.height)

    def measure(self, width: float) -> float:
        inner = width - dp(4)
        self.name_label.fit(inner - dp(48))
        self._line_height()
        total = dp(4)
        for child in self.children:
            total += child.fit(inner) if isinstance(child, Wrapped) else child.height
        self.width = width
        self.height = total
        return total


class TicketCard(BoxLayout):
    ticket_id = NumericProperty(0)
    rush = BooleanProperty(False)
    level = StringProperty("ok")

    def __init__(
        self,
        ticket: KitchenTicket,
        loc: Any,
        bump_item: Callable[[KitchenTicket, KitchenItem], None],
        bump_ticket: Callable[[KitchenTicket], None],
        place: int,
    ) -> None:
        super().__init__(ticket_id=ticket.id, rush=ticket.rush, level=ticket.age_level)
        tr = loc._
        self.ticket = ticket
        head = TicketHead(fill=list(AGE_FILL[ticket.age_level]))
        ink = AGE_INK[ticket.age_level]
        table = tr("Table {table}", table=ticket.table_label)
        self.table_label = Label(
            text=f"[b]{escape(table)}[/b]",
            markup=True,
            font_size=TYPE.heading,
            color=ink,
            halign="left",
            valign="middle",
            shorten=True,
        )
        self.table_label.bind(size=lambda w, s: setattr(w, "text_size", (s[0] - dp(8), s[1])))
        self.age_label = Label(
            text=age_text(ticket, tr),
            markup=True,
            font_size=TYPE.title,
            bold=True,
            color=ink,
            size_hint_x=None,
            width=dp(96),
            halign="right",
        )
        self.age_label.bind(width=lambda w, v: setattr(w, "text_size", (v, None)))
        head.add_widget(self.table_label)
        head.add_widget(self.age_label)
        self.head = head
        self.add_widget(head)
        if ticket.rush:
            # Who asked: a person's name as stored, or the words typed, never cut short.
            who = table_look.person_name(ticket.rush_by)
            words = tr("RUSH · asked by {who}", who=who) if who else tr("RUSH")
            self.add_widget(
                Wrapped(
                    text=f"[b]{shown(words)}[/b]",
                    font_size=TYPE.body,
                    fill=[0.80, 0.10, 0.10, 1],
                    extra=dp(8),
                )
            )
        self.add_widget(
            Wrapped(text=self._facts(ticket, loc, place), font_size=TYPE.caption, extra=dp(2))
        )
        if ticket.moved_from:
            moved = tr("Moved from table {table}", table=ticket.moved_from)
            self.add_widget(
                Wrapped(text=f"[b][color=ffc83d]{escape(moved)}[/color][/b]", font_size=TYPE.body)
            )
        for item in ticket.items:
            row = self._item_row(item, loc)
            row.bind(on_release=lambda _r, it=item: bump_item(ticket, it))
            self.add_widget(row)
        open_items = [i for i in ticket.items if not i.voided and not i.ready]
        button = _bump_button(tr, bool(open_items))
        button.bind(on_release=lambda _b: bump_ticket(ticket))
        self.bump_button = button
        self.add_widget(button)

    def show_age(self, ticket: KitchenTicket, tr: Callable[..., str]) -> None:
        """The ticket grew older: its minutes and colour, without building it again."""
        self.ticket = ticket
        self.level = ticket.age_level
        self.head.fill = list(AGE_FILL[ticket.age_level])
        ink = AGE_INK[ticket.age_level]
        self.age_label.text = age_text(ticket, tr)
        for label in (self.age_label, self.table_label):
            label.color = ink

    def measure(self, width: float) -> float:
        """The height this ticket needs at this width, laid out now."""
        inner = width - dp(8)
        total = dp(8) + dp(4) * (len(self.children) - 1)
        for child in self.children:
            if isinstance(child, Wrapped):
                total += child.fit(inner)
            elif isinstance(child, TicketItemRow):
                total += child.measure(inner)
            else:
                total += child.height
        self.width = width
        self.height = total
        return total

    @staticmethod
    def _facts(ticket: KitchenTicket, loc: Any, place: int) -> str:
        """Its place in the queue, the course, the order and who sent it."""
        tr = loc._
        course = loc.pick(ticket.course_name_en, ticket.course_name_zh)
        sender = table_look.person_name(ticket.sent_by)
        line = tr(
            "#{place} · {course} · order {ref} · {who}",
            place=place,
            course=course,
            ref=ticket.order_ref,
            who=sender,
        )
        return f"[color=c8ccd4]{escape(line)}[/color]"

    def _item_row(self, item: KitchenItem, loc: Any) -> TicketItemRow:
        tr = loc._
        row = TicketItemRow(line_id=item.line_id, ready=item.ready, voided=item.voided)
        name = escape(loc.pick(item.name_en, item.name_zh))
        if item.seat is not None:
            seat = escape(tr("Seat {seat}", seat=item.seat))
            name += f"  [size={TYPE.caption}]{seat}[/size]"
        if item.hot and not item.voided:
            hot = escape(tr("HOT"))
            name += f"  [b][color={HOT_MARK}]{hot}[/color][/b]"
        if item.voided:
            void = escape(tr("VOID"))
            name = f"[s]{name}[/s]  [b][color={ALLERGY_MARK}]{void}[/color][/b]"
        elif item.ready:
            ready = escape(tr("READY"))
            name = f"[b][color={READY_MARK}]{ready}[/color][/b]  [s]{name}[/s]"
        # More than one portion is what a cook misses: the count stands apart, in yellow.
        many = "ffd23d" if item.quantity > 1 else "ffffff"
        row.add_line(f"[b][color={many}]{item.quantity}×[/color][/b]", f"[b]{name}[/b]")
        facts = [shown(loc.pick(en, zh)) for en, zh in item.choice_names]
        if item.allergens:
            words = tr("Allergens: {list}", list=allergen_words(item.allergens, loc))
            facts.append(f"[b][color={ALLERGY_MARK}]{escape(words)}[/color][/b]")
        if facts:
            text = " · ".join(facts)
            row.add_widget(
                Wrapped(text=f"[s]{text}[/s]" if item.voided else text, font_size=TYPE.caption)
            )
        if item.note:
            # The template has no markup in it; the typed words are escaped by shown().
            note = tr("NOTE: {note}", note=shown(item.note))
            row.add_widget(
                Wrapped(
                    text=f"[b]{note}[/b]",
                    font_size=TYPE.label,
                    color=table_look.DARK_TEXT,
                    fill=[1.0, 0.86, 0.25, 1],
                    extra=dp(8),
                )
            )
        return row


def _bump_button(tr: Callable[..., str], open_items: bool) -> Any:
    from kivy.factory import Factory

    text = tr("Bump: all ready") if open_items else tr("Bump: take off the board")
    button = Factory.PrimaryButton(text=text, font_size=TYPE.label, size_hint_y=None, height=dp(46))
    return button
