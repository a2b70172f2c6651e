"""A discount, a comp or a waived service charge (第9条; docs/design.md: managers approve
discounts): percent or amount, on one dish or the whole bill, always with a reason and a
manager's PIN entered here and now. The dialog makes its id once, when it opens, so a
double tap gives the discount once."""

from __future__ import annotations

import uuid
from typing import Any

from kivy.properties import StringProperty

from screens.billing.dialog import BillDialog
from screens.billing.text import parse_money, parse_percent
from screens.widgets.choice_list import Choice
from services.billing.bills import BillView
from services.billing.changes import DiscountKind, GiveDiscount, give_discount
from services.errors import DomainError
from services.i18n import N_
from services.orders.views import OrderView

KIND_WORDS = {
    DiscountKind.PERCENT: N_("Percent off"),
    DiscountKind.AMOUNT: N_("Amount off"),
    DiscountKind.COMP: N_("Comp a dish"),
    DiscountKind.WAIVE_SERVICE: N_("Waive the service charge"),
}


class DiscountPopup(BillDialog):
    kind = StringProperty(DiscountKind.PERCENT.value)

    def __init__(
        self, screen: Any, party_id: int, bill: BillView | None, order: OrderView | None
    ) -> None:
        self.screen = screen
        self.party_id = party_id
        self.exponent = bill.currency_exponent if bill else 2
        self.client_discount_id = str(uuid.uuid4())  # once per opening
        self.line_id: int | None = None
        super().__init__()
        tr = self.loc._
        self.title = tr("Discount or comp")
        kinds = [
            Choice(kind, tr(words), f"kind_{kind.value}") for kind, words in KIND_WORDS.items()
        ]
        self.ids.kinds.show(kinds, selected=DiscountKind(self.kind), ids=self.ids)
        lines = [li for li in (order.lines if order else ()) if li.sent and not li.voided]
        targets = [Choice(None, tr("Whole bill"), "line_whole")] + [
            Choice(
                li.id, f"{li.quantity} × {self.loc.pick(li.name_en, li.name_zh)}", f"line_{li.id}"
            )
            for li in lines
        ]
        self.ids.lines.show(targets, selected=None, ids=self.ids)

    def choose(self, kind: DiscountKind) -> None:
        self.kind = kind.value

    def target(self, line_id: int | None) -> None:
        self.line_id = line_id

    def give(self) -> None:
        kind = DiscountKind(self.kind)
        ids = self.ids
        try:
            value: dict[str, Any] = {}
            if kind is DiscountKind.PERCENT:
                value["percent_bp"] = parse_percent(ids.value_input.text)
            elif kind is DiscountKind.AMOUNT:
                value["amount_minor"] = parse_money(ids.value_input.text, self.exponent)
            command = GiveDiscount(
                client_discount_id=self.client_discount_id,
                party_id=self.party_id,
                kind=kind,
                line_id=None if kind is DiscountKind.WAIVE_SERVICE else self.line_id,
                reason=ids.reason_input.text,
                manager_pin=ids.pin_input.text,
                **value,
            )
            give_discount(self.screen.app.store, self.screen.app.user.staff_id, command)
        except DomainError as error:
            ids.pin_input.text = ""  # a PIN is typed again, never left in the field
            self.fail(error)
            return
        self.dismiss()
        self.screen.changed(N_("Approved and on the bill."))
