"""Every screen, opened in Chinese by the people who use it, asks the catalogue only for
sentences it has: a sentence that reached the screen without being extracted (a constant
not marked with N_, a word built at run time) shows up here as a miss."""

from __future__ import annotations

import pytest

from screens.home import HomeTile
from tests.ui.conftest import Driver

# A manager opens nearly every screen; the waiter's and the kitchen's differ by person.
PEOPLE = [("Wang Jianguo", "9999"), ("Zhang Wei", "1111"), ("Chen Shifu", "0000")]


@pytest.mark.parametrize(("name", "pin"), PEOPLE, ids=[p[0] for p in PEOPLE])
def test_every_home_screen_in_chinese_has_every_sentence(ui: Driver, name: str, pin: str) -> None:
    ui.tap(ui.header("lang_button"))
    assert ui.app.localizer.lang == "zh"
    ui.sign_in(name, pin)
    assert ui.screen.name == "home"
    titles = sorted(tile.text for tile in ui.find(HomeTile))
    assert titles, "no screen to open"
    for title in titles:
        ui.tap(next(t for t in ui.find(HomeTile) if t.text == title))
        assert ui.screen.name != "home", f"{title} did not open"
        ui.tap(ui.header("home_button"))
        assert ui.screen.name == "home"
    assert ui.app.localizer.missing == set()
