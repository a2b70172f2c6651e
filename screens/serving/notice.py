"""The waiter is told wherever they are in the app (第5条 ③: the greeter tells the waiter;
第8条: dishes are taken from the pass in turn): a table just seated, a course ready at the
pass, a course no kitchen screen or printer confirmed. A bar over the title of whatever
screen is shown (never over a button), read from the store every few seconds; a tap
opens "My tables", which shows everything, and from then on only what is newer counts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.uix.button import Button
from kivy.uix.modalview import ModalView

from screens.widgets import table_look
from screens.widgets.theme import TYPE
from services.errors import DomainError
from services.permissions import Action, allowed
from services.serving.tables import NeedKind, TableNeeds, waiter_alerts

POLL_SECONDS = 3
# At sign-in, what happened this long before still counts as news.
LOOK_BACK = timedelta(minutes=15)
# The header's height: the bar sits over the screen's title, clear of the header buttons.
BAR_HEIGHT = dp(64)
TELLS = (NeedKind.NOT_DELIVERED, NeedKind.COURSE_READY, NeedKind.JUST_SEATED)


class WaiterNoticeBar(Button):
    pass


def alert_text(alerts: list[TableNeeds], loc: Any, since: datetime) -> str:
    """The most urgent piece of news in words, and how many more there are."""
    tr = loc._
    news = [
        (table, need)
        for table in alerts
        for need in table.needs
        if need.kind in TELLS and need.since > since
    ]
    if not news:
        return ""
    news.sort(key=lambda pair: -pair[1].urgency)
    table, need = news[0]
    course = loc.pick(need.course_name_en, need.course_name_zh)
    if need.kind == NeedKind.COURSE_READY:
        text = tr(
            "Table {table}: {course} ready at the pass", table=table.table_label, course=course
        )
        if need.hot:
            text += " · " + tr("HOT: warn the guests")
    elif need.kind == NeedKind.NOT_DELIVERED:
        text = tr(
            "Table {table}: the kitchen has not confirmed {course}",
            table=table.table_label,
            course=course,
        )
    else:
        text = tr(
            "Table {table}: just seated, {guests}",
            table=table.table_label,
            guests=table_look.guests(table.guests, tr),
        )
    if len(news) > 1:
        text += " · " + tr("+{count} more", count=len(news) - 1)
    return text


class NoticeKeeper:
    """One per running app: polls while a waiter is signed in, stops with the app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        app._load_kv(Path(__file__).with_suffix(".kv"))  # unloaded when the app stops
        self.bar = WaiterNoticeBar(size_hint=(None, None), font_size=TYPE.body, bold=True)
        self.bar.bind(on_release=self._open)
        self.staff_id: int | None = None
        self.since = datetime.now(UTC)
        self.event = Clock.schedule_interval(self.tick, POLL_SECONDS)
        app.bind(on_stop=self.stop)
        app.localizer.bind(lang=lambda *_a: self.tick(0))
        # Signed out: the bar goes at once, not at the next poll (it is someone else's news).
        app.bind(user=lambda *_a: self.tick(0))
        Window.bind(size=self._place)

    def stop(self, *_args: Any) -> None:
        self.event.cancel()
        Window.unbind(size=self._place)
        self._hide()

    def tick(self, _dt: float) -> bool | None:
        app = self.app
        if App.get_running_app() is not app or app.root is None:
            self.stop()
            return False
        user = app.user
        if user is None or not allowed(user.roles, Action.SERVE_TABLES):
            self.staff_id = None
            self._hide()
            return None
        now = datetime.now(UTC)
        if user.staff_id != self.staff_id:
            self.staff_id, self.since = user.staff_id, now - LOOK_BACK
        if any(isinstance(w, ModalView) for w in Window.children):
            # A dialog is open: it has the person's attention and takes every touch.
            self._hide()
            return None
        if app.root.current == "my_tables":
            # Everything is in front of the waiter there: only what comes later is news.
            self.since = now
            self._hide()
            return None
        try:
            alerts = waiter_alerts(app.store, user.staff_id, self.since)
        except DomainError:
            alerts = []
        text = alert_text(alerts, app.localizer, self.since)
        if text:
            self._show(text)
        else:
            self._hide()
        return None

    def _place(self, *_args: Any) -> None:
        self.bar.size = (Window.width * 0.46, BAR_HEIGHT)
        self.bar.pos = (0, Window.height - BAR_HEIGHT)
        self.bar.text_size = (self.bar.width - dp(16), None)

    def _show(self, text: str) -> None:
        self.bar.text = text
        self._place()
        if self.bar.parent is None:
            Window.add_widget(self.bar)

    def _hide(self) -> None:
        if self.bar.parent is not None:
            self.bar.parent.remove_widget(self.bar)

    def _open(self, *_args: Any) -> None:
        self.app.note_activity()
        self._hide()
        self.app.open_screen("my_tables")


_keepers: dict[int, NoticeKeeper] = {}


def watch(app: Any) -> NoticeKeeper:
    """Start telling this app's waiter (once per app; called when home is shown)."""
    keeper = _keepers.get(id(app))
    if keeper is None or keeper.app is not app:
        _keepers.clear()  # one app runs at a time: an older one has stopped
        keeper = _keepers[id(app)] = NoticeKeeper(app)
    return keeper
