"""Screens that show what other tablets change re-read the store every few seconds while
they are shown, and stop as soon as they are not."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock


class Refreshing:
    """Mixed into a TablesideScreen that has a `refresh()` method."""

    refresh_seconds: float = 3
    _refresh_event: Any = None

    def start_refreshing(self) -> None:
        self.stop_refreshing()
        self._refresh_event = Clock.schedule_interval(self._tick, self.refresh_seconds)

    def stop_refreshing(self) -> None:
        if self._refresh_event is not None:
            self._refresh_event.cancel()
            self._refresh_event = None

    def _tick(self, _dt: float) -> bool:
        screen: Any = self
        # A stopped app (a test's, a closed one) takes its window away: stop with it.
        manager = screen.manager
        if screen.get_root_window() is None or manager is None or manager.current != screen.name:
            self.stop_refreshing()
            return False
        screen.refresh()
        return True
