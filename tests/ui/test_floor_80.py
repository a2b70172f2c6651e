"""A big dining room: 80 tables in four sections on a 1280×800 tablet. Every table must show
its number, seats and state in words, and every occupied one its guests, minutes and
waiter, in type no smaller than 12 px; the screenshots are there to be looked at."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db import migrate
from db.store import Store
from models import PartyStage
from screens.widgets import table_look
from services.restaurant.demo import load_demo
from services.restaurant.demo_files import DEMO_FOLDER
from tests.ui.conftest import Driver
from tests.ui.seating_setup import busy_floor, open_gate_today, out_of_service, staff_sections

SECTIONS = [
    ("north", "North hall", "北厅", "W01"),
    ("south", "South hall", "南厅", "W02"),
    ("garden", "Garden room", "花园厅", "W03"),
    ("terrace", "Terrace", "露台", "W04"),
]
COLUMNS, ROWS = 12, 7  # slots on the plan; 80 of the 84 hold a table


def generated_floor() -> str:
    """floor.toml for 80 tables: two-tops, four-tops and rounds for six to ten, in rows."""
    lines = ["sections = ["]
    for sort, (code, en, zh, _) in enumerate(SECTIONS, start=1):
        lines.append(f'  {{ code = "{code}", name_en = "{en}", name_zh = "{zh}", sort = {sort} }},')
    lines += ["]", "", "tables = ["]
    number = 0
    for row in range(ROWS):
        for column in range(COLUMNS):
            if number == 80:
                break
            number += 1
            section = SECTIONS[column // 3][0]
            kind = (row + column) % 4
            seats, shape, width, height = [
                (2, "square", 3, 3),
                (4, "rect", 4, 3),
                (6, "round", 4, 4),
                (8 if row % 2 else 10, "round", 4, 4),
            ][kind]
            lines.append(
                f'  {{ number = "{number}", section = "{section}", seats = {seats}, '
                f'shape = "{shape}", x = {1 + column * 5}, y = {1 + row * 5}, '
                f"width = {width}, height = {height} }},"
            )
    lines.append("]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def demo_store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """The demo restaurant with its floor replaced by the generated 80 tables."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_FOLDER, folder)
    (folder / "floor.toml").write_text(generated_floor(), encoding="utf-8")
    # The demo charges service in its private rooms; this floor has none, but a garden room.
    settings = (folder / "restaurant.toml").read_text(encoding="utf-8")
    assert "{ private = 1000 }" in settings
    (folder / "restaurant.toml").write_text(
        settings.replace("{ private = 1000 }", "{ garden = 1000 }"), encoding="utf-8"
    )
    path = tmp_path / "tableside.db"
    migrate.backup_sqlite(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    load_demo(store, folder)
    yield store
    store.dispose()


def test_eighty_tables_are_readable_on_one_tablet_screen(ui: Driver) -> None:
    store = ui.app.store
    open_gate_today(store)
    staff_sections(store, {code: waiter for code, _, _, waiter in SECTIONS})
    stages = [None, PartyStage.ORDERED, PartyStage.EATING, PartyStage.BILL_REQUESTED]
    plan = []
    for n in range(1, 81, 2):  # every other table has guests at some stage of the meal
        stage = stages[(n // 2) % 4]
        if n % 9 == 0:
            stage = PartyStage.PAID
        if n % 13 == 0:
            stage = PartyStage.LEFT
        plan.append((str(n), 2, 5 + n, stage))
    busy_floor(store, plan)
    for number in ("4", "38", "76"):
        out_of_service(store, number, "broken chair")
    ui.sign_in("Li Na", "8888")
    ui.tap(ui.button_with_text("Floor plan"))
    view = ui.screen.view
    assert len(view.tables) == 80
    plan = ui.screen.ids.plan
    for table in view.tables:
        tile = plan.tiles[table.id]
        lines = visible_lines(tile)
        assert lines[0].startswith(table.number), (table.number, tile.text)
        assert tile.font_size >= 12, (table.number, tile.font_size, tile.size)
        # Inside the plan, not under the header or the action bar.
        assert plan.y - 1 <= tile.y and tile.top <= plan.top + 1
        if table.party_id is not None:
            # Guests and minutes, and the waiter by name or by number.
            assert len(lines) >= 3 and f"{table.party_size}" in lines[2], lines
            name = table_look.person_name(table.waiter_name)
            assert name in tile.text or table.waiter_number in tile.text, lines
        elif table.state != "free":
            assert len(lines) >= 3, lines
    ui.screenshot("floor-80-en")
    ui.tap(ui.header("lang_button"))
    for table in view.tables:
        tile = plan.tiles[table.id]
        assert visible_lines(tile)[0].startswith(table.number), tile.text
        assert tile.font_size >= 12
    ui.screenshot("floor-80-zh")


def visible_lines(tile: Any) -> list[str]:
    """The tile's lines, after checking that all of them fit inside the tile as drawn."""
    from kivy.core.text.markup import MarkupLabel

    drawn = MarkupLabel(
        text=tile.text,
        font_size=tile.font_size,
        line_height=tile.line_height,
        text_size=(tile.width, None),
        halign="center",
    )
    drawn.refresh()
    assert drawn.texture.height <= tile.height, (tile.text, drawn.texture.size, tile.size)
    return [re.sub(r"\[/?[a-z]+(=[0-9]+)?\]", "", line) for line in tile.text.split("\n")]
