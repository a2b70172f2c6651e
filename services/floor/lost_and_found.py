"""The lost-and-found log (第10条 ③): what was found, where, when, by whom, which supervisor
keeps it, and to whom it was given back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.store import Store
from models import FoundItem, Staff, StaffRole
from services import audit
from services.errors import Conflict, NotFound
from services.i18n import N_
from services.permissions import Action, require, roles_for
from services.service_day import aware
from services.text import NAME_MAX, RecordId, required_text


class FoundItemLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    description: str
    found_where: str
    found_at: datetime
    found_by: str
    handed_to: str
    returned_to: str
    returned_at: datetime | None
    returned_by: str


class Keeper(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    name: str


def keepers(store: Store) -> list[Keeper]:
    """The people belongings may be handed to: supervisors and managers."""
    with store.read() as s:
        held_by = [r.value for r in roles_for(Action.KEEP_LOST_PROPERTY)]
        rows = s.execute(
            select(Staff.id, Staff.number, Staff.name)
            .where(Staff.active, Staff.roles.any(StaffRole.role.in_(held_by)))
            .order_by(Staff.number)
        ).all()
        return [Keeper(id=r.id, number=r.number, name=r.name) for r in rows]


def found_items(store: Store, viewer_id: int, limit: int = 200) -> list[FoundItemLine]:
    """Items still kept first (oldest first: they have waited longest), then those returned."""
    finder, keeper, returner = aliased(Staff), aliased(Staff), aliased(Staff)
    limit = max(1, min(int(limit), 1000))
    with store.read() as s:
        require(s, viewer_id, Action.KEEP_LOST_PROPERTY)
        rows = s.execute(
            select(FoundItem, finder.name, keeper.name, returner.name)
            .join(finder, finder.id == FoundItem.found_by_id)
            .join(keeper, keeper.id == FoundItem.handed_to_id)
            .outerjoin(returner, returner.id == FoundItem.returned_by_id)
            .order_by(FoundItem.returned_at.is_not(None), FoundItem.found_at, FoundItem.id)
            .limit(limit)
        ).all()
        return [
            FoundItemLine(
                id=item.id,
                description=item.description,
                found_where=item.found_where,
                found_at=item.found_at,
                found_by=found_by,
                handed_to=handed_to,
                returned_to=item.returned_to,
                returned_at=item.returned_at,
                returned_by=returned_by or "",
            )
            for item, found_by, handed_to, returned_by in rows
        ]


class ReturnItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item_id: RecordId
    # Name, phone or room number, as the supervisor writes it.
    returned_to: Annotated[
        str, required_text(NAME_MAX, N_("Write who the item was given back to."))
    ]


def return_item(
    store: Store, actor_id: int, command: ReturnItem, at: datetime | None = None
) -> None:
    """The owner came back for it: record who it was given to."""
    returned_to = command.returned_to
    at = aware(at)
    with store.write() as s:
        require(s, actor_id, Action.KEEP_LOST_PROPERTY)
        item = s.get(FoundItem, command.item_id)
        if item is None:
            raise NotFound("No found item has id {id}.", id=command.item_id)
        if item.returned_at is not None:
            raise Conflict("That item was already given back to {name}.", name=item.returned_to)
        item.returned_to = returned_to
        item.returned_at = at
        item.returned_by_id = actor_id
        audit.record(
            s,
            action="found_item.returned",
            object_type="found_item",
            object_id=item.id,
            actor_id=actor_id,
            returned_to=returned_to,
        )
