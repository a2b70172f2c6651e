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
from tests.database_support import fresh_sqlite_copy
from tests.kept_engines import KeptEngines

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


@pytest.fixture(scope="session")
def demo_place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this worker's UI tests find their copy of the demo: one path for all of them,
    so its engine is kept from test to test (tests/kept_engines.py)."""
    return tmp_path_factory.mktemp("demo-store") / "tableside.db"


@pytest.fixture
def demo_store(demo_template: Path, demo_place: Path, kept_engines: KeptEngines) -> Iterator[Store]:
    store = kept_engines.store(fresh_sqlite_copy(demo_template, demo_place))
    yield store
    kept_engines.put_back(store)


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

    if event.timeout > SOON:
        return False
    callback = event.get_callback()
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, Animation):
        return False
    return looks or not _pressed_look(callback)


def _pressed_look(callback: Any) -> bool:
    """The callback Kivy schedules to end a tapped button's pressed look."""
    from kivy.uix.behaviors import ButtonBehavior

    owner = getattr(callback, "__self__", None)
    return isinstance(owner, ButtonBehavior) and callback.__name__ == "_do_release"


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
        self.drawing = False

    def skip_drawing(self, *_: Any) -> bool:
        """Bound to the window's on_draw and on_flip, it runs before Kivy's own handler and,
        by returning True, stops it: a frame then runs the app's clock, layout and text but
        rasterizes nothing. Nothing but a screenshot looks at the pixels (see `screenshot`),
        and llvmpipe drawing every frame of 1280×800 in software was half a UI test's time."""
        return not self.drawing

    def idle(self, times: int | None = None) -> None:
        """Run `times` frames; without a number, as many as what was set off needs (see
        `settle`)."""
        from kivy.base import EventLoop

        if times is None:
            self.settle()
            return
        for _ in range(times):
            EventLoop.idle()

    def settle(self, looks: bool = False) -> None:
        """Run frames until nothing is due on the next one (`_due`: layouts, texture
        updates, a screen's "next frame" work, a scroll still moving; with `looks`, a
        button's pressed look too). A tap usually needs one or two frames: a fixed count
        either wastes frames or, on a loaded machine, is too few for a scroll that moves on
        the real clock. Timers (the idle check each second, the 5 s refreshes) are not
        waited for: a test that needs one moves the clock."""
        from kivy.base import EventLoop
        from kivy.clock import Clock

        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            EventLoop.idle()
            if not any(_due(event, looks) for event in Clock.get_events()):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the app was still busy after {SETTLE_SECONDS} s")

    def wait_until(self, done: Callable[[], bool], seconds: float = 3.0) -> bool:
        """Run frames until `done()` holds or `seconds` of real time have passed, for what
        the app does on Kivy's real clock (the idle check each second, a dialog closing, a
        scroll). Frames are uncapped in the tests, so it rests 5 ms between them instead of
        spinning a core that the other test worker needs."""
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            self.idle(1)
            time.sleep(0.005)
        return True

    def let_time_pass(self, seconds: float) -> None:
        """What `seconds` without a touch do, without waiting them out: the app's clock moves
        on, and each of Kivy's repeating timers whose period fits in them (the idle check
        each second, a screen's poll every few seconds) fires once, as Kivy's clock would
        have fired it; then the frames that sets off. A timer stopped by one fired before
        it (a screen left at a sign-out) does not fire."""
        from kivy.clock import Clock

        self.clock.now += seconds
        for event in list(Clock.get_events()):
            if event.loop and event.timeout <= seconds and event.is_triggered:
                callback = event.get_callback()
                if callback is not None:  # its widget is gone
                    callback(event.timeout)
        self.settle()

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

    def _release_pressed_buttons(self) -> None:
        """Give a just-tapped button its normal look now instead of 35 ms of Kivy's real
        clock from now, which uncapped frames would spin through."""
        from kivy.clock import Clock

        for event in list(Clock.get_events()):
            callback = event.get_callback()
            if _pressed_look(callback) and event.is_triggered:
                event.cancel()
                callback(0)

    def screenshot(self, name: str) -> Path:
        from kivy.core.window import Window

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self._release_pressed_buttons()
        self.settle(looks=True)  # no button caught half-pressed
        self.drawing = True
        try:
            Window.dispatch("on_draw")
            made = Path(Window.screenshot(name=str(SCREENSHOTS / f"{name}.png")))
        finally:
            self.drawing = False
        target = SCREENSHOTS / f"{name}.png"
        shutil.move(made, target)  # Kivy appends 0001 to the name; keep the plain one
        return target


@pytest.fixture
def ui(demo_store: Store) -> Iterator[Driver]:
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from screens.app import TablesideApp

    clock = FakeClock()
    app = TablesideApp(demo_store, animate=False, clock=clock)
    app._run_prepare()
    EventLoop.start()
    driver = Driver(app, clock)
    Window.bind(on_draw=driver.skip_drawing, on_flip=driver.skip_drawing)
    driver.idle(4)
    yield driver
    app.stop()
    driver.idle(1)
    Window.unbind(on_draw=driver.skip_drawing, on_flip=driver.skip_drawing)
