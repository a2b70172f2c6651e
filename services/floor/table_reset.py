"""After the guests leave (第10条 ③④): check for forgotten belongings, hand them to a
supervisor, reset the table for the next party. Also taking a table out of service and
putting it back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.store import Store
from models import DiningTable, FoundItem, Staff, TableClosure, TableOccupancy
from services import audit
from services.errors import DomainError, NotFound
from services.i18n import N_
from services.permissions import Action, allowed, require
from services.service_day import aware
from services.text import Flag, RecordId, text_within

MAX_FOUND = 20
# Both columns (found_item.description, table_closure.reason) hold 200 characters: the
# column decides, so a longer text is refused before the write instead of failing in it.
DESCRIPTION_MAX = 200
CLOSURE_REASON_MAX = 200

Description = Annotated[str, text_within(DESCRIPTION_MAX, required=N_("Say what was found."))]
ClosureReason = Annotated[
    str, text_within(CLOSURE_REASON_MAX, required=N_("Write why the table is out of service."))
]


class FoundBelonging(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Description
    handed_to_id: RecordId


class ResetTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table_id: RecordId
    # Whoever resets confirms that they looked; nothing is reset on a skipped check.
    belongings_checked: Flag
    found: Annotated[list[FoundBelonging], Field(max_length=MAX_FOUND)] = []


class TableReset(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_number: str
    seated_at: datetime
    reset_at: datetime
    # Seated to ready again: the table's turn time.
    turn_minutes: int
    found_items: int


def _table(session: Session, table_id: int) -> DiningTable:
    table = session.get(DiningTable, table_id)
    if table is None:
        raise NotFound("No table has id {id}.", id=table_id)
    return table


def _keeper(session: Session, staff_id: int) -> Staff:
    keeper = session.get(Staff, staff_id)
    if keeper is None or not keeper.active:
        raise NotFound("No staff member has id {id}.", id=staff_id)
    if not allowed(keeper.role_set, Action.KEEP_LOST_PROPERTY):
        raise DomainError(
            "{name} is not a supervisor: hand found belongings to a supervisor.",
            name=keeper.name,
        )
    return keeper


def reset_table(
    store: Store, actor_id: int, command: ResetTable, at: datetime | None = None
) -> TableReset:
    """The table is cleared and laid again; whatever the guests forgot is logged."""
    if not command.belongings_checked:
        raise DomainError(
            "Check the table, chairs and floor for forgotten belongings first, then confirm."
        )
    at = aware(at)
    with store.write() as s:
        require(s, actor_id, Action.RESET_TABLE)
        table = _table(s, command.table_id)
        occupancy = s.scalar(
            select(TableOccupancy).where(
                TableOccupancy.table_id == table.id, TableOccupancy.reset_at.is_(None)
            )
        )
        if occupancy is None:
            raise DomainError("Table {number} does not need resetting.", number=table.number)
        if occupancy.vacated_at is None:
            raise DomainError(
                "Guests are still at table {number}: reset it only after they have left.",
                number=table.number,
            )
        keepers = [_keeper(s, item.handed_to_id) for item in command.found]
        occupancy.reset_at = at
        occupancy.reset_by_id = actor_id
        for item, keeper in zip(command.found, keepers, strict=True):
            found = FoundItem(
                description=item.description,
                found_where=table.number,
                table_id=table.id,
                found_at=at,
                found_by_id=actor_id,
                handed_to_id=keeper.id,
            )
            s.add(found)
            s.flush()
            audit.record(
                s,
                action="found_item.logged",
                object_type="found_item",
                object_id=found.id,
                actor_id=actor_id,
                table=table.number,
                handed_to=keeper.number,
            )
        turn = int((at - occupancy.started_at).total_seconds() // 60)
        audit.record(
            s,
            action="table.reset",
            object_type="dining_table",
            object_id=table.id,
            actor_id=actor_id,
            table=table.number,
            party_id=occupancy.party_id,
            turn_minutes=turn,
            found_items=len(command.found),
        )
        return TableReset(
            table_number=table.number,
            seated_at=occupancy.started_at,
            reset_at=at,
            turn_minutes=turn,
            found_items=len(command.found),
        )


class CloseTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table_id: RecordId
    reason: ClosureReason


def close_table(
    store: Store, actor_id: int, command: CloseTable, at: datetime | None = None
) -> None:
    """Out of service (a wobbly leg, a leak overhead), with the reason everyone will see."""
    reason = command.reason
    at = aware(at)
    with store.write() as s:
        require(s, actor_id, Action.CLOSE_TABLE)
        table = _table(s, command.table_id)
        busy = s.scalar(
            select(TableOccupancy.id).where(
                TableOccupancy.table_id == table.id, TableOccupancy.reset_at.is_(None)
            )
        )
        if busy is not None:
            raise DomainError(
                "Table {number} has guests or needs resetting: it can go out of service "
                "once it is free.",
                number=table.number,
            )
        if _open_closure(s, table) is not None:
            raise DomainError("Table {number} is already out of service.", number=table.number)
        closure = TableClosure(
            table_id=table.id, reason=reason, closed_at=at, closed_by_id=actor_id
        )
        s.add(closure)
        s.flush()
        audit.record(
            s,
            action="table.out_of_service",
            object_type="dining_table",
            object_id=table.id,
            actor_id=actor_id,
            table=table.number,
            reason=reason,
        )


class ReopenTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table_id: RecordId


def reopen_table(
    store: Store, actor_id: int, command: ReopenTable, at: datetime | None = None
) -> None:
    """Back in service: the reason it was out stays on record with how long it lasted."""
    at = aware(at)
    with store.write() as s:
        require(s, actor_id, Action.CLOSE_TABLE)
        table = _table(s, command.table_id)
        closure = _open_closure(s, table)
        if closure is None:
            raise DomainError("Table {number} is in service already.", number=table.number)
        closure.reopened_at = at
        closure.reopened_by_id = actor_id
        audit.record(
            s,
            action="table.back_in_service",
            object_type="dining_table",
            object_id=table.id,
            actor_id=actor_id,
            table=table.number,
            closed_minutes=int((at - closure.closed_at).total_seconds() // 60),
        )


def _open_closure(session: Session, table: DiningTable) -> TableClosure | None:
    return session.scalar(
        select(TableClosure).where(
            TableClosure.table_id == table.id, TableClosure.reopened_at.is_(None)
        )
    )
