"""House accounts for the manager (客人签单 / 挂账, 第9条 ③): every open account with its
authorised signers, its limit and what it owes; for the account chosen, its statement for
a month of the restaurant's calendar: each signed charge and refund with who signed, who
endorsed and who took it, and the month's totals."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from kivy.metrics import dp
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.label import Label

from screens.billing.text import money
from screens.widgets import theme as C
from screens.widgets.base import TablesideScreen
from screens.widgets.choice_list import Choice
from screens.widgets.table_look import person_name
from screens.widgets.theme import TYPE
from services.billing.accounts import AccountInfo, Statement, account_statement, house_accounts
from services.errors import DomainError
from services.i18n import N_

KIND_WORDS = {"company": N_("company account"), "room": N_("hotel room")}


class HouseAccountsScreen(TablesideScreen):
    month_text = StringProperty("")
    account_line = StringProperty("")
    signers_line = StringProperty("")
    totals_line = StringProperty("")
    no_accounts = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.accounts: list[AccountInfo] = []
        self.chosen_id = 0
        self.month: tuple[int, int] | None = None
        self.statement: Statement | None = None

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        if self.month is None:
            today = self.app.restaurant.today() if self.app.restaurant else date.today()
            self.month = (today.year, today.month)
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def shift_month(self, months: int) -> None:
        if self.month is None:
            return
        index = self.month[0] * 12 + self.month[1] - 1 + months
        self.month = (index // 12, index % 12 + 1)
        self.reload()

    def choose(self, account_id: int) -> None:
        self.chosen_id = account_id
        self.clear_message()
        self.reload()

    def reload(self) -> None:
        try:
            self.accounts = house_accounts(self.app.store)
            if self.accounts and not any(a.id == self.chosen_id for a in self.accounts):
                self.chosen_id = self.accounts[0].id
            self.statement = None
            if self.chosen_id and self.month is not None:
                year, month = self.month
                self.statement = account_statement(
                    self.app.store, self.app.user.staff_id, self.chosen_id, year, month
                )
        except DomainError as error:
            self.fail(error)
        self._draw()

    def _m(self, minor: int) -> str:
        info = self.app.restaurant
        return money(minor, info.currency_exponent if info else 2, info.currency if info else "CNY")

    def _draw(self) -> None:
        tr = self.app.localizer._
        if self.month is not None:
            self.month_text = f"{self.month[0]}-{self.month[1]:02d}"
        accounts = [
            Choice(
                a.id,
                f"{a.name}\n{tr(KIND_WORDS.get(a.kind, a.kind))} · "
                + tr(
                    "owes {owed} of {limit}",
                    owed=self._m(a.owed_minor),
                    limit=self._m(a.limit_minor),
                ),
                f"account_{a.code}",
            )
            for a in self.accounts
        ]
        self.ids.accounts.show(accounts, selected=self.chosen_id, ids=self.ids)
        self.no_accounts = not self.accounts
        self._draw_statement()

    def _draw_statement(self) -> None:
        tr = self.app.localizer._
        lines = self.ids.lines
        lines.clear_widgets()
        s = self.statement
        if s is None:
            self.account_line = self.signers_line = self.totals_line = ""
            return
        a = s.account
        self.account_line = tr(
            "{name} · limit {limit} · owes {owed} · room left {left}",
            name=a.name,
            limit=self._m(a.limit_minor),
            owed=self._m(a.owed_minor),
            left=self._m(max(a.limit_minor - a.owed_minor, 0)),
        )
        names = ", ".join(n for _i, n in a.signers)
        self.signers_line = (
            tr("Authorised signers: {names}", names=names)
            if names
            else tr("Nobody may sign to this account yet.")
        )
        self.totals_line = tr(
            "Month {month}: charged {charged} · refunded {refunded} · to invoice {total}",
            month=self.month_text,
            charged=self._m(s.charged_minor),
            refunded=self._m(s.refunded_minor),
            total=self._m(s.total_minor),
        )
        zone = ZoneInfo(self.app.restaurant.timezone if self.app.restaurant else "UTC")
        heads = (
            N_("When"),
            N_("Charge"),
            N_("Amount"),
            N_("Invoice"),
            N_("Signed by"),
            N_("Endorsed by"),
            N_("Taken by"),
        )
        for head in heads:
            lines.add_widget(_cell(tr(head), bold=True))
        if not s.lines:
            lines.add_widget(_cell(tr("Nothing was signed to this account in this month.")))
            for _ in heads[1:]:
                lines.add_widget(_cell(""))
        for li in s.lines:
            refund = li.kind == "refund"
            amount = -li.amount_minor if refund else li.amount_minor
            invoice = str(li.invoice_number) if li.invoice_number is not None else "—"
            for text in (
                li.at.astimezone(zone).strftime("%m-%d %H:%M"),
                tr("refund") if refund else tr("signed charge"),
                self._m(amount),
                invoice,
                li.signer,
                person_name(li.endorsed_by),
                person_name(li.taken_by),
            ):
                lines.add_widget(_cell(text, bad=refund))


def _cell(text: str, bold: bool = False, bad: bool = False) -> Label:
    cell = Label(
        text=text,
        bold=bold,
        font_size=TYPE.caption,
        size_hint_y=None,
        height=dp(34),
        halign="left",
        valign="middle",
        color=C.ERROR if bad else C.TEXT,
        shorten=True,
    )
    cell.bind(size=lambda w, size: setattr(w, "text_size", size))
    return cell
