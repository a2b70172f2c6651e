"""The restaurant's cash settings: whether drawers are counted blind (the cashier counts
before seeing what the drawer should hold, so the count is not bent towards the figure).
A manager's choice; a drawer keeps the way it was opened."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import CashSetting
from services import audit
from services.errors import Conflict
from services.i18n import N_
from services.permissions import Action, require
from services.text import Flag

SETTINGS_CHANGED = N_("Someone else changed the cash settings first: look at them again.")


class CashSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    blind_count: bool


class SetBlindCount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    blind_count: Flag


def _settings(s: Session) -> CashSetting:
    row = s.get(CashSetting, 1)
    if row is None:
        row = CashSetting(id=1, blind_count=False)
        s.add(row)
    return row


def cash_settings(store: Store) -> CashSettings:
    with store.read() as s:
        row = s.get(CashSetting, 1)
        return CashSettings(blind_count=bool(row and row.blind_count))


def set_blind_count(store: Store, actor_id: int, command: SetBlindCount) -> CashSettings:
    """The restaurant's choice; drawers already open keep the way they were opened."""
    try:
        with store.write() as s:
            require(s, actor_id, Action.SET_CASH_RULES)
            row = _settings(s)
            row.blind_count = command.blind_count
            s.flush()
            audit.record(
                s,
                action="cash.blind_count_set",
                object_type="cash_setting",
                object_id=1,
                actor_id=actor_id,
                blind_count=command.blind_count,
            )
            return CashSettings(blind_count=row.blind_count)
    except (IntegrityError, StaleDataError):
        raise Conflict(
            "Someone else changed the cash settings first: look at them again."
        ) from None
