"""The audit log, newest first: who did what, when, approved by whom. Managers only."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from screens.widgets.base import TablesideScreen
from services import audit
from services.errors import DomainError


def local_time(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


class AuditLogScreen(TablesideScreen):
    def on_pre_enter(self, *_args: Any) -> None:
        self.reload()

    def reload(self) -> None:
        try:
            lines = audit.recent_events(self.app.store, self.app.user.staff_id)
        except DomainError as error:
            self.fail(error)
            lines = []
        zone = self.app.restaurant.timezone if self.app.restaurant else "UTC"
        self.ids.rows.data = [
            {
                "when": local_time(line.at, zone),
                "who": line.actor + (f" / {line.approver}" if line.approver else ""),
                "what": line.action,
                "where": f"{line.object_type} {line.object_id}".strip(),
            }
            for line in lines
        ]
        self.say("{count} most recent events.", count=len(lines))
