"""The Kivy application: the window, the font, the screens, who is signed in, idle sign-out."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window  # the window must exist before any text is drawn
from kivy.lang import Builder, global_idmap
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import (
    NoTransition,
    Screen,
    ScreenManager,
    ScreenManagerException,
    SlideTransition,
)

from db.store import Store
from screens.checklists.board import load_checklist_templates
from screens.home import HomeScreen
from screens.localizer import Localizer
from screens.people.login import LoginScreen
from screens.registry import HOME_TILES, ScreenEntry
from screens.widgets import (
    choice_list,
    header,
    message_line,
    pin_pad,
    showable,
    stepper,
    theme,
    toggle_groups,
)
from services.errors import NotAllowed
from services.i18n import N_
from services.people import staff as staff_service
from services.people.staff import SignedIn, SignOut
from services.permissions import ROLE_WORDS, allowed
from services.printing.spooler import SpoolerThread, start_print_spooler
from services.restaurant.settings import RestaurantInfo, restaurant_info

SCREENS = Path(__file__).resolve().parent
FONT = SCREENS.parent / "assets" / "fonts" / "wqy-microhei.ttc"
# How often a signed-in tablet asks whether its session still holds (one primary-key read).
SESSION_CHECK_SECONDS = 5
# Shared rules first: screens' rules use the widgets they define.
COMMON_KV = [
    SCREENS / "widgets" / f"{name}.kv" for name in ("common", "showable", "stepper", "choice_list")
]
# Imported for their Factory registration, used by the kv files.
_ = (header, message_line, pin_pad, showable, stepper, choice_list)
toggle_groups.install()  # before any grouped toggle button is tapped
FIRST_SCREENS: dict[str, type] = {"login": LoginScreen, "home": HomeScreen}


class TablesideRoot(ScreenManager):
    def __init__(self, build: Callable[[str], Screen], **kwargs: Any) -> None:
        self._build = build
        super().__init__(**kwargs)

    def get_screen(self, name: str) -> Screen:
        # Setting `current` asks for the screen too, so navigation builds it on first use.
        if not self.has_screen(name):
            self.add_widget(self._build(name))
        return super().get_screen(name)

    def on_touch_down(self, touch: Any) -> bool:
        App.get_running_app().note_activity()
        return bool(super().on_touch_down(touch))


class TablesideApp(App):
    title = "Tableside"
    user = ObjectProperty(None, allownone=True)
    user_label = StringProperty("")
    restaurant_name = StringProperty("Tableside")

    def __init__(
        self,
        store: Store,
        *,
        animate: bool = True,
        lang: str = "en",
        clock: Callable[[], float] = time.monotonic,
        checklist_folder: Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.animate = animate
        self.start_lang = lang
        self.clock = clock
        self.checklist_folder = checklist_folder
        self.last_activity = clock()
        self._session_checked = clock()
        self.restaurant: RestaurantInfo | None = None
        self._notice: tuple[str, dict[str, Any]] | None = None
        self._kv_files: list[str] = []
        self._idle_event: Any = None
        # Built screens last drawn in the other language (see `_on_language`).
        self._language_behind: set[str] = set()
        self.print_spooler: SpoolerThread | None = None

    # -- building ---------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        Window.clearcolor = theme.BACKGROUND
        LabelBase.register(DEFAULT_FONT, str(FONT))
        self.localizer = Localizer(lang=self.start_lang)
        global_idmap["l"] = self.localizer
        self.localizer.bind(lang=self._on_language)
        self.restaurant = restaurant_info(self.store)
        # At start, so a malformed template is refused (and logged) before anyone needs it.
        self.checklist_templates = load_checklist_templates(self.checklist_folder)
        # This tablet's printers (if TABLESIDE_PRINTERS names a set-up) print in the background.
        self.print_spooler = start_print_spooler(self.store)
        self._refresh_names()

        for path in COMMON_KV:
            self._load_kv(path)
        root = TablesideRoot(
            self._build_screen, transition=SlideTransition() if self.animate else NoTransition()
        )
        root.current = "login"
        self._idle_event = Clock.schedule_interval(self.check_idle, 1)
        # A touch inside a dialog counts as activity too: dialogs sit on the window, above
        # the screens, so the root never sees their touches.
        Window.bind(on_touch_down=self._window_touched)
        return root

    def _load_kv(self, path: Path) -> None:
        if str(path) not in self._kv_files:
            Builder.load_file(str(path))
            self._kv_files.append(str(path))

    def _build_screen(self, name: str) -> Screen:
        """A screen is built the first time someone opens it: start-up stays quick, and a
        screen nobody on this tablet uses costs nothing."""
        if name in FIRST_SCREENS:
            cls: type = FIRST_SCREENS[name]
        else:
            entry = next((e for e in HOME_TILES if e.name == name), None)
            if entry is None:
                raise ScreenManagerException(f"No screen is called {name!r}.")
            cls = getattr(importlib.import_module(f"screens.{entry.module}"), entry.class_name)
        # Each screen's rules sit beside its module: screens/<capability>/<name>.kv.
        self._load_kv(Path(sys.modules[cls.__module__].__file__ or "").with_suffix(".kv"))
        screen: Screen = cls(name=name)
        screen.bind(on_pre_enter=self._catch_up_language)
        return screen

    def on_stop(self) -> None:
        self.close_dialogs()
        if self.print_spooler is not None:
            self.print_spooler.stop()
        if self._idle_event is not None:
            self._idle_event.cancel()
        Window.unbind(on_touch_down=self._window_touched)
        # Without this, every new App in the same process adds another copy of each rule.
        for path in self._kv_files:
            Builder.unload_file(path)
        self._kv_files.clear()
        global_idmap.pop("l", None)

    # -- language ---------------------------------------------------------------------------

    def _refresh_names(self) -> None:
        loc = self.localizer
        if self.restaurant:
            self.restaurant_name = loc.pick(self.restaurant.name, self.restaurant.name_zh)
        if self.user:
            roles = " · ".join(loc._(ROLE_WORDS[r]) for r in sorted(self.user.roles))
            self.user_label = f"{self.user.name} ({self.user.number}) · {roles}"
        else:
            self.user_label = ""

    def _on_language(self, *_args: Any) -> None:
        """Redraw the screen in view now and each other built screen when it is next shown:
        redrawing every screen a tablet had visited made a switch cost a fifth of a second
        there and more on a cheap tablet."""
        self._refresh_names()
        current = self.root.current_screen
        for screen in self.root.screens:
            if screen is current:
                screen.on_language()
            else:
                self._language_behind.add(screen.name)

    def _catch_up_language(self, screen: Screen) -> None:
        # Bound to on_pre_enter, so it runs before the screen's own: a screen that redraws
        # only what changed since it last drew still shows every word in the new language.
        if screen.name in self._language_behind:
            self._language_behind.discard(screen.name)
            screen.on_language()

    # -- who is signed in -------------------------------------------------------------------

    def signed_in(self, user: SignedIn) -> None:
        self.user = user
        self._session_checked = self.clock()
        self.note_activity()
        self._refresh_names()
        self.root.current = "home"

    def sign_out(self, reason: str = "manual") -> None:
        if self.user is not None:
            staff_service.sign_out(self.store, self.user.staff_id, SignOut(reason=reason))
            if reason == "idle":
                minutes = max(1, self.user.idle_logout_seconds // 60)
                self._notice = (
                    N_("Signed out after {minutes} min without a touch."),
                    {"minutes": minutes},
                )
        # An open dialog would stay on top of the sign-in pad and act for nobody.
        self.close_dialogs()
        self.user = None
        self._refresh_names()
        self.root.current = "login"

    def close_dialogs(self) -> None:
        """Every open dialog (ModalView, and so Popup) goes at once, without its fade: one
        left on the window after sign-out would take the next person's taps."""
        for child in list(Window.children):
            if isinstance(child, ModalView):
                child.dismiss(force=True, animation=False)

    def take_notice(self) -> tuple[str, dict[str, Any]] | None:
        notice, self._notice = self._notice, None
        return notice

    def _window_touched(self, *_args: Any) -> None:
        self.note_activity()

    def note_activity(self) -> None:
        self.last_activity = self.clock()

    def check_idle(self, *_args: Any) -> None:
        if self.user is None:
            return
        now = self.clock()
        if now - self.last_activity >= self.user.idle_logout_seconds:
            self.sign_out(reason="idle")
            return
        if now - self._session_checked >= SESSION_CHECK_SECONDS:
            # Locked out, deactivated or given a new PIN on another tablet: this one must
            # not stay signed in as them, even if nobody taps anything here.
            self._session_checked = now
            ended = staff_service.session_ended(self.store, self.user.staff_id)
            if ended is not None:
                self.session_ended(ended)

    def session_ended(self, sentence: str) -> None:
        """The person's session ended elsewhere (services/people/sessions.py): back to the
        sign-in pad, saying why; nothing more is done in their name."""
        self._notice = (sentence, {})
        self.close_dialogs()
        self.user = None
        self._refresh_names()
        self.root.current = "login"

    # -- navigation -------------------------------------------------------------------------

    def go_home(self) -> None:
        self.root.current = "home" if self.user else "login"

    def open_screen(self, name: str) -> None:
        entry: ScreenEntry | None = next((e for e in HOME_TILES if e.name == name), None)
        if self.user is None or entry is None:
            self.go_home()
            return
        if entry.action is not None and not allowed(self.user.roles, entry.action):
            raise NotAllowed("Your roles do not open this screen.")
        self.root.current = name
