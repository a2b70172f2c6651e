"""Drive the real Tableside app headless: a fresh App per test, real touches, screenshots.

Recipe from docs/ui-testing.md: one window per process, `_run_prepare()` instead of
`run()`, kv files unloaded when the app stops, no transitions.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from db import migrate
from db.store import Store

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TABLESIDE_SCREENSHOTS", REPO / "artifacts" / "screenshots"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """The demo restaurant loaded once; each UI test gets its own copy."""
    from services.restaurant.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    migrate.backup_sqlite(sqlite_template, path)
    store = Store(f"sqlite:///{path}")
    load_demo(store)
    store.dispose()
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "tableside.db"
    migrate.backup_sqlite(demo_template, path)
    store = Store(f"sqlite:///{path}")
    yield store
    store.dispose()


class FakeClock:
    """Monotonic seconds that a test moves forward (for idle sign-out)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Driver:
    """Taps and looks at the running app as a person would."""

    def __init__(self, app: Any, clock: FakeClock) -> None:
        self.app = app
        self.clock = clock

    def idle(self, times: int = 3) -> None:
        from kivy.base import EventLoop

        for _ in range(times):
            EventLoop.idle()

    def tap(self, widget: Any) -> None:
        from kivy.base import EventLoop
        from kivy.tests.common import UnitTestTouch

        assert widget.get_root_window() is not None, f"{widget!r} is not on screen"
        assert not widget.disabled, f"{widget!r} is disabled"
        touch = UnitTestTouch(*widget.to_window(*widget.center))
        touch.touch_down()
        EventLoop.idle()
        touch.touch_up()
        self.idle()

    @property
    def screen(self) -> Any:
        return self.app.root.current_screen

    def ids(self, name: str) -> Any:
        return self.screen.ids[name]

    def header(self, name: str) -> Any:
        from screens.widgets.header import HeaderBar

        bars = [w for w in self.screen.walk() if isinstance(w, HeaderBar)]
        return bars[0].ids[name]

    def find(self, cls: type, where: Callable[[Any], bool] = lambda w: True) -> list[Any]:
        return [w for w in self.screen.walk() if isinstance(w, cls) and where(w)]

    def button_with_text(self, text: str) -> Any:
        from kivy.uix.button import Button

        found = self.find(Button, lambda b: text in b.text)
        assert found, f"no button showing {text!r} on {self.screen.name}"
        return found[0]

    def message(self) -> str:
        from screens.widgets.message_line import MessageLine

        lines = self.find(MessageLine)
        return " ".join(w.text for w in lines)

    def type_pin(self, pin: str) -> None:
        pad = self.ids("pad")
        for digit in pin:
            self.tap(pad.ids[f"key_{digit}"])

    def sign_in(self, name: str, pin: str) -> None:
        self.tap(self.button_with_text(name))
        self.type_pin(pin)
        self.tap(self.ids("sign_in_button"))

    def screenshot(self, name: str) -> Path:
        from kivy.core.window import Window

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.idle()
        Window.dispatch("on_draw")
        made = Path(Window.screenshot(name=str(SCREENSHOTS / f"{name}.png")))
        target = SCREENSHOTS / f"{name}.png"
        shutil.move(made, target)  # Kivy appends 0001 to the name; keep the plain one
        return target


@pytest.fixture
def ui(demo_store: Store) -> Iterator[Driver]:
    from kivy.base import EventLoop

    from screens.app import TablesideApp

    clock = FakeClock()
    app = TablesideApp(demo_store, animate=False, clock=clock)
    app._run_prepare()
    EventLoop.start()
    driver = Driver(app, clock)
    driver.idle(4)
    yield driver
    app.stop()
    driver.idle(1)
