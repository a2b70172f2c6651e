"""Giving money back for a payment (docs/reliability.md "Security": a refund is a new
record, never an edit): the party's payments on every version of its bill, what of each
can still be given back, the amount, the reason and a manager's PIN entered here and now.
The dialog makes its refund id once, when it opens: a double tap gives it back once."""

from __future__ import annotations

import uuid
from typing import Any

from kivy.factory import Factory

from screens.billing.dialog import BillDialog
from screens.billing.text import money, parse_money
from screens.widgets.choice_list import Choice
from services.billing.bills import BillView
from services.billing.reopening import (
    RefundablePayment,
    RefundPayment,
    refund_payment,
    refundable_payments,
)
from services.errors import DomainError
from services.i18n import N_


class RefundPopup(BillDialog):
    def __init__(self, screen: Any, bill: BillView) -> None:
        self.screen = screen
        self.bill = bill
        self.client_payment_id = str(uuid.uuid4())  # once per opening: a retry is the same
        super().__init__(size_hint=(0.8, 0.8))
        tr = self.loc._
        self.title = tr("Refund a payment of table {table}", table=bill.table_label)
        self.payments: list[RefundablePayment] = [
            p for p in refundable_payments(screen.app.store, bill.party_id) if p.left_minor > 0
        ]
        self.chosen: RefundablePayment | None = None
        choices = [
            Choice(
                p.payment_id,
                tr(
                    "{method} · {amount} on version {number} · up to {left} back",
                    method=self.loc.pick(p.method_en, p.method_zh),
                    amount=self.m(p.amount_minor),
                    number=p.bill_number,
                    left=self.m(p.left_minor),
                ),
                f"payment_{p.payment_id}",
            )
            for p in self.payments
        ]
        self.ids.payments.show(choices, ids=self.ids)
        if not self.payments:  # said in the list's place, after the (empty) list is drawn
            self.ids.payments.add_widget(
                Factory.Label(text=tr("Nothing paid on this bill can be given back."))
            )
        if len(self.payments) == 1:
            self.choose(self.payments[0])

    def m(self, minor: int) -> str:
        return money(minor, self.bill.currency_exponent, self.bill.currency)

    def choose_id(self, payment_id: int) -> None:
        self.choose(next(p for p in self.payments if p.payment_id == payment_id))

    def choose(self, payment: RefundablePayment) -> None:
        self.chosen = payment
        self.ids[f"payment_{payment.payment_id}"].state = "down"
        units, fraction = divmod(payment.left_minor, 10**self.bill.currency_exponent)
        exp = self.bill.currency_exponent
        self.ids.amount_input.text = f"{units}.{fraction:0{exp}d}" if exp else str(units)

    def refund(self) -> None:
        ids = self.ids
        try:
            if self.chosen is None:
                raise DomainError("Choose the payment to give money back for.")
            command = RefundPayment(
                client_payment_id=self.client_payment_id,
                payment_id=self.chosen.payment_id,
                amount_minor=parse_money(ids.amount_input.text, self.bill.currency_exponent),
                reason=ids.reason_input.text,
                manager_pin=ids.pin_input.text,
            )
            done = refund_payment(self.screen.app.store, self.screen.app.user.staff_id, command)
        except DomainError as error:
            ids.pin_input.text = ""  # a PIN is typed again, never left in the field
            self.fail(error)
            return
        self.dismiss()
        self.screen.changed(
            N_("Refund recorded: {amount} given back; still owed {owed}."),
            amount=self.m(command.amount_minor),
            owed=self.m(done.owed_minor),
        )
