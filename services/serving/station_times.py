"""When a station's tickets turn amber and red on its kitchen screen (第8条 ①: dishes in
time). A station that has set nothing uses the defaults in services/serving/board.py."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from db.store import Store
from models import StationTiming
from services import audit
from services.errors import DomainError
from services.permissions import Action, require
from services.serving.board import STATIONS
from services.serving.firing import bump_marker
from services.text import Count, Name


class SetStationTimes(BaseModel):
    """When a station's tickets turn amber and red (minutes since the course fired)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    station: Name
    amber_minutes: Count
    red_minutes: Count


def set_station_times(store: Store, actor_id: int, cmd: SetStationTimes) -> tuple[str, int, int]:
    """Returns (station, amber_seconds, red_seconds) as stored."""
    if cmd.station not in STATIONS:
        raise DomainError("There is no station called {station}.", station=cmd.station[:32])
    if not 0 < cmd.amber_minutes < cmd.red_minutes <= 240:
        raise DomainError(
            "Amber comes before red: choose minutes with amber less than red (at most 240)."
        )
    with store.write() as s:
        actor = require(s, actor_id, Action.SET_KITCHEN_TIMES)
        row = s.get(StationTiming, cmd.station)
        if row is None:
            row = StationTiming(station=cmd.station, amber_seconds=0, red_seconds=0)
            s.add(row)
        was = (row.amber_seconds, row.red_seconds)
        row.amber_seconds = cmd.amber_minutes * 60
        row.red_seconds = cmd.red_minutes * 60
        bump_marker(s)
        audit.record(
            s,
            action="kitchen.times_set",
            object_type="station_timing",
            object_id=cmd.station,
            actor_id=actor.id,
            amber_seconds=row.amber_seconds,
            red_seconds=row.red_seconds,
            was=list(was),
        )
        return row.station, row.amber_seconds, row.red_seconds
