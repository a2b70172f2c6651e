"""Drive the real Tableside app headless: a fresh App per test, real touches, screenshots.

Recipe from docs/ui-testing.md: one window per process, `_run_prepare()` instead of
`run()`, kv files unloaded when the app stops, no transitions.
"""

from __future__ import annotations

import os
import shutil
import time
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


# What `Driver.settle` waits for: callbacks due within this many seconds (a button keeps its
# pressed look 35 ms); and how long it draws frames before calling the app stuck.
SOON = 0.05
SETTLE_SECONDS = 10.0


def _due(event: Any, looks: bool) -> bool:
    """A callback due within SOON, other than a cosmetic Kivy animation (a scroll bar
    fading, a dialog fading in), which runs for up to a second and which nothing the app
    does waits for; and, unless `looks`, other than a button going back to its unpressed
    look (Kivy keeps a pressed look 35 ms, on the real clock)."""
    from kivy.animation import Animation
    from kivy.uix.behaviors import ButtonBehavior

    if event.timeout > SOON:
        return False
    callback = event.get_callback()
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, Animation):
        return False
    pressed_look = isinstance(owner, ButtonBehavior) and callback.__name__ == "_do_release"
    return looks or not pressed_look


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

    def idle(self, times: int | None = None) -> None:
        """Draw `times` frames; without a number, as many as what was set off needs (see
        `settle`)."""
        from kivy.base import EventLoop

        if times is None:
            self.settle()
            return
        for _ in range(times):
            EventLoop.idle()

    def settle(self, looks: bool = False) -> None:
        """Draw frames until nothing is due on the next one (`_due`: layouts, texture
        updates, a screen's "next frame" work, a scroll still moving; with `looks`, a
        button's pressed look too) and nothing is left to redraw. A tap usually needs one
        or two frames: a fixed count either wastes frames or, on a loaded machine, is too
        few for a scroll that moves on the real clock. Timers (the idle check each second,
        the 5 s refreshes) are not waited for: a test that needs one moves the clock."""
        from kivy.base import EventLoop
        from kivy.clock import Clock
        from kivy.core.window import Window

        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            EventLoop.idle()
            due = any(_due(event, looks) for event in Clock.get_events())
            if not due and not Window.canvas.needs_redraw:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the app was still busy after {SETTLE_SECONDS} s")

    def tap(self, widget: Any) -> None:
        from kivy.base import EventLoop
        from kivy.tests.common import UnitTestTouch

        assert widget.get_root_window() is not None, f"{widget!r} is not on screen"
        assert not widget.disabled, f"{widget!r} is disabled"
        touch = UnitTestTouch(*widget.to_window(*widget.center))
        touch.touch_down()
        EventLoop.idle()  # a finger rests on the glass for at least a frame
        touch.touch_up()
        self.settle()

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
        self.settle(looks=True)  # no button caught half-pressed
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
