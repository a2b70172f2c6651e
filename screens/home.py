"""Home: the screens this person's roles allow, as large tiles."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.uix.button import Button

from screens.registry import tiles_for
from screens.serving import notice
from screens.widgets import attention
from screens.widgets.base import TablesideScreen
from screens.widgets.theme import TYPE

_ = attention  # imported for its Factory registration, used by home.kv


class HomeTile(Button):
    pass


# A tile is never shorter than this: a finger needs it, and the words need two lines.
MIN_TILE_HEIGHT = 72
MAX_TILE_HEIGHT = 128


class HomeScreen(TablesideScreen):
    _drawn: object = None  # what the tiles show: (the roles they are for, language)

    def on_kv_post(self, base_widget: Any) -> None:
        super().on_kv_post(base_widget)
        # The room left under the greeting and the attention panel decides the tiles' size.
        self.ids.tile_view.bind(height=self._fit_tiles)

    def _fit_tiles(self, *_args: Any) -> None:
        """Every tile in sight (issue 12: with sixteen or more, the manager's last row was
        cut off): five across past twelve tiles, and as tall as the rows leave room for."""
        grid = self.ids.tiles
        count = len(grid.children)
        grid.cols = 4 if count <= 12 else 5
        rows = max(1, -(-count // grid.cols))
        pad, gap = grid.padding[1] + grid.padding[3], grid.spacing[1]
        room = (self.ids.tile_view.height - pad - gap * (rows - 1)) / rows
        height = max(dp(MIN_TILE_HEIGHT), min(dp(MAX_TILE_HEIGHT), int(room)))
        for tile in grid.children:
            tile.height = height

    def on_pre_enter(self, *_args: Any) -> None:
        self._draw_tiles()
        # From here on the waiter is told of news wherever they are (screens/serving).
        notice.watch(self.app)

    def on_language(self) -> None:
        self._draw_tiles()

    def _draw_tiles(self) -> None:
        grid = self.ids.tiles
        user = self.app.user
        if user is None:
            grid.clear_widgets()
            self._drawn = None
            return
        self.ids.attention.refresh()
        # Coming back home with the same roles in the same language: the same tiles.
        key = (frozenset(user.roles), self.app.localizer.lang)
        if key == self._drawn:
            return
        self._drawn = key
        grid.clear_widgets()
        tr = self.app.localizer._
        for entry in tiles_for(user.roles):
            tile = HomeTile(
                text=tr(entry.title), size_hint_y=None, height=dp(128), font_size=TYPE.title
            )
            tile.screen_name = entry.name
            tile.bind(on_release=lambda _b, name=entry.name: self.app.open_screen(name))
            grid.add_widget(tile)
        self._fit_tiles()
