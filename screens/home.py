"""Home: the screens this person's roles allow, as large tiles."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.uix.button import Button

from screens.registry import tiles_for
from screens.serving import notice
from screens.widgets import attention
from screens.widgets.base import TablesideScreen

_ = attention  # imported for its Factory registration, used by home.kv


class HomeTile(Button):
    pass


class HomeScreen(TablesideScreen):
    def on_pre_enter(self, *_args: Any) -> None:
        self._draw_tiles()
        # From here on the waiter is told of news wherever they are (screens/serving).
        notice.watch(self.app)

    def on_language(self) -> None:
        self._draw_tiles()

    def _draw_tiles(self) -> None:
        grid = self.ids.tiles
        grid.clear_widgets()
        user = self.app.user
        if user is None:
            return
        self.ids.attention.refresh()
        tr = self.app.localizer._
        for entry in tiles_for(user.roles):
            tile = HomeTile(
                text=tr(entry.title), size_hint_y=None, height=dp(128), font_size="24sp"
            )
            tile.screen_name = entry.name
            tile.bind(on_release=lambda _b, name=entry.name: self.app.open_screen(name))
            grid.add_widget(tile)
