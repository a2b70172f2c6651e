"""Splitting the bill (第9条 ②): evenly in N, by seat, by item (tap each dish to the parts
that take it; a dish in several parts is shared between them) or by amount. The parts are
worked out by the same rule the service keeps (services.billing.splits) and shown as they
will be, summing exactly to the bill, before the cashier confirms."""

from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.textinput import TextInput

from screens.billing.dialog import BillDialog
from screens.billing.text import money, parse_money
from screens.widgets.choice_list import Choice
from screens.widgets.table_look import plain
from screens.widgets.theme import TYPE
from services.billing.bills import BillView
from services.billing.changes import SplitBill, split_bill
from services.billing.splits import MAX_PARTS, SplitKind, SplitPlan, plan_parts
from services.errors import DomainError
from services.i18n import N_

KIND_WORDS = {
    SplitKind.EVEN: N_("Evenly"),
    SplitKind.SEATS: N_("By seat"),
    SplitKind.ITEMS: N_("By item"),
    SplitKind.AMOUNTS: N_("By amount"),
}


class SplitPopup(BillDialog):
    kind = StringProperty(SplitKind.EVEN.value)
    ways = NumericProperty(2)
    preview = StringProperty("")

    def __init__(self, screen: Any, bill: BillView) -> None:
        self.screen = screen
        self.bill = bill
        # line id -> the parts (0-based) that take it, for a split by item
        self.holders: dict[int, set[int]] = {}
        super().__init__()
        tr = self.loc._
        self.title = tr(
            "Split the bill of table {table}: {total}",
            table=bill.table_label,
            total=self.m(bill.total_minor),
        )
        kinds = [
            Choice(kind, tr(words), f"kind_{kind.value}") for kind, words in KIND_WORDS.items()
        ]
        self.ids.kinds.show(kinds, selected=SplitKind(self.kind), ids=self.ids)
        self.ways = max(2, len(bill.parts)) if bill.split != SplitKind.WHOLE else 2
        self._draw()

    def m(self, minor: int) -> str:
        return money(minor, self.bill.currency_exponent, self.bill.currency)

    def choose(self, kind: SplitKind) -> None:
        self.kind = kind.value
        self._draw()

    def more(self, step: int) -> None:
        self.ways = min(MAX_PARTS, max(2, self.ways + step))
        self._draw()

    # -- the plan and its parts --------------------------------------------------------------

    def _draw(self) -> None:
        tr = self.loc._
        box = self.ids.detail
        box.clear_widgets()
        for name in [n for n in self.ids if n.startswith(("item_", "amount_"))]:
            del self.ids[name]
        kind = SplitKind(self.kind)
        self.ids.ways_row.shown = kind is not SplitKind.SEATS
        if kind is SplitKind.ITEMS:
            for line in self.bill.amounts.lines:
                row = BoxLayout(size_hint_y=None, height=dp(52), spacing=dp(6))
                name = plain(self.loc.pick(line.name_en, line.name_zh))
                label = Label(
                    text=f"{line.quantity} × {name}  {self.m(line.net_minor)}",
                    markup=True,
                    font_size=TYPE.body,
                    halign="left",
                    valign="middle",
                )
                label.bind(size=lambda w, s: setattr(w, "text_size", s))
                row.add_widget(label)
                held = self.holders.setdefault(line.line_id, set())
                for part in range(int(self.ways)):
                    toggle = Factory.ToggleButton(
                        text=str(part + 1), size_hint_x=None, width=dp(56), font_size=TYPE.label
                    )
                    toggle.state = "down" if part in held else "normal"
                    toggle.bind(
                        on_release=lambda b, lid=line.line_id, p=part: self.tap_item(lid, p, b)
                    )
                    self.ids[f"item_{line.line_id}_{part + 1}"] = toggle
                    row.add_widget(toggle)
                box.add_widget(row)
        elif kind is SplitKind.AMOUNTS:
            for part in range(int(self.ways)):
                row = BoxLayout(size_hint_y=None, height=dp(52), spacing=dp(6))
                row.add_widget(
                    Label(text=tr("Part {number}", number=part + 1), font_size=TYPE.body)
                )
                field = TextInput(multiline=False, font_size=TYPE.label, input_filter="float")
                field.bind(text=lambda *_a: self._show_preview())
                self.ids[f"amount_{part + 1}"] = field
                row.add_widget(field)
                box.add_widget(row)
        box.add_widget(Label())
        self._show_preview()

    def tap_item(self, line_id: int, part: int, button: Any) -> None:
        held = self.holders.setdefault(line_id, set())
        if button.state == "down":
            held.add(part)
        else:
            held.discard(part)
        self._show_preview()

    def plan(self) -> SplitPlan:
        kind = SplitKind(self.kind)
        ways = int(self.ways)
        if kind is SplitKind.EVEN:
            return SplitPlan(kind=kind, ways=ways)
        if kind is SplitKind.SEATS:
            return SplitPlan(kind=kind)
        if kind is SplitKind.ITEMS:
            items = tuple(
                tuple(lid for lid, held in self.holders.items() if part in held)
                for part in range(ways)
            )
            return SplitPlan(kind=kind, ways=ways, items=items)
        x = self.bill.currency_exponent
        amounts = tuple(parse_money(self.ids[f"amount_{p + 1}"].text, x) for p in range(ways))
        return SplitPlan(kind=kind, ways=ways, amounts=amounts)

    def _show_preview(self) -> None:
        """The parts as they will be; they always sum to the bill (or the split is refused)."""
        tr = self.loc._
        try:
            parts = plan_parts(self.bill.amounts, self.plan())
        except DomainError as error:
            self.preview = ""
            self.fail(error)
            return
        self.msg_key = ""
        words = [
            tr("Part {number}: {amount}", number=i + 1, amount=self.m(p.amount_minor))
            for i, p in enumerate(parts)
        ]
        total = sum(p.amount_minor for p in parts)
        self.preview = "  ·  ".join(words) + "\n" + tr("Together {total}", total=self.m(total))

    # -- confirming --------------------------------------------------------------------------

    def _split(self, plan: SplitPlan) -> None:
        try:
            command = SplitBill(party_id=self.bill.party_id, plan=plan)
            bill = split_bill(self.screen.app.store, self.screen.app.user.staff_id, command)
        except DomainError as error:
            self.fail(error)
            return
        self.dismiss()
        # Once the guest saw the bill, a split is a new version, presented before payment.
        again = bill.presented_at is None and bill.number > 1
        if len(bill.parts) == 1:
            self.screen.changed(
                N_("The bill is whole again: present the new version.")
                if again
                else N_("The bill is whole again.")
            )
        elif again:
            self.screen.changed(
                N_("The bill is split in {count} parts: present the new version to the guest."),
                count=len(bill.parts),
            )
        else:
            self.screen.changed(N_("The bill is split in {count} parts."), count=len(bill.parts))

    def confirm(self) -> None:
        try:
            plan = self.plan()
        except DomainError as error:
            self.fail(error)
            return
        self._split(plan)

    def whole(self) -> None:
        self._split(SplitPlan(kind=SplitKind.WHOLE))
