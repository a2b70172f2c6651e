"""Greeting at the door (第5条 ①): how many guests, children and a high chair; the tables that
fit, best first; one tap seats the party and gives it to the section's waiter. When nothing
fits, the waitlist, served strictly in order of arrival (第6条 ⑥)."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.popup import Popup

from screens.widgets import built_ids, table_look, theme
from screens.widgets.base import TablesideScreen
from screens.widgets.bilingual import Both
from screens.widgets.choice_list import Choice
from screens.widgets.refreshing import Refreshing
from screens.widgets.table_look import plain
from screens.widgets.theme import TYPE
from services.checklists.gate import GateStatus, seating_gate_status
from services.errors import Conflict, DomainError
from services.floor.guest_input import MAX_PARTY_SIZE, PartyDetails
from services.floor.seating import SeatParty, seat_party
from services.floor.waitlist import (
    LeaveWaitlist,
    Proposals,
    TableOffer,
    WaitingParty,
    add_to_waitlist,
    leave_waitlist,
    propose_tables,
    waitlist,
)
from services.i18n import Plural
from services.service_day import utcnow

REFRESH_SECONDS = 5
SIZE_BUTTONS = 12
SHOWN_PROPOSALS = 6


class GreetingScreen(Refreshing, TablesideScreen):
    refresh_seconds = REFRESH_SECONDS
    guests = NumericProperty(0)  # 0: not asked yet
    child_guests = NumericProperty(0)
    high_chair = BooleanProperty(False)
    nobody_waiting = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.proposals: Proposals | None = None
        self.line: list[WaitingParty] = []
        self.gate: GateStatus | None = None

    # -- coming and going --------------------------------------------------------------------

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.start_over()
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def start_over(self) -> None:
        self.guests = 0
        self.child_guests = 0
        self.high_chair = False
        self.ids.name_input.text = ""
        self.ids.note_input.text = ""
        self.refresh()

    def on_language(self) -> None:
        self._draw_sizes()
        self._draw_proposals()
        self._draw_line()

    def refresh(self, *_args: Any) -> None:
        store = self.app.store
        try:
            self.proposals = propose_tables(store, int(self.guests)) if self.guests else None
            self.line = waitlist(store)
            self.gate = seating_gate_status(store)
        except DomainError as error:
            self.fail(error)
        self._draw_sizes()
        self._draw_proposals()
        self._draw_line()

    # -- the party ---------------------------------------------------------------------------

    def _draw_sizes(self) -> None:
        sizes = [Choice(n, str(n), f"size_{n}") for n in range(1, SIZE_BUTTONS + 1)]
        self.ids.sizes.show(sizes, selected=int(self.guests), ids=self.ids)

    def choose_size(self, size: int) -> None:
        self.guests = max(0, min(size, MAX_PARTY_SIZE))
        self.child_guests = min(self.child_guests, self.guests)
        self.clear_message()
        self.refresh()

    def step_size(self, step: int) -> None:
        self.choose_size(int(self.guests) + step)

    def step_children(self, step: int) -> None:
        self.child_guests = max(0, min(int(self.child_guests) + step, max(int(self.guests), 0)))
        if self.child_guests and not self.high_chair:
            self.high_chair = True  # 第6条 16: offer a high chair whenever children come

    def _details(self) -> PartyDetails:
        return PartyDetails(
            size=int(self.guests),
            children=int(self.child_guests),
            high_chair=bool(self.high_chair),
            name=self.ids.name_input.text,
            note=self.ids.note_input.text,
        )

    # -- tables that fit ---------------------------------------------------------------------

    def _draw_proposals(self) -> None:
        box = self.ids.proposals
        box.clear_widgets()
        built_ids.forget(self.ids, "proposal_")
        tr, loc = self.app.localizer._, self.app.localizer
        proposals = self.proposals
        if proposals is None:
            box.add_widget(Hint(text=tr("Ask how many guests, then tap the number.")))
            return
        if proposals.no_waiters:
            box.add_widget(
                Hint(text=tr("No waiter has a section this service: ask the supervisor."))
            )
            return
        offers = [*proposals.tables, *proposals.joined]
        closed = self.gate is not None and not self.gate.open
        if closed:
            # Said before any tap (第3条: no seating before the inspection is signed): the
            # tables that would fit are shown, but cannot be tapped until seating opens.
            box.add_widget(Hint(text=self._gate_text(), color=theme.ERROR))
        if not offers:
            box.add_widget(
                Hint(
                    text=tr(
                        "Nothing free fits a party of {size}: add them to the waitlist.",
                        size=proposals.size,
                    )
                )
            )
            return
        for i, offer in enumerate(offers[:SHOWN_PROPOSALS]):
            title = tr("Table {tables}", tables=offer.number)
            seats = tr(Plural("{seats} seat", "{seats} seats", "seats"), seats=offer.seats)
            where = loc.pick(offer.section_en, offer.section_zh)
            waiter = table_look.person_name(offer.waiter_name)  # "张伟 Zhang Wei" everywhere
            load = tr(
                Plural("{count} guest now", "{count} guests now", "count"),
                count=offer.waiter_covers,
            )
            button = Factory.PrimaryButton if i == 0 and not closed else Button
            widget = button(
                text=f"[b]{title}[/b]  ·  {seats}\n" + plain(f"{where} · {waiter} ({load})"),
                markup=True,
                font_size=TYPE.label,
                size_hint_y=None,
                height=dp(88),
                disabled=closed,
            )
            widget.bind(on_release=lambda _b, o=offer: self.seat_at(o))
            self.ids[f"proposal_{i}"] = widget
            box.add_widget(widget)

    def _gate_text(self) -> str:
        """Why seating is closed, naming the service in the reader's language."""
        loc, gate = self.app.localizer, self.gate
        if gate is None:
            return ""
        fields = dict(gate.why_params)
        if "service" in fields:
            fields["service"] = loc.pick(gate.service_name_en, gate.service_name_zh)
        return loc._(gate.why, **fields)

    def seat_at(self, offer: TableOffer) -> None:
        try:
            seated = seat_party(
                self.app.store,
                self.app.user.staff_id,
                SeatParty(table_ids=offer.table_ids, guests=self._details()),
            )
        except DomainError as error:
            self._refused(error)
            return
        waiter = table_look.person_name(seated.waiter_name)
        self._seated(seated.size, seated.tables, waiter, seated.waiter_number)
        self.start_over()

    def _seated(self, size: int, tables: list[str], waiter: str, number: str) -> None:
        self.say(
            "Party of {size} seated at table {tables}. Hand over the menus and tell "
            "{waiter} ({number}).",
            size=size,
            tables=" + ".join(tables),
            waiter=waiter,
            number=number,
        )

    def _refused(self, error: DomainError) -> None:
        if isinstance(error, Conflict):
            self.refresh()  # the table went on another tablet: show what is free now
        self.fail(error)
        gate = self.gate
        if "service" in error.params and gate is not None and gate.service_name_en:
            # "Seating is closed … for Lunch 午市": the service in the reader's language only.
            service = Both(gate.service_name_en, gate.service_name_zh)
            self.msg_params = {**self.msg_params, "service": service}

    # -- the waitlist ------------------------------------------------------------------------

    def add_to_waitlist(self) -> None:
        if not self.guests:
            self.fail(DomainError("Ask how many guests, then tap the number."))
            return
        try:
            party = add_to_waitlist(self.app.store, self.app.user.staff_id, self._details())
        except DomainError as error:
            self._refused(error)
            return
        self.start_over()
        position = next((i + 1 for i, p in enumerate(self.line) if p.id == party.id), 0)
        self.say(
            "{name}, party of {size}, is number {position} on the waitlist.",
            name=party.name,
            size=party.size,
            position=position,
        )

    def _draw_line(self) -> None:
        tr = self.app.localizer._
        now = utcnow()
        self.nobody_waiting = not self.line
        rows = []
        for position, party in enumerate(self.line, start=1):
            facts = [
                table_look.guests(party.size, tr),
                tr(
                    "waiting {minutes} min", minutes=table_look.minutes_since(party.arrived_at, now)
                ),
            ]
            if party.high_chair:
                facts.append(tr("high chair"))
            offer = party.offer
            rows.append(
                {
                    "party_id": party.id,
                    "title": f"{position}. {party.name}",
                    "facts_text": " · ".join(facts),
                    "offer_text": tr("Seat at {number}", number=offer.number) if offer else "",
                }
            )
        self.ids.line_rows.data = rows

    def seat_waiting(self, party: WaitingParty) -> None:
        if party.offer is None:
            return
        try:
            seated = seat_party(
                self.app.store,
                self.app.user.staff_id,
                SeatParty(table_ids=party.offer.table_ids, party_id=party.id),
            )
        except DomainError as error:
            self._refused(error)
            return
        self.refresh()
        waiter = table_look.person_name(seated.waiter_name)
        self._seated(seated.size, seated.tables, waiter, seated.waiter_number)

    def ask_gone(self, party: WaitingParty) -> None:
        GoneConfirmPopup(self, party).open()

    def gone(self, party: WaitingParty) -> None:
        """Off the waitlist, after "Gone" was confirmed (GoneConfirmPopup)."""
        try:
            command = LeaveWaitlist(party_id=party.id)
            leave_waitlist(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self._refused(error)
            return
        self.refresh()
        self.say("{name} left the waitlist.", name=party.name)


class Hint(Label):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("font_size", TYPE.body)
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", dp(96))
        super().__init__(**kwargs)
        self.bind(width=lambda *_: setattr(self, "text_size", (self.width - dp(12), None)))


class WaitingRow(BoxLayout):
    """One waiting party in the line (its look is in greeting.kv); rows are reused as the
    line scrolls, so a tap acts on the party the row shows at that moment."""

    party_id = NumericProperty(0)
    title = StringProperty("")
    facts_text = StringProperty("")
    offer_text = StringProperty("")  # "Seat at 4", or "" while no table fits

    @property
    def facts(self) -> Label:
        return self.ids.facts

    def act(self, what: str) -> None:
        screen = self.parent
        while screen is not None and not isinstance(screen, GreetingScreen):
            screen = screen.parent
        party = next((p for p in screen.line if p.id == self.party_id), None) if screen else None
        if screen is not None and party is not None:
            getattr(screen, what)(party)


class GoneConfirmPopup(Popup):
    """ "Gone" asks first: one tap must not drop a party that only stepped outside."""

    def __init__(self, screen: GreetingScreen, party: WaitingParty) -> None:
        tr = screen.app.localizer._
        box = BoxLayout(orientation="vertical", spacing=dp(12), padding=dp(8))
        question = Label(
            text=tr(
                "Take {name}, party of {size}, off the waitlist? They lose their place.",
                name=party.name,
                size=party.size,
            ),
            font_size=TYPE.label,
            halign="center",
            valign="middle",
        )
        question.bind(size=lambda w, s: setattr(w, "text_size", s))
        box.add_widget(question)
        buttons = BoxLayout(spacing=dp(12), size_hint_y=None, height=dp(64))
        self.keep_button = Button(text=tr("Keep them waiting"), font_size=TYPE.label)
        self.gone_button = Factory.DangerButton(text=tr("Yes, they are gone"), font_size=TYPE.label)
        buttons.add_widget(self.keep_button)
        buttons.add_widget(self.gone_button)
        box.add_widget(buttons)
        super().__init__(
            title=tr("Has this party gone?"),
            title_size=TYPE.title,
            content=box,
            size_hint=(None, None),
            size=(dp(620), dp(280)),
            auto_dismiss=False,
        )
        self.keep_button.bind(on_release=lambda _b: self.dismiss())
        self.gone_button.bind(on_release=lambda _b: self._gone(screen, party))

    def _gone(self, screen: GreetingScreen, party: WaitingParty) -> None:
        self.dismiss()
        screen.gone(party)
