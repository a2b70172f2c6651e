"""The floor plan widget: every table drawn where it stands, as large as the room around it
allows, with as much of its story as fits in type a greeter can read at arm's length.

Tables keep their places and their order on the plan; each one is grown into the free
space around it (never into a neighbour's), and the plan may be stretched a little
sideways to use a landscape tablet. Lines are dropped from the least important one up
rather than shrinking the type below reading size.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from screens.widgets import table_look
from services.floor.plan import FloorView, TableState, TableView

# A table may grow by at most this share of its own size on each side.
GROWTH = 0.5
# How much wider than tall a grid cell may be drawn, to use a landscape screen.
MAX_STRETCH = 1.6
BIGGEST_TYPE = 22
# Read at arm's length at a glance; READABLE_TYPE only when a table is too small for it.
COMFORTABLE_TYPE = 14
READABLE_TYPE = 12
SMALLEST_TYPE = 10
# Line spacing of the tiles, as a share of the font's own: tight, so four lines fit a
# two-top; the gaps between words stay wide enough to read.
LINE_HEIGHT = 0.9


# Sides of a table, in the order room_to_grow gives them.
LEFT, TOP, RIGHT, BOTTOM = range(4)


def _apart(t: TableView, o: TableView) -> tuple[float, int, float, int]:
    """(gap sideways, t's side facing o sideways, gap up-and-down, t's side facing o
    vertically). A gap is -1 on the axis the two tables share: one stands straight beside
    the other (dy is -1) or straight behind it (dx is -1)."""
    if o.x >= t.x + t.width:
        dx, side_x = o.x - (t.x + t.width), RIGHT
    elif t.x >= o.x + o.width:
        dx, side_x = t.x - (o.x + o.width), LEFT
    else:
        dx, side_x = -1, LEFT
    if o.y >= t.y + t.height:
        dy, side_y = o.y - (t.y + t.height), BOTTOM
    elif t.y >= o.y + o.height:
        dy, side_y = t.y - (o.y + o.height), TOP
    else:
        dy, side_y = -1, TOP
    return dx, side_x, dy, side_y


def room_to_grow(tables: Sequence[TableView]) -> dict[int, tuple[float, float, float, float]]:
    """Cells each table may grow on each side (left, top, right, bottom) without touching
    any other table.

    First each side takes half the gap to the nearest table straight in front of it (that
    table takes the other half). Then two tables standing diagonally that would now touch
    give up growth on the axis where that costs least; growth only ever shrinks in that
    step, so no pair settled earlier is disturbed.
    """
    grow = {
        t.id: [GROWTH * t.width, GROWTH * t.height, GROWTH * t.width, GROWTH * t.height]
        for t in tables
    }
    for t in tables:
        for o in tables:
            if o is t:
                continue
            dx, side_x, dy, side_y = _apart(t, o)
            if dy < 0:  # side by side
                grow[t.id][side_x] = min(grow[t.id][side_x], dx / 2)
            elif dx < 0:  # one behind the other
                grow[t.id][side_y] = min(grow[t.id][side_y], dy / 2)
    for i, t in enumerate(tables):
        for o in tables[i + 1 :]:
            dx, side_x, dy, side_y = _apart(t, o)
            if dx < 0 or dy < 0:
                continue
            facing_x, facing_y = (side_x + 2) % 4, (side_y + 2) % 4  # o's sides facing t
            over_x = grow[t.id][side_x] + grow[o.id][facing_x] - dx
            over_y = grow[t.id][side_y] + grow[o.id][facing_y] - dy
            if over_x <= 0 or over_y <= 0:
                continue
            if over_x <= over_y:
                grow[t.id][side_x] = min(grow[t.id][side_x], dx / 2)
                grow[o.id][facing_x] = min(grow[o.id][facing_x], dx / 2)
            else:
                grow[t.id][side_y] = min(grow[t.id][side_y], dy / 2)
                grow[o.id][facing_y] = min(grow[o.id][facing_y], dy / 2)
    return {table_id: (g[0], g[1], g[2], g[3]) for table_id, g in grow.items()}


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: int) -> float:
    """Width in px of one line in the app's font, as the label will draw it. Cached: the
    same few hundred lines come back on every refresh."""
    return float(CoreLabel(font_size=size).get_extents(text)[0])


@functools.lru_cache(maxsize=64)
def line_px(size: int) -> float:
    """Height in px of one line at this size, Latin and Chinese alike, at tile spacing:
    rounded up to a whole pixel, as the label lays out each line."""
    return float(math.ceil(CoreLabel(font_size=size).get_extents("Ag空")[1] * LINE_HEIGHT))


class TileLine(NamedTuple):
    """One line of a tile, said in several ways, the fullest first (a small table gets the
    short one). Only free text (a name, a reason) may be cut short with an ellipsis."""

    ways: tuple[str, ...]
    cuttable: bool = False


# The lines of a tile, most important first.
Layout = list[TileLine]


# How hard a line may be squeezed: said in full only; said the short way; cut short.
FULL, SHORT, CUT = range(3)


def _say(line: TileLine, size: int, room: float, squeeze: int) -> str | None:
    for text in line.ways if squeeze >= SHORT else line.ways[:1]:
        if text_width(text, size) <= room:
            return text
    if not (squeeze >= CUT and line.cuttable):
        return None
    text = line.ways[-1]
    while len(text) > 3 and text_width(text + "…", size) > room:
        text = text[:-1]
    return text + "…" if len(text) > 3 else None


def _fit(layout: Layout, size: int, width: float, height: float, squeeze: int) -> list[str]:
    """The layout's lines at this size if they all fit the tile, else []."""
    sizes = [int(size * 1.25), *[size] * (len(layout) - 1)]
    if sum(line_px(s) for s in sizes) > height:
        return []
    shown = [_say(line, s, width, squeeze) for line, s in zip(layout, sizes, strict=True)]
    return [text for text in shown if text is not None] if None not in shown else []


def fit_tile(layouts: Sequence[Layout], width: float, height: float) -> tuple[int, list[str]]:
    """(type size in px, the lines to show). The first line is drawn 1.25 times as large.

    Every layout but the last tells the whole story: those are tried in comfortable type,
    then in the smallest readable type; the last (the bare minimum) only after them.
    Within a layout, every line said in full in smaller type beats a short way in larger
    type, and a long name or reason is cut short before the layout is given up. Only if
    nothing fits is the type made smaller still, and then only for number and state.
    """
    room_w, room_h = width - dp(4), height - dp(2)
    comfortable = (COMFORTABLE_TYPE, BIGGEST_TYPE)
    readable = (READABLE_TYPE, COMFORTABLE_TYPE - 1)
    whole, least = layouts[:-1], layouts[-1]
    tries = [
        *((layout, comfortable) for layout in whole),
        *((layout, readable) for layout in whole),
        (least, comfortable),
        (least, readable),
    ]
    for layout, (smallest, largest) in tries:
        for squeeze in (FULL, SHORT, CUT):
            for size in range(largest, smallest - 1, -1):
                shown = _fit(layout, size, room_w, room_h, squeeze)
                if shown:
                    return size, shown
    for count in (2, 1):
        for size in range(READABLE_TYPE - 1, SMALLEST_TYPE - 1, -1):
            shown = _fit(least[:count], size, room_w, room_h, SHORT)
            if shown:
                return size, shown
    return SMALLEST_TYPE, [least[0].ways[-1]]


def tile_layouts(
    table: TableView, view: FloorView, tr: Callable[..., str], lang: str
) -> list[Layout]:
    """Ways to tell a table's story, fullest first: which table, what it is doing, its
    guests and time, its waiter (or why it is out of service, or how long it has stood
    empty). A small table gets a shorter way rather than smaller type."""
    head = TileLine(
        (tr("{number} · {seats} seats", number=table.number, seats=table.seats), table.number)
    )
    state = TileLine((table_look.state_word(table.state, tr),))
    if table.party_id is not None:
        minutes = table_look.minutes_since(table.seated_at, view.at)
        time = tr("{minutes} min", minutes=minutes)
        full = f"{table_look.guests(table.party_size, tr)} · {time}"
        short = tr("{size}p · {minutes}m", size=table.party_size, minutes=minutes)
        waiter = table_look.person_name(table.waiter_name)
        if table.joined_with:
            # In words: "+3" read like three more guests.
            joined = tr("joined with {tables}", tables=" + ".join(table.joined_with))
            return [
                [
                    head,
                    state,
                    TileLine((full, short)),
                    TileLine((f"{waiter} · {joined}", f"{table.waiter_number} · {joined}")),
                ],
                [head, state, TileLine((full, short)), TileLine((joined,))],
                [head, state, TileLine((short,)), TileLine((joined,), True)],
                [head, state, TileLine((short,))],
            ]
        return [
            # The waiter whole, or by number where the name does not fit: a name is never
            # cut ("张伟 Zha…"), as it reads the same on every screen (table_look).
            [head, state, TileLine((full, short)), TileLine((waiter, table.waiter_number))],
            [head, state, TileLine((f"{short} · {table.waiter_number}",))],
            [head, state, TileLine((short,))],
        ]
    if table.state == TableState.NEEDS_RESET:
        minutes = table_look.minutes_since(table.vacated_at, view.at)
        return [[head, state, TileLine((tr("empty {minutes} min", minutes=minutes),))]]
    if table.state == TableState.OUT_OF_SERVICE:
        return [[head, state, TileLine((table.out_of_service_reason,), True)], [head, state]]
    return [[head, state]]


class FloorTable(ButtonBehavior, Label):
    """One table on the plan: its colour, its words, a white ring when it is the one tapped."""

    table_id = NumericProperty(0)
    fill = ListProperty([0.2, 0.2, 0.2, 1])
    radius = NumericProperty(6)
    selected = BooleanProperty(False)
    dimmed = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", True)
        kwargs.setdefault("halign", "center")
        kwargs.setdefault("valign", "middle")
        kwargs.setdefault("line_height", LINE_HEIGHT)
        super().__init__(**kwargs)
        with self.canvas.before:
            self._fill = Color(*self.fill)
            self._shape = RoundedRectangle()
            self._ring_colour = Color(1, 1, 1, 0)
            self._ring = Line(width=dp(3))
        self.bind(
            pos=self._draw, size=self._draw, fill=self._draw, selected=self._draw, radius=self._draw
        )
        self.bind(dimmed=lambda *_: setattr(self, "opacity", 0.35 if self.dimmed else 1))

    def _draw(self, *_args: Any) -> None:
        self._fill.rgba = self.fill
        self._shape.pos, self._shape.size = self.pos, self.size
        self._shape.radius = [self.radius]
        self._ring_colour.a = 1 if self.selected else 0
        pad = dp(3)
        self._ring.rounded_rectangle = (
            self.x - pad,
            self.y - pad,
            self.width + 2 * pad,
            self.height + 2 * pad,
            self.radius + pad,
        )
        self.text_size = self.size


class FloorPlan(FloatLayout):
    """The tables at their places, scaled to the space the screen gives the plan."""

    view = ObjectProperty(None, allownone=True)
    selected_id = NumericProperty(0)
    # Table ids that may be tapped in the current mode; empty: all of them.
    targets = ListProperty([])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tiles: dict[int, FloorTable] = {}
        self._room: dict[int, tuple[float, float, float, float]] = {}
        self.bind(size=self._place, pos=self._place)

    def show(self, view: FloorView, tap: Callable[[int], None]) -> None:
        """Draw a fresh view; tiles are built (and placed) again only when the floor's
        tables themselves changed, which a refresh almost never finds."""
        old = self.view
        self.view = view
        placing = [(t.id, t.x, t.y, t.width, t.height) for t in view.tables]
        if old is None or placing != [(t.id, t.x, t.y, t.width, t.height) for t in old.tables]:
            self.clear_widgets()
            self.tiles = {}
            self._room = room_to_grow(view.tables)
            for table in view.tables:
                tile = FloorTable(table_id=table.id, size_hint=(None, None))
                tile.bind(on_release=lambda t: tap(int(t.table_id)))
                self.tiles[table.id] = tile
                self.add_widget(tile)
            self._place()
        else:
            self.redraw()

    def _place(self, *_args: Any) -> None:
        if self.view is None or not self.view.tables:
            return
        boxes = {}
        for t in self.view.tables:
            grow_l, grow_t, grow_r, grow_b = self._room.get(t.id, (0.0, 0.0, 0.0, 0.0))
            boxes[t.id] = (
                t.x - grow_l,
                t.y - grow_t,
                t.x + t.width + grow_r,
                t.y + t.height + grow_b,
            )
        min_x = min(b[0] for b in boxes.values())
        min_y = min(b[1] for b in boxes.values())
        columns = max(b[2] for b in boxes.values()) - min_x
        rows = max(b[3] for b in boxes.values()) - min_y
        cell_h = min(self.height / rows, self.width / columns)
        cell_w = min(self.width / columns, cell_h * MAX_STRETCH)
        spare_x = (self.width - cell_w * columns) / 2
        spare_y = (self.height - cell_h * rows) / 2
        gap = dp(4)
        for t in self.view.tables:
            tile = self.tiles.get(t.id)
            if tile is None:
                continue
            x0, y0, x1, y1 = boxes[t.id]
            tile.size = ((x1 - x0) * cell_w - gap, (y1 - y0) * cell_h - gap)
            tile.pos = (
                self.x + spare_x + (x0 - min_x) * cell_w + gap / 2,
                self.top - spare_y - (y1 - min_y) * cell_h + gap / 2,
            )
            short = min(tile.width, tile.height)
            tile.radius = short * 0.35 if t.shape == "round" else dp(6)
        self.redraw()

    def redraw(self) -> None:
        if self.view is None:
            return
        from kivy.app import App

        loc = App.get_running_app().localizer
        for table in self.view.tables:
            tile = self.tiles.get(table.id)
            if tile is None:
                continue
            tile.fill = table_look.STATE_COLOURS[table.state]
            tile.color = table_look.text_colour(table.state)
            tile.selected = table.id == self.selected_id
            tile.dimmed = bool(self.targets) and table.id not in self.targets
            layouts = tile_layouts(table, self.view, loc._, loc.lang)
            size, kept = fit_tile(layouts, tile.width, tile.height)
            tile.font_size = size
            tile.text = "\n".join(
                f"[size={int(size * 1.25)}][b]{table_look.plain(line)}[/b][/size]"
                if i == 0
                else f"[b]{table_look.plain(line)}[/b]"
                if i == 1
                else table_look.plain(line)
                for i, line in enumerate(kept)
            )
