"""Reopening a settled bill (docs/design.md: a manager approves reopening a settled bill):
the reason goes on the record and the manager's PIN is entered again here and now. The
settled version is kept, superseded, with its invoice number; the reopened one is new."""

from __future__ import annotations

from typing import Any

from screens.billing.dialog import BillDialog
from services.billing.bills import BillView
from services.billing.reopening import ReopenBill, reopen_bill
from services.errors import DomainError
from services.i18n import N_


class ReopenPopup(BillDialog):
    def __init__(self, screen: Any, bill: BillView) -> None:
        self.screen = screen
        self.bill = bill
        super().__init__(size_hint=(0.7, 0.6))
        self.title = self.loc._(
            "Reopen the settled bill of table {table} (invoice {number})",
            table=bill.table_label,
            number=bill.invoice_number,
        )

    def reopen(self) -> None:
        ids = self.ids
        try:
            command = ReopenBill(
                bill_id=self.bill.bill_id,
                reason=ids.reason_input.text,
                manager_pin=ids.pin_input.text,
            )
            if not ids.pin_input.text:
                raise DomainError("Reopening a bill needs the manager's PIN, entered here and now.")
            done = reopen_bill(self.screen.app.store, self.screen.app.user.staff_id, command)
        except DomainError as error:
            ids.pin_input.text = ""  # a PIN is typed again, never left in the field
            self.fail(error)
            return
        self.dismiss()
        self.screen.changed(
            N_("Bill reopened as version {number}: what was paid is carried onto it."),
            number=done.number,
        )
