"""Moving a seated party: transfer it to another table, join tables for a large party, split
them again. The party itself never changes, so its order follows it; the tables it leaves
need resetting (services/table_reset.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from db.store import Store
from services import audit
from services.errors import DomainError
from services.floor.guest_input import TableIds
from services.floor.occupancy import (
    Moved,
    load_tables,
    occupy,
    one_party_per_table,
    party_at_table,
    require_free,
    require_room,
    sitting_at,
    table_numbers,
    tables_of,
)
from services.floor.stations import service_now
from services.floor.waitlist import check_nobody_jumped, waiting_line
from services.orders.views import table_label
from services.permissions import Action, require
from services.service_day import aware
from services.serving.firing import party_moved
from services.serving.moves import move_key, print_moved
from services.text import RecordId

# Who may move a party that is already seated: the greeter, and the waiters who serve it.


def _move(
    store: Store,
    actor_id: int,
    party_id: int,
    at: datetime | None,
    action: str,
    new_ids: Sequence[int] | None = None,
    add_ids: Sequence[int] = (),
    release_ids: Sequence[int] = (),
) -> Moved:
    """Give a seated party a new set of tables: the new set, or the current one plus
    `add_ids` minus `release_ids`. Tables it leaves need resetting; tables it takes must
    be free and not owed to anyone waiting."""
    at = aware(at)
    with one_party_per_table(), store.write() as s:
        mover = require(s, actor_id, Action.MOVE_PARTY)
        party = party_at_table(s, party_id)
        from_table = table_label(s, party.id)
        current = {o.table_id: o for o in sitting_at(s, party)}
        named = load_tables(s, [*(new_ids or ()), *add_ids, *release_ids])
        by_id = {t.id: t for t in named}
        if new_ids is not None:
            target = list(dict.fromkeys(new_ids))
        else:
            for table_id in release_ids:
                if table_id not in current:
                    raise DomainError(
                        "Table {number} is not this party's table.", number=by_id[table_id].number
                    )
            target = [t for t in current if t not in release_ids]
            target += [t for t in dict.fromkeys(add_ids) if t not in current]
        if not target:
            raise DomainError("A party keeps at least one table.")
        if set(target) == set(current):
            raise DomainError("Choose a table the party is not at yet.")
        taking = [by_id[t] for t in target if t not in current]
        keeping = tables_of(s, [o for table_id, o in current.items() if table_id in target])
        require_free(s, taking)
        require_room([*keeping, *taking], party.size)
        # The party's guests already count for its waiter: nobody gets busier by a move.
        check_nobody_jumped(s, service_now(s, at), {t.id for t in taking}, 0, waiting_line(s))
        released = [o for table_id, o in current.items() if table_id not in target]
        for occupancy in released:
            occupancy.vacated_at = at
        occupy(s, party, taking, actor_id, at)
        result = Moved(
            party_id=party.id,
            tables=table_numbers([*keeping, *taking]),
            released=table_numbers(tables_of(s, released)),
        )
        # The kitchen is told: the party's tickets show the new table, and screens redraw.
        s.flush()
        party_moved(s, party.id, at, actor_id)
        # ...and the stations cooking for it get paper saying so: not a new order.
        taken = {t.id for t in taking}
        made = [o.id for o in sitting_at(s, party) if o.table_id in taken]
        papers = print_moved(
            s, party.id, from_table, at, mover, move_key(made, [o.id for o in released])
        )
        audit.record(
            s,
            action=action,
            object_type="party",
            object_id=party.id,
            actor_id=actor_id,
            tables=result.tables,
            released=result.released,
            moved_paper=papers,
        )
        return result


class MoveParty(BaseModel):
    """Which party, and which tables: where it goes (transfer), what is pushed on (join),
    or what is taken away (split)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: RecordId
    table_ids: TableIds


def transfer_party(
    store: Store, actor_id: int, command: MoveParty, at: datetime | None = None
) -> Moved:
    """Move the party, and with it everything it has ordered, to other tables."""
    return _move(
        store, actor_id, command.party_id, at, "party.transferred", new_ids=command.table_ids
    )


def join_tables(
    store: Store, actor_id: int, command: MoveParty, at: datetime | None = None
) -> Moved:
    """Push more tables onto a party's table for a large party."""
    if not command.table_ids:
        raise DomainError("Choose the tables to join.")
    return _move(
        store, actor_id, command.party_id, at, "party.tables_joined", add_ids=command.table_ids
    )


def split_tables(
    store: Store, actor_id: int, command: MoveParty, at: datetime | None = None
) -> Moved:
    """Take joined tables away from a party again; they need resetting before reuse."""
    if not command.table_ids:
        raise DomainError("Choose the tables to split off.")
    return _move(
        store, actor_id, command.party_id, at, "party.tables_split", release_ids=command.table_ids
    )
