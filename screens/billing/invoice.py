"""The guest's invoice request (发票, 第9条 ③): the title (抬头), a company's tax id (税号)
and where to email it, recorded on the bill; the number comes when the bill is settled."""

from __future__ import annotations

from typing import Any

from screens.billing.dialog import BillDialog
from services.billing.bills import BillView
from services.billing.invoices import RequestInvoice, request_invoice
from services.errors import DomainError
from services.i18n import N_


class InvoicePopup(BillDialog):
    def __init__(self, screen: Any, bill: BillView) -> None:
        self.screen = screen
        self.bill = bill
        kwargs: dict[str, Any] = {"size_hint": (0.7, 0.7)}
        super().__init__(**kwargs)
        self.title = self.loc._("Invoice (发票) for table {table}", table=bill.table_label)
        self.ids.title_input.text = bill.invoice_title
        self.ids.tax_id_input.text = bill.invoice_tax_id
        self.ids.email_input.text = bill.invoice_email

    def save(self) -> None:
        ids = self.ids
        try:
            command = RequestInvoice(
                party_id=self.bill.party_id,
                title=ids.title_input.text,
                tax_id=ids.tax_id_input.text,
                email=ids.email_input.text,
            )
            request_invoice(self.screen.app.store, self.screen.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.dismiss()
        self.screen.changed(N_("The invoice request is on the bill."))
