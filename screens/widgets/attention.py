"""The "needs attention" panel on home: things waiting for this person, gathered from every
capability that registers a source in screens.registry.ATTENTION_SOURCES.

A source is a function `(app, refresh) -> list[AttentionItem]`; `refresh` redraws the panel
after an item's action has dealt with it. The panel rereads its sources every few seconds
while it is on screen, so an escalation raised on another tablet appears by itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from services.errors import DomainError
from services.permissions import allowed

REFRESH_SECONDS = 5


@dataclass(frozen=True)
class AttentionItem:
    key: str  # stable, so tests and logs can name it
    text: str  # already in the reader's language
    action_label: str  # already in the reader's language
    act: Callable[[], None]
    urgent: bool = False


class AttentionRow(BoxLayout):
    text = StringProperty("")
    action_label = StringProperty("")
    key = StringProperty("")
    urgent = BooleanProperty(False)


class AttentionPanel(BoxLayout):
    count = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._app = App.get_running_app()
        self._event = Clock.schedule_interval(self._tick, REFRESH_SECONDS)

    def _tick(self, *_args: Any) -> bool | None:
        app = App.get_running_app()
        if app is None or app is not self._app:
            return False  # that app has stopped: stop polling for it
        if self.get_root_window() is not None and app.user is not None:
            self.refresh()
        return None

    def items(self) -> list[AttentionItem]:
        from screens.registry import ATTENTION_SOURCES

        app = self._app
        if app is None or app.user is None:
            return []
        found: list[AttentionItem] = []
        for source in ATTENTION_SOURCES:
            if not allowed(app.user.roles, source.action):
                continue
            function = getattr(importlib.import_module(f"screens.{source.module}"), source.function)
            try:
                found.extend(function(app, self.refresh))
            except DomainError:
                continue  # a source the person may not read is simply not shown
        return found

    def refresh(self) -> None:
        items = self.items()
        box = self.ids.rows
        box.clear_widgets()
        for item in items:
            row = AttentionRow(
                text=item.text, action_label=item.action_label, key=item.key, urgent=item.urgent
            )
            row.ids.action_button.bind(on_release=lambda _b, act=item.act: act())
            box.add_widget(row)
        self.count = len(items)
        # Heading, then one row (84 + 4 spacing) per item, and the padding.
        self.height = (dp(40) + len(items) * dp(88) + dp(8)) if items else 0
        self.opacity = 1 if items else 0
