"""The read-back (第7条 ④: 点菜完毕后向客人重述其所点的菜): the new part of the order in large
type, by course and seat, for the waiter to read to the guests. Only "Confirmed — send"
sends it; "Rush" tells the kitchen the guests are in a hurry (第8条).

The send's id is made when the read-back opens and kept until it is sent, so a double tap
or a retry after an error sends once.
"""

from __future__ import annotations

import uuid
from typing import Any

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.orders.popups import line_parts
from screens.orders.text import ORDER_HEADER, escape, money_text, seat_word
from screens.serving import fire_now
from screens.widgets.base import TablesideScreen
from screens.widgets.bilingual import Both
from screens.widgets.table_look import person_name
from screens.widgets.theme import TYPE
from services.errors import Conflict, DomainError
from services.i18n import Plural
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.views import OrderView
from services.printing.printers import STATIONS


class ReadBackHeading(Label):
    """A course, in the order the dishes go out (第8条)."""


class ReadBackRow(BoxLayout):
    """A line as it is read out: the seat (on its first line only), the dish in large type."""

    seat_text = StringProperty("")
    text = StringProperty("")


class ReadBackScreen(TablesideScreen):
    rush = BooleanProperty(False)
    header_text = StringProperty("")
    summary_text = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.order: OrderView | None = None
        self.client_send_id = ""

    def show(self, order: OrderView) -> None:
        self.order = order
        self.client_send_id = str(uuid.uuid4())
        self.rush = False
        self.fire_now: set[int] = set()  # later courses the waiter fires with this send
        self.clear_message()

    def on_pre_enter(self, *_args: Any) -> None:
        self._draw()

    def on_language(self) -> None:
        self._draw()

    def _draw(self) -> None:
        order = self.order
        if order is None:
            return
        loc, tr = self.app.localizer, self.app.localizer._
        self.header_text = tr(
            ORDER_HEADER,
            table=order.table_label,
            guests=order.guests,
            waiter=f"{person_name(order.waiter_name)} ({order.waiter_number})",
            date=order.order_date.isoformat(),
        )
        self.summary_text = tr(
            Plural("{count} new line · {amount}", "{count} new lines · {amount}", "count"),
            count=len(order.new_lines),
            amount=money_text(order.new_total_minor),
        )
        box = self.ids.groups
        box.clear_widgets()
        held = fire_now.held_after_send(self, order)
        for course in order.read_back():
            name = loc.pick(course.course_name_en, course.course_name_zh)
            box.add_widget(ReadBackHeading(text=escape(name)))
            if toggle := fire_now.toggle_for(course, held, loc, self.fire_now):
                box.add_widget(toggle)
            for seat in course.seats:
                for n, line in enumerate(seat.lines):
                    main, facts, note = line_parts(line, loc, place=False)
                    text = f"{main}\n[size={TYPE.body}]{facts}[/size]" if facts else main
                    text += f"\n[size={TYPE.title}]{note}[/size]" if note else ""
                    who = seat_word(seat.seat) if n == 0 else ""
                    box.add_widget(ReadBackRow(seat_text=who, text=text))

    def toggle_rush(self) -> None:
        self.rush = not self.rush

    def back(self) -> None:
        self.app.open_screen("order")

    def send(self) -> None:
        order = self.order
        if order is None:
            return
        order_screen = self.app.root.get_screen("order")
        try:
            command = SendOrder(
                client_send_id=self.client_send_id,
                party_id=order.party_id,
                lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in order.new_lines),
                rush=self.rush,
                fire_now=tuple(sorted(self.fire_now)),
            )
            sent = send_order(self.app.store, self.app.user.staff_id, command)
        except Conflict as error:
            # What was read back is not what the order holds now: read it again.
            order_screen.fail(error)
            self.app.open_screen("order")
            return
        except DomainError as error:
            self.fail(error)
            return
        self.order = None
        if self.app.print_spooler is None:
            # This tablet prints nothing: the tickets only queue (the print queue shows them).
            sentence = (
                Plural(
                    "Sent as RUSH: order {ref}, {count} line. No printer is set up on this "
                    "tablet: the tickets for {stations} wait in the print queue.",
                    "Sent as RUSH: order {ref}, {count} lines. No printer is set up on this "
                    "tablet: the tickets for {stations} wait in the print queue.",
                    "count",
                )
                if sent.rush
                else Plural(
                    "Sent: order {ref}, {count} line. No printer is set up on this tablet: "
                    "the tickets for {stations} wait in the print queue.",
                    "Sent: order {ref}, {count} lines. No printer is set up on this tablet: "
                    "the tickets for {stations} wait in the print queue.",
                    "count",
                )
            )
        elif sent.rush:
            sentence = Plural(
                "Sent as RUSH: order {ref}, {count} line, to {stations}.",
                "Sent as RUSH: order {ref}, {count} lines, to {stations}.",
                "count",
            )
        else:
            sentence = Plural(
                "Sent: order {ref}, {count} line, to {stations}.",
                "Sent: order {ref}, {count} lines, to {stations}.",
                "count",
            )
        order_screen.say(
            sentence,
            ref=sent.order_ref,
            count=len(sent.line_ids),
            stations=self._stations(sent.print_jobs),
        )
        self.app.open_screen("order")

    def _stations(self, jobs: dict[str, int]) -> Both:
        """The stations in the reader's language, even after it changes (issue 12:
        "发往Cashier's desk, Cold kitchen的单据")."""
        names = [STATIONS.get(s, (s, s)) for s in jobs]
        return Both(", ".join(en for en, _ in names), "、".join(zh for _, zh in names))
