"""The cashier's screen (第9条): the parties whose guests asked for the bill, the paid ones,
and the eating ones greyed (with whether their bill is ready, 第9条 ①); for the party
chosen, its bill as the guest will see it, its version and what it replaced, and what the
cashier does with it: present, reprint, discount, split, invoice, and take each part's
payment. Refreshed from the store every few seconds while shown."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label

from screens.billing.bill_row import GREY, BillRow
from screens.billing.bill_rows import bill_rows, part_words, version_words
from screens.billing.text import REPRINTED, money
from screens.widgets import built_ids
from screens.widgets.base import TablesideScreen
from screens.widgets.refreshing import Refreshing
from screens.widgets.theme import TYPE
from services.billing.bills import (
    BillRef,
    BillView,
    PartyBill,
    bill_view,
    present_bill,
    reprint_bill,
    request_bill,
)
from services.billing.views import CashierParty, cashier_parties
from services.errors import DomainError
from services.floor.seating import GuestsLeft, guests_left
from services.i18n import N_
from services.orders.views import OrderView, order_view
from services.permissions import Action, allowed
from services.printing.jobs import PrintRequest, queue_print
from services.printing.receipts import BillDocument

CASHIER_STATION = "cashier"  # the bill printer at the cashier's desk (services.printing)


def open_bill(app: Any, party_id: int) -> None:
    """Open a party's bill (from the floor plan)."""
    app.root.get_screen("cashier").chosen_id = party_id
    app.open_screen("cashier")


class CashierScreen(Refreshing, TablesideScreen):
    refresh_seconds = 3
    chosen_id = NumericProperty(0)
    bill_title = StringProperty("")
    version_line = StringProperty("")
    settled_line = StringProperty("")
    total_line = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parties: list[CashierParty] = []
        self.bill: BillView | None = None
        self.order: OrderView | None = None
        self._drawn: Any = None

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self.refresh()
        self.start_refreshing()

    def on_leave(self, *_args: Any) -> None:
        self.stop_refreshing()

    def on_language(self) -> None:
        self._drawn = None
        self._draw()

    def refresh(self, *_args: Any) -> None:
        store = self.app.store
        try:
            self.parties = cashier_parties(store)
            if self.chosen_id and not any(p.party_id == self.chosen_id for p in self.parties):
                self.chosen_id = 0
            self.bill = bill_view(store, self.chosen_id) if self.chosen_id else None
            self.order = order_view(store, self.chosen_id) if self.chosen_id else None
        except DomainError as error:
            self.fail(error)
            return
        self._draw()

    def choose(self, party_id: int) -> None:
        self.chosen_id = party_id
        self.clear_message()
        self.refresh()

    def _chosen(self) -> CashierParty | None:
        return next((p for p in self.parties if p.party_id == self.chosen_id), None)

    # -- drawing -----------------------------------------------------------------------------

    def _draw(self) -> None:
        # Redraw only when something shown changed, so a scrolled bill stays where it was.
        key = (
            tuple(self.parties),
            self.bill.model_dump_json() if self.bill else None,
            self.chosen_id,
            self.app.localizer.lang,
            self.app.user.staff_id if self.app.user else None,  # who may reopen or refund
        )
        if key == self._drawn:
            return
        self._drawn = key
        self._draw_parties()
        self._draw_bill()
        self._draw_actions()

    def _draw_parties(self) -> None:
        tr = self.app.localizer._
        box = self.ids.parties
        box.clear_widgets()
        built_ids.forget(self.ids, "party_")
        if not self.parties:
            empty = Label(
                text=tr("No table is eating or waiting for its bill."),
                size_hint_y=None,
                height=dp(80),
                font_size=TYPE.caption,
            )
            # Wrap inside the column instead of spilling over its title.
            empty.bind(width=lambda label, w: setattr(label, "text_size", (w - dp(12), None)))
            box.add_widget(empty)
        for p in self.parties:
            if p.settled:
                state = tr("paid · invoice {number}", number=p.invoice_number)
            elif p.asked:
                state = tr("bill requested")
            else:
                state = tr("eating · bill ready") if p.bill_ready else tr("eating · not ready")
            words = tr("Table {number}", number=p.table_label) + "\n" + state
            if p.total_minor is not None:
                words += " · " + money(p.total_minor, self._exponent(), self._currency())
            cls = Factory.ToggleButton
            button = cls(text=words, size_hint_y=None, height=dp(72), font_size=TYPE.body)
            button.state = "down" if p.party_id == self.chosen_id else "normal"
            if not p.asked:
                button.color = GREY  # not asked yet: greyed, still tappable to look
            button.bind(on_release=lambda _b, pid=p.party_id: self.choose(pid))
            self.ids[f"party_{p.table_label}"] = button
            box.add_widget(button)

    def _exponent(self) -> int:
        return self.app.restaurant.currency_exponent if self.app.restaurant else 2

    def _currency(self) -> str:
        return self.app.restaurant.currency if self.app.restaurant else "CNY"

    def _draw_bill(self) -> None:
        loc = self.app.localizer
        tr = loc._
        box = self.ids.bill_rows
        box.clear_widgets()
        self.ids.parts.clear_widgets()
        self.ids.old_versions.clear_widgets()
        built_ids.forget(self.ids, "pay_", "reprint_v")
        party = self._chosen()
        self.settled_line = self.total_line = ""
        if party is None:
            self.bill_title, self.version_line = tr("Tap a table to see its bill."), ""
            return
        bill = self.bill
        self.bill_title = tr("Table {number}", number=party.table_label)
        if bill is None:
            self.version_line = (
                tr("The guests have not asked for the bill yet.")
                + " "
                + (
                    tr("Every course is served.")
                    if party.bill_ready
                    else tr("Courses still to come.")
                )
            )
            return
        self.version_line = version_words(bill, loc)
        total = money(bill.total_minor, bill.currency_exponent, bill.currency)
        owed = money(bill.owed_minor, bill.currency_exponent, bill.currency)
        self.total_line = (
            tr("Total {total}", total=total)
            if bill.state == "settled" or bill.owed_minor == bill.total_minor
            else tr("Total {total} · owed {owed}", total=total, owed=owed)
        )
        if bill.state == "settled":
            self.settled_line = tr(
                "Paid in full · invoice number {number}", number=bill.invoice_number
            )
        for left, right, style in bill_rows(bill, self.order, loc):
            box.add_widget(BillRow(left, right, style))
        if bill.invoice_title:
            words = tr("Invoice (发票) for {title}", title=bill.invoice_title)
            if bill.invoice_tax_id:
                words += " · " + tr("tax id {tax_id}", tax_id=bill.invoice_tax_id)
            if bill.invoice_email:
                words += " · " + bill.invoice_email
            box.add_widget(BillRow(words, "", "line"))
        for part in bill.parts:
            row = BoxLayout(size_hint_y=None, height=dp(46), spacing=dp(8))
            label = Label(
                text=part_words(bill, part.number, loc), font_size=TYPE.body, halign="left"
            )
            label.bind(size=lambda w, s: setattr(w, "text_size", s))
            label.valign = "middle"
            row.add_widget(label)
            if not part.settled and bill.state == "current":
                pay = Factory.PrimaryButton(
                    text=tr("Take payment"), size_hint_x=None, width=dp(200), font_size=TYPE.body
                )
                pay.disabled = bill.presented_at is None
                pay.bind(on_release=lambda _b, n=part.number: self.pay(n))
                self.ids[f"pay_{part.number}"] = pay
                row.add_widget(pay)
            self.ids.parts.add_widget(row)
        for v in bill.versions:
            if v.state == "superseded" and v.presented:
                button = Button(
                    text=tr("Reprint version {number} (SUPERSEDED)", number=v.number),
                    size_hint_x=None,
                    width=dp(330),
                    font_size=TYPE.caption,
                )
                button.bind(on_release=lambda _b, bid=v.bill_id: self.reprint(bid))
                self.ids[f"reprint_v{v.number}"] = button
                self.ids.old_versions.add_widget(button)

    def _draw_actions(self) -> None:
        party, bill = self._chosen(), self.bill
        ids = self.ids
        asked = party is not None and party.asked
        open_bill_ = bill is not None and bill.state == "current"
        ids.request_button.disabled = party is None or asked
        # Presented once per version; another piece of paper is a reprint, marked COPY.
        ids.present_button.disabled = (
            not open_bill_ or bill is None or bill.presented_at is not None
        )
        ids.reprint_button.disabled = bill is None or bill.presented_at is None
        ids.discount_button.disabled = party is None or (
            bill is not None and bill.state == "settled"
        )
        ids.split_button.disabled = not open_bill_ or bill is None or bill.paid_minor > 0
        ids.invoice_button.disabled = bill is None
        roles = self.app.user.roles if self.app.user else frozenset()
        # Reopening is a manager's; a refund is the cashier's, a manager's PIN approving.
        for button, action in (
            (ids.reopen_button, Action.REOPEN_BILL),
            (ids.refund_button, Action.TAKE_PAYMENT),
        ):
            button.opacity = 1 if allowed(roles, action) else 0
        ids.reopen_button.disabled = (
            not allowed(roles, Action.REOPEN_BILL) or bill is None or bill.state != "settled"
        )
        ids.left_button.disabled = party is None or party.stage != "paid"
        ids.refund_button.disabled = (
            not allowed(roles, Action.TAKE_PAYMENT) or not open_bill_ or bill.paid_minor <= 0
        )

    # -- what the cashier does ---------------------------------------------------------------

    def _command(self) -> PartyBill | None:
        return PartyBill(party_id=self.chosen_id) if self.chosen_id else None

    def request(self) -> None:
        """The guest asked for the bill (买单, 第6条 13)."""
        command = self._command()
        if command is None:
            return
        try:
            request_bill(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.refresh()
        self.say("The guests asked for the bill: it is ready to present.")

    def present(self) -> None:
        command = self._command()
        if command is None:
            return
        try:
            bill = present_bill(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.refresh()
        total = money(bill.total_minor, bill.currency_exponent, bill.currency)
        if self._print(bill, f"bill-{bill.bill_id}-presented"):
            self.say(
                "Bill version {number} presented: {total}. It prints at the cashier's desk.",
                number=bill.number,
                total=total,
            )

    def reprint(self, bill_id: int | None = None) -> None:
        if bill_id is None:
            if self.bill is None:
                return
            bill_id = self.bill.bill_id
        try:
            done = reprint_bill(self.app.store, self.app.user.staff_id, BillRef(bill_id=bill_id))
        except DomainError as error:
            self.fail(error)
            return
        self.refresh()
        key = f"bill-{bill_id}-copy-{done.copy_number}"
        if not self._print(done.bill, key, done.mark, done.copy_number):
            return
        sentence = REPRINTED.get(done.mark, REPRINTED["COPY"])
        self.say(sentence, number=done.bill.number, copy=done.copy_number)

    def _print(self, bill: BillView, key: str, mark: str = "", copy: int = 0) -> bool:
        """The paper for the guest, queued for the cashier's desk printer (the print queue
        shows it if the printer is down). The key makes a retried tap print it once."""
        info = self.app.restaurant
        document = BillDocument(
            restaurant_en=info.name if info else "",
            restaurant_zh=info.name_zh if info else "",
            timezone=info.timezone if info else "UTC",
            bill=bill,
            mark=mark,
            copy_number=copy,
        )
        try:
            request = PrintRequest(idempotency_key=key, station=CASHIER_STATION, document=document)
            queue_print(self.app.store, self.app.user.staff_id, request)
        except DomainError as error:
            self.fail(error)
            return False
        return True

    def discount(self) -> None:
        from screens.billing.discount import DiscountPopup

        if self.chosen_id:
            DiscountPopup(self, self.chosen_id, self.bill, self.order).open()

    def split(self) -> None:
        from screens.billing.split import SplitPopup

        if self.bill is not None:
            SplitPopup(self, self.bill).open()

    def pay(self, number: int) -> None:
        from screens.billing.payment import PaymentPopup

        if self.bill is not None:
            PaymentPopup(self, self.bill, number).open()

    def invoice(self) -> None:
        from screens.billing.invoice import InvoicePopup

        if self.bill is not None:
            InvoicePopup(self, self.bill).open()

    def reopen(self) -> None:
        from screens.billing.reopen import ReopenPopup

        if self.bill is not None and self.bill.state == "settled":
            ReopenPopup(self, self.bill).open()

    def refund(self) -> None:
        from screens.billing.refund import RefundPopup

        if self.bill is not None:
            RefundPopup(self, self.bill).open()

    def guests_left(self) -> None:
        """The party has paid and gone (第10条 ①: never hurried): the table waits for its
        reset, as "Guests have left" on the floor plan and on My tables does."""
        party = self._chosen()
        if party is None or party.stage != "paid" or self.app.user is None:
            return
        try:
            left = guests_left(
                self.app.store, self.app.user.staff_id, GuestsLeft(party_id=party.party_id)
            )
        except DomainError as error:
            self.fail(error)
            return
        self.chosen_id = 0
        self.changed(
            N_("Table {tables} needs resetting: check it for forgotten belongings."),
            tables=" + ".join(left.released),
        )

    def changed(self, sentence: str, **params: Any) -> None:
        """A dialog did something: read the store again and say what."""
        self._drawn = None
        self.refresh()
        self.say(sentence, **params)
