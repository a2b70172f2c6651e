"""One row of the bill on the cashier's screen: the words on the left, the amount on the
right, drawn by style (a voided dish and a sub-line greyed, a payment green)."""

from __future__ import annotations

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.widgets import theme
from screens.widgets.theme import TYPE

GREY = (0.55, 0.57, 0.60, 1)
STYLE_SIZES = {
    "line": TYPE.body,
    "sub": TYPE.caption,
    "void": TYPE.caption,
    "sum": TYPE.body,
    "total": TYPE.heading,
}
STYLE_HEIGHTS = {"sub": 24, "total": 44}


class BillRow(BoxLayout):
    """One row of the bill: words on the left, the amount on the right."""

    def __init__(self, left: str, right: str, style: str) -> None:
        height = dp(STYLE_HEIGHTS.get(style, 32))
        super().__init__(size_hint_y=None, height=height, spacing=dp(8))
        size = STYLE_SIZES.get(style, TYPE.body)
        bold = style in ("total", "sum")
        colour = GREY if style in ("void", "sub") else theme.OK if style == "paid" else theme.TEXT
        words = Label(
            text=left,
            markup=True,
            font_size=size,
            bold=bold,
            halign="left",
            valign="middle",
            color=colour,
        )
        words.bind(size=lambda w, s: setattr(w, "text_size", s))
        words.shorten = True
        amount = Label(
            text=right,
            markup=True,
            font_size=size,
            bold=bold,
            halign="right",
            valign="middle",
            size_hint_x=None,
            width=dp(170),
            color=colour,
        )
        amount.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.add_widget(words)
        self.add_widget(amount)
        self.words = words
        self.amount = amount
