"""A bar chart of sales by hour, drawn with Kivy canvas instructions (no chart library):
one rectangle per hour from the first to the last hour with sales, scaled to the busiest hour with
integer arithmetic; the hours and amounts are Labels below and above the bars."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.properties import ListProperty
from kivy.uix.widget import Widget

from screens.widgets import theme as C

BAR = (0.20, 0.55, 0.85, 1)


class HourChart(Widget):
    """bars: [(hour, amount_minor)]; the widget draws them evenly across its width."""

    bars = ListProperty([])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self.redraw, size=self.redraw, bars=self.redraw)

    def redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        with self.canvas:
            Color(*C.MUTED)
            Rectangle(pos=(self.x, self.y), size=(self.width, dp(1)))  # the baseline
            if not self.bars:
                return
            top = max(amount for _hour, amount in self.bars) or 1
            slot = self.width / len(self.bars)
            # Centred in its slot, as the hour's label below it; never a wall of colour.
            width = min(slot * 0.7, dp(56))
            Color(*BAR)
            for i, (_hour, amount) in enumerate(self.bars):
                # Height in whole pixels from integer minor units: no float money.
                height = int(self.height - dp(4)) * max(amount, 0) // top
                left = self.x + i * slot + (slot - width) / 2
                Rectangle(pos=(left, self.y + 1), size=(width, height))
