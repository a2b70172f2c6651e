"""Taking one part's payment (第9条 ②③): the restaurant's ways of paying as buttons; cash
with the amount handed over typed on a number pad and the change shown large, to be counted
back in front of the guest; a card's last 4 digits and approval code (never its number); a
wallet payment's reference; a signed charge to a house account with its signer and a
manager's PIN. A tip is written apart from the sale.

The dialog makes its payment id once, when it opens: a double tap, or a tap again after a
time-out, sends the same id and the service takes the payment only once."""

from __future__ import annotations

import uuid
from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from screens.billing.dialog import BillDialog, NumberPad
from screens.billing.text import money, parse_money
from screens.widgets.choice_list import Choice, ChoiceList
from screens.widgets.theme import TYPE
from services.billing.accounts import AccountInfo, house_accounts
from services.billing.bills import BillView
from services.billing.payments import MethodInfo, TakePayment, payment_methods, take_payment
from services.errors import DomainError
from services.i18n import N_


class PaymentPopup(BillDialog):
    change_text = StringProperty("")
    done = StringProperty("")  # after the payment: what was taken

    def __init__(self, screen: Any, bill: BillView, part_number: int) -> None:
        self.screen = screen
        self.bill = bill
        self.part_number = part_number
        self.client_payment_id = str(uuid.uuid4())  # once per opening: a retry is the same
        super().__init__()
        tr = self.loc._
        part = bill.part(part_number)
        assert part is not None
        self.owed = part.owed_minor
        self.title = tr(
            "Table {table} · part {number} of {ways} · owed {owed}",
            table=bill.table_label,
            number=part_number,
            ways=len(bill.parts),
            owed=self.m(part.owed_minor),
        )
        self.methods: list[MethodInfo] = payment_methods(screen.app.store)
        self.accounts: list[AccountInfo] = []
        self.method: MethodInfo | None = None
        self.account: AccountInfo | None = None
        self.signer_id: int | None = None
        self.pad: NumberPad | None = None
        self.ids.amount_input.text = self.plain_money(self.owed)
        methods = [
            Choice(m.code, self.loc.pick(m.name_en, m.name_zh), f"method_{m.code}")
            for m in self.methods
        ]
        self.ids.methods.show(methods, ids=self.ids)

    def m(self, minor: int) -> str:
        return money(minor, self.bill.currency_exponent, self.bill.currency)

    def plain_money(self, minor: int) -> str:
        x = self.bill.currency_exponent
        units, fraction = divmod(minor, 10**x)
        return f"{units}.{fraction:0{x}d}" if x else str(units)

    # -- the way of paying -------------------------------------------------------------------

    def choose_code(self, code: str) -> None:
        self.choose(next(m for m in self.methods if m.code == code))

    def choose(self, method: MethodInfo) -> None:
        self.method = method
        self.msg_key = ""
        self.ids[f"method_{method.code}"].state = "down"
        box = self.ids.fields
        box.clear_widgets()
        for name in ("last4_input", "approval_input", "reference_input", "pin_input"):
            self.ids.pop(name, None)
        self.pad = None
        self.change_text = ""
        tr = self.loc._
        if method.kind == "cash":
            row = BoxLayout(spacing=dp(8))
            left = BoxLayout(orientation="vertical", spacing=dp(6))
            left.add_widget(self._label(tr("Handed over by the guest")))
            self.tendered = Label(
                text="", font_size=TYPE.pad, bold=True, size_hint_y=None, height=dp(50)
            )
            self.ids["tendered_label"] = self.tendered
            left.add_widget(self.tendered)
            exact = Factory.Button(text=tr("Exact amount"), size_hint_y=None, height=dp(56))
            exact.bind(on_release=lambda _b: self._exact())
            self.ids["exact_button"] = exact
            left.add_widget(exact)
            left.add_widget(Label())
            self.pad = NumberPad(size_hint_x=0.6)
            self.pad.bind(text=lambda *_a: self._show_change())
            self.ids["cash_pad"] = self.pad
            row.add_widget(left)
            row.add_widget(self.pad)
            box.add_widget(row)
            self._show_change()
        elif method.kind == "card":
            self._input(box, "last4_input", tr("Card's last 4 digits (optional)"))
            self._input(box, "approval_input", tr("Approval code (optional)"))
        elif method.kind == "account":
            self.accounts = house_accounts(self.screen.app.store)
            accounts = ChoiceList(cols=1, button_height=dp(48), size_hint_y=None)
            accounts.bind(minimum_height=accounts.setter("height"))
            accounts.show(
                [
                    Choice(
                        a.code,
                        f"{a.name} · "
                        + tr(
                            "owes {owed} of {limit}",
                            owed=self.m(a.owed_minor),
                            limit=self.m(a.limit_minor),
                        ),
                        f"account_{a.code}",
                    )
                    for a in self.accounts
                ],
                ids=self.ids,
            )
            by_code = {a.code: a for a in self.accounts}
            accounts.bind(on_choose=lambda _l, code: self._account(by_code[code]))
            box.add_widget(accounts)
            self.signers = ChoiceList(size_hint_y=None, height=dp(48))
            # A second tap on the chosen signer takes the choice back.
            self.signers.bind(on_choose=lambda s, _k: setattr(self, "signer_id", s.chosen()))
            box.add_widget(self.signers)
            self._input(box, "pin_input", tr("Manager's PIN (endorses the charge)"), password=True)
        if method.needs_reference or method.kind == "wallet":
            self._input(
                box, "reference_input", tr("Reference from the guest's phone or the terminal")
            )
        if method.kind != "cash":  # the number pad takes the whole height; others keep to the top
            box.add_widget(Label())

    def _label(self, text: str) -> Label:
        label = Label(
            text=text, font_size=TYPE.body, size_hint_y=None, height=dp(32), halign="left"
        )
        label.bind(size=lambda w, s: setattr(w, "text_size", s))
        return label

    def _input(self, box: Any, name: str, hint: str, password: bool = False) -> None:
        box.add_widget(self._label(hint))  # stays in sight once the field is typed in
        field = TextInput(
            hint_text=hint,
            multiline=False,
            font_size=TYPE.label,
            size_hint_y=None,
            height=dp(48),
            password=password,
        )
        self.ids[name] = field
        box.add_widget(field)

    def _account(self, account: AccountInfo) -> None:
        self.account = account
        self.signer_id = None
        signers = [Choice(sid, name, f"signer_{sid}") for sid, name in account.signers]
        self.signers.show(signers, ids=self.ids)

    def _exact(self) -> None:
        if self.pad is not None:
            try:
                due = self._amount() + self._tip()
            except DomainError as error:
                self.fail(error)
                return
            self.pad.text = self.plain_money(due)

    def _show_change(self) -> None:
        """The change, large, as the cashier types what the guest handed over (第9条 ②)."""
        if self.pad is None:
            return
        tr = self.loc._
        try:
            tendered = (
                parse_money(self.pad.text, self.bill.currency_exponent) if self.pad.text else None
            )
            due = self._amount() + self._tip()
        except DomainError:
            self.tendered.text = self.pad.text
            self.change_text = ""
            return
        self.tendered.text = self.m(tendered) if tendered is not None else ""
        if tendered is None:
            self.change_text = tr("Due {amount}", amount=self.m(due))
        elif tendered < due:
            self.change_text = tr("{amount} short", amount=self.m(due - tendered))
        else:
            self.change_text = tr("Change {amount}", amount=self.m(tendered - due))

    def _amount(self) -> int:
        return parse_money(self.ids.amount_input.text, self.bill.currency_exponent)

    def _tip(self) -> int:
        text = self.ids.tip_input.text
        return parse_money(text, self.bill.currency_exponent) if text.strip() else 0

    # -- taking it ---------------------------------------------------------------------------

    def take(self) -> None:
        tr = self.loc._
        method = self.method
        if method is None:
            self.fail(DomainError("Choose how the guest pays."))
            return
        ids = self.ids
        try:
            fields: dict[str, Any] = {}
            if method.kind == "cash" and self.pad is not None and self.pad.text:
                fields["tendered_minor"] = parse_money(self.pad.text, self.bill.currency_exponent)
            if "last4_input" in ids:
                fields["card_last4"] = ids.last4_input.text.strip()
                fields["approval_code"] = ids.approval_input.text.strip()
            if "reference_input" in ids:
                fields["reference"] = ids.reference_input.text.strip()
            if method.kind == "account":
                if self.account is None or self.signer_id is None:
                    raise DomainError("Choose the account and who signs for it.")
                fields.update(
                    account_id=self.account.id,
                    signer_id=self.signer_id,
                    manager_pin=ids.pin_input.text,
                )
            command = TakePayment(
                client_payment_id=self.client_payment_id,
                bill_id=self.bill.bill_id,
                part_number=self.part_number,
                method_id=method.id,
                amount_minor=self._amount(),
                tip_minor=self._tip(),
                **fields,
            )
            done = take_payment(self.screen.app.store, self.screen.app.user.staff_id, command)
        except DomainError as error:
            if "pin_input" in ids:
                ids.pin_input.text = ""
            self.fail(error)
            return
        self.msg_key = ""
        self.ids.take_button.shown = False
        self.ids.close_button.text = tr("Done")
        if done.tendered_minor is not None:
            self.change_text = tr("Change {amount}", amount=self.m(done.change_minor))
        else:
            self.change_text = ""
        self.done = tr("Taken: {amount}", amount=self.m(done.amount_minor))
        if done.settled:
            self.done += " · " + tr(
                "bill paid · invoice number {number}", number=done.invoice_number
            )
        # The way of paying is on the bill's rows, in either language; the line says how much.
        self.screen.changed(N_("Payment taken: {amount}."), amount=self.m(done.amount_minor))
