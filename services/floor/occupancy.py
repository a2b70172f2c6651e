"""Where a party sits: the occupancy rows between a party and its tables, and the checks
every seating and every move makes on them. The database has the last word: its partial
unique index allows one party per table, and a clash is turned into a clear message here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import AT_TABLE, DiningTable, Party, TableClosure, TableOccupancy
from services.errors import Conflict, DomainError, NotFound
from services.floor.plan import number_key


class Moved(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    tables: list[str]
    # Tables the guests left: they now need resetting.
    released: list[str]


@contextmanager
def one_party_per_table() -> Iterator[None]:
    """Turn the database's own refusals into something the greeter can act on. On
    PostgreSQL two tablets can both see a table free; the unique index stops the second."""
    try:
        yield
    except IntegrityError as exc:
        text = str(exc.orig)
        if "one_party_per_table" in text or "table_occupancy.table_id" in text:
            raise Conflict(
                "A table you chose was just taken on another tablet. The floor is up to "
                "date now: choose another table."
            ) from exc
        raise
    except StaleDataError as exc:
        raise Conflict(
            "Another tablet changed this party at the same moment. The floor is up to date "
            "now: look again."
        ) from exc


def load_tables(session: Session, table_ids: Sequence[int]) -> list[DiningTable]:
    if not table_ids:
        raise DomainError("Choose at least one table.")
    tables = []
    for table_id in dict.fromkeys(table_ids):
        table = session.get(DiningTable, table_id)
        if table is None:
            raise NotFound("No table has id {id}.", id=table_id)
        tables.append(table)
    return tables


def table_numbers(tables: Sequence[DiningTable]) -> list[str]:
    return sorted((t.number for t in tables), key=number_key)


def tables_of(session: Session, occupancies: Sequence[TableOccupancy]) -> list[DiningTable]:
    ids = [o.table_id for o in occupancies]
    return list(session.scalars(select(DiningTable).where(DiningTable.id.in_(ids))).all())


def require_free(session: Session, tables: Sequence[DiningTable]) -> None:
    for table in tables:
        occupancy = session.scalar(
            select(TableOccupancy).where(
                TableOccupancy.table_id == table.id, TableOccupancy.reset_at.is_(None)
            )
        )
        if occupancy is not None and occupancy.vacated_at is not None:
            raise DomainError(
                "Table {number} needs resetting before the next party.", number=table.number
            )
        if occupancy is not None:
            raise Conflict(
                "Table {number} is taken: another party is on it. The floor is up to date "
                "now: choose another table.",
                number=table.number,
            )
        closure = session.scalar(
            select(TableClosure).where(
                TableClosure.table_id == table.id, TableClosure.reopened_at.is_(None)
            )
        )
        if closure is not None:
            raise DomainError(
                "Table {number} is out of service: {reason}",
                number=table.number,
                reason=closure.reason,
            )


def require_room(tables: Sequence[DiningTable], size: int) -> None:
    seats = sum(t.seats for t in tables)
    if seats < size:
        raise DomainError(
            "Table {tables} seats {seats}, too few for a party of {size}: join another "
            "table to it.",
            tables=" + ".join(table_numbers(tables)),
            seats=seats,
            size=size,
        )


def occupy(
    session: Session, party: Party, tables: Sequence[DiningTable], actor_id: int, at: datetime
) -> None:
    for table in tables:
        session.add(
            TableOccupancy(
                party_id=party.id, table_id=table.id, started_at=at, seated_by_id=actor_id
            )
        )
    # Flush here so a table taken on another tablet fails now, inside the guard.
    session.flush()


def party_at_table(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise NotFound("No party has id {id}.", id=party_id)
    if party.stage not in AT_TABLE:
        raise DomainError("That party is not at a table.")
    return party


def sitting_at(session: Session, party: Party) -> list[TableOccupancy]:
    """The tables the party is sitting at now (not those it has left behind)."""
    return list(
        session.scalars(
            select(TableOccupancy).where(
                TableOccupancy.party_id == party.id,
                TableOccupancy.reset_at.is_(None),
                TableOccupancy.vacated_at.is_(None),
            )
        ).all()
    )
