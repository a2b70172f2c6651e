"""The cashier's drawer (第9条 ②): count the float note by note with + and − taps and open
the drawer; pay cash in or out with a reason; count again and close it, then see what it
should have held, what was counted and the difference. With the blind count on, the
expected amount appears only after the count is in."""

from __future__ import annotations

import uuid
from typing import Any

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from screens.cash.money import money, parse_amount, signed_money
from screens.widgets import stepper
from screens.widgets.base import TablesideScreen
from services.cash import drawer as cash
from services.cash import settings as cash_settings
from services.cash.counts import DENOMINATIONS
from services.errors import DomainError
from services.i18n import N_
from services.permissions import Action, allowed


class CountRow(BoxLayout):
    code = StringProperty("")
    label = StringProperty("")
    pieces = NumericProperty(0)
    total = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)
        stepper.lift_ids(self)  # the − and + buttons, bound by the screen, under our ids


class CashDrawerScreen(TablesideScreen):
    status = StringProperty("")
    figures = StringProperty("")
    counted = StringProperty("")
    result = StringProperty("")
    variance_state = StringProperty("")  # "", "balanced", "short", "over"
    drawer_open = NumericProperty(0)  # the open drawer's id, 0 when none
    sets_rules = BooleanProperty(False)  # a manager: may turn the blind count on or off
    blind_text = StringProperty("")
    blind_on = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._counts: dict[str, int] = {}
        self._drawer: cash.DrawerView | None = None
        self._closed: cash.DrawerView | None = None
        self._open_id = str(uuid.uuid4())
        self._blind = False
        self._rows: dict[str, CountRow] = {}

    @property
    def _x(self) -> int:
        return self.app.restaurant.currency_exponent if self.app.restaurant else 2

    def on_pre_enter(self, *_args: Any) -> None:
        self.clear_message()
        self._closed = None
        self._counts = {}
        self.reload()

    def on_language(self) -> None:
        self._draw()

    def reload(self) -> None:
        self.sets_rules = allowed(self.app.user.roles, Action.SET_CASH_RULES)
        self._blind = cash_settings.cash_settings(self.app.store).blind_count
        self.blind_on = self._blind
        try:
            self._drawer = cash.my_drawer(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self._drawer = None
            self.fail(error)
        self.drawer_open = self._drawer.drawer_id if self._drawer else 0
        self._draw()

    def add(self, code: str, step: int) -> None:
        self._counts[code] = max(0, self._counts.get(code, 0) + step)
        self._draw()

    def clear_count(self) -> None:
        self._counts = {}
        self._draw()

    def _count_rows(self) -> dict[str, CountRow]:
        """One row per note and coin, made the first time: a tap on + changes the figures
        in place (they were rebuilt on every tap: nine rows of eight widgets)."""
        if not self._rows:
            for d in DENOMINATIONS:
                row = CountRow(code=d.code, size_hint_y=None, height=dp(52))
                row.ids.minus.bind(on_release=lambda _b, c=d.code: self.add(c, -1))
                row.ids.plus.bind(on_release=lambda _b, c=d.code: self.add(c, 1))
                row.ids.plus10.bind(on_release=lambda _b, c=d.code: self.add(c, 10))
                self.ids.count_rows.add_widget(row)
                self._rows[d.code] = row
        return self._rows

    def _draw(self) -> None:
        loc = self.app.localizer
        tr, x = loc._, self._x
        rows = self._count_rows()
        for d in DENOMINATIONS:
            pieces = self._counts.get(d.code, 0)
            row = rows[d.code]
            row.label = loc.pick(d.label_en, d.label_zh)
            row.pieces = pieces
            row.total = money(pieces * d.value_minor, x)
        self.blind_text = tr("Blind count: on") if self._blind else tr("Blind count: off")
        value = sum(self._counts.get(d.code, 0) * d.value_minor for d in DENOMINATIONS)
        self.counted = tr("Counted: {amount}", amount=money(value, x))
        drawer = self._drawer
        if drawer is None:
            self.status = tr("No drawer open. Count the float and open the drawer.")
            self.figures = ""
        else:
            opened = drawer.opened_at.astimezone(self.app.restaurant.zone).strftime("%H:%M")
            self.status = tr(
                "Drawer open since {time}, float {amount}.",
                time=opened,
                amount=money(drawer.float_minor, x),
            )
            parts = [
                tr("Paid in: {amount}", amount=money(drawer.paid_in_minor, x)),
                tr("Paid out: {amount}", amount=money(drawer.paid_out_minor, x)),
            ]
            if drawer.expected_minor is None:
                parts.append(tr("Blind count: the expected amount is shown after the count."))
            else:
                parts.append(
                    tr("Cash taken: {amount}", amount=money(drawer.cash_taken_minor or 0, x))
                )
                parts.append(
                    tr("Expected in the drawer: {amount}", amount=money(drawer.expected_minor, x))
                )
            self.figures = "\n".join(parts)
        closed = self._closed
        if closed is None:
            self.result, self.variance_state = "", ""
        else:
            variance = closed.variance_minor or 0
            self.variance_state = (
                "balanced" if variance == 0 else ("short" if variance < 0 else "over")
            )
            words = {
                "balanced": tr("The drawer balances."),
                "short": tr("The drawer is short."),
                "over": tr("The drawer is over."),
            }[self.variance_state]
            self.result = (
                tr(
                    "Expected {expected}, counted {counted}, variance {variance}.",
                    expected=money(closed.expected_minor or 0, x),
                    counted=money(closed.counted_minor or 0, x),
                    variance=signed_money(variance, x),
                )
                + "\n"
                + words
            )

    def toggle_blind(self) -> None:
        try:
            command = cash_settings.SetBlindCount(blind_count=not self._blind)
            cash_settings.set_blind_count(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.say(
            N_("Drawers opened from now on are counted blind.")
            if not self._blind
            else N_("Drawers opened from now on show the expected amount.")
        )
        self.reload()

    def open_drawer(self) -> None:
        try:
            command = cash.OpenDrawer(client_drawer_id=self._open_id, float_counts=self._counts)
            opened = cash.open_drawer(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self._open_id = str(uuid.uuid4())
        self._closed = None
        self._counts = {}
        self.say(
            "Drawer opened with a float of {amount}.", amount=money(opened.float_minor, self._x)
        )
        self.reload()

    def close_drawer(self) -> None:
        if self._drawer is None:
            return
        try:
            command = cash.CloseDrawer(drawer_id=self._drawer.drawer_id, counts=self._counts)
            self._closed = cash.close_drawer(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self._counts = {}
        self.say("Drawer closed and recorded.")
        self.reload()

    def move(self, kind: str) -> None:
        if self._drawer is None:
            return
        try:
            command = cash.CashInOut(
                client_movement_id=str(uuid.uuid4()),
                drawer_id=self._drawer.drawer_id,
                kind=cash.MovementKind(kind),
                amount_minor=parse_amount(self.ids.move_amount.text, self._x),
                reason=self.ids.move_reason.text,
            )
            cash.pay_in_out(self.app.store, self.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.ids.move_amount.text = ""
        self.ids.move_reason.text = ""
        if kind == cash.MovementKind.PAID_IN:
            self.say("Paid in recorded.")
        else:
            self.say("Paid out recorded.")
        self.reload()
