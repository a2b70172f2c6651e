"""The rule that decides which table a party is offered (第6条 ⑥: strictly in order of
arrival, no double standard). Pure functions over the free tables, so the rule can be
tested over thousands of random arrivals without a database.

Parties in arrival order each get the best free tables that fit them and that no earlier
party got: one table if any fits, else neighbouring tables of one section to push
together. A later party can therefore never take what an earlier one fits. What "best"
means is stated once, above `rank_tables`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.floor.plan import FreeTable, number_key


@dataclass(frozen=True)
class InLine:
    """A party waiting, as the offer rule sees it."""

    party_id: int
    size: int


# The best-first rule, in the order a host weighs it (what fits comes before whose turn):
#   1. a private room (包间) only when the party asked for one, or when nothing else fits:
#      it is a room of its own, and the next party that books it would find it taken;
#   2. fewest tables: one table that seats the party, else as few joined as possible;
#   3. fewest empty seats: a six-top for six before an eight-top (big tables stay free
#      for big parties);
#   4. then balance the waiters: the section whose waiter has the fewest guests now;
#   5. then the section's order on the plan, the tables closest together (joined ones are
#      pushed together), and the table number, so the same floor always gives the same
#      offer.
# Rooms are never joined to anything: they stand apart.

# Beyond this many ways to choose k tables, joining falls back to "nearest neighbours
# first" rather than trying every choice (a 16-table hall has 4,368 ways to choose 5).
MAX_JOIN_CHOICES = 5000


def _empty(seats: int, size: int) -> int:
    return seats - size


def rank_tables(
    size: int,
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
    *,
    private: bool = False,
) -> list[FreeTable]:
    """Single free tables that seat the party, best first by the rule above. Sections
    nobody works are left out: a party seated there would have no waiter. `staffing` is
    section id -> waiter id, `covers` waiter id -> guests; `private`: the party asked for a
    private room. Unasked, rooms come after every other table, and only when no tables of
    the dining room can be joined for the party instead."""
    fitting = [t for t in tables if t.seats >= size and t.section_id in staffing]
    ranked = sorted(
        fitting,
        key=lambda t: (
            t.private_room != private,
            _empty(t.seats, size),
            covers.get(staffing[t.section_id], 0),
            t.section_sort,
            number_key(t.number),
        ),
    )
    if private or not ranked or not ranked[0].private_room:
        return ranked
    # Only rooms fit one by one: joining dining-room tables comes first, if any will do.
    return [] if join_for(size, tables, staffing, covers) else ranked


def _apart(a: FreeTable, b: FreeTable) -> float:
    """Distance between two tables' centres on the plan, in grid cells."""
    return math.dist(
        (a.x + a.width / 2, a.y + a.height / 2), (b.x + b.width / 2, b.y + b.height / 2)
    )


def _spread(chosen: Sequence[FreeTable]) -> float:
    return sum(_apart(a, b) for a, b in itertools.combinations(chosen, 2))


def _fewest_tables(size: int, pool: Sequence[FreeTable]) -> list[FreeTable] | None:
    """The fewest tables of one section that together seat the party, then the fewest
    empty seats, then the closest together; None when the section cannot seat it."""
    largest = sorted((t.seats for t in pool), reverse=True)
    for count in range(2, len(pool) + 1):
        if sum(largest[:count]) < size:
            continue  # even the biggest `count` tables are too few seats
        if math.comb(len(pool), count) > MAX_JOIN_CHOICES:
            return _nearest_first(size, pool)
        best: tuple[tuple[object, ...], list[FreeTable]] | None = None
        for chosen in itertools.combinations(pool, count):
            seats = sum(t.seats for t in chosen)
            if seats < size:
                continue
            numbers = sorted(number_key(t.number) for t in chosen)
            score = (seats - size, round(_spread(chosen), 6), numbers)
            if best is None or score < best[0]:
                best = (score, list(chosen))
        if best is not None:
            return best[1]
    return None


def _nearest_first(size: int, pool: Sequence[FreeTable]) -> list[FreeTable] | None:
    """A section too big to try every choice: from each table, its nearest neighbours until
    the party is seated; the fewest tables, then empty seats, then closeness."""
    best: tuple[tuple[float, ...], list[FreeTable]] | None = None
    for anchor in pool:
        chosen = [anchor]
        for table in sorted(pool, key=lambda t: (_apart(anchor, t), number_key(t.number))):
            if sum(t.seats for t in chosen) >= size:
                break
            if table is not anchor:
                chosen.append(table)
        seats = sum(t.seats for t in chosen)
        if seats < size or len(chosen) < 2:
            continue
        score = (len(chosen), seats - size, _spread(chosen))
        if best is None or score < best[0]:
            best = (score, chosen)
    return best[1] if best else None


def join_for(
    size: int,
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
) -> list[list[FreeTable]]:
    """For each staffed section of the dining room (never the private rooms), free tables
    that pushed together seat the party; best first by the rule above: fewest tables,
    fewest empty seats, least busy waiter, closest together."""
    combos: list[list[FreeTable]] = []
    sections = {t.section_id for t in tables if t.section_id in staffing and not t.private_room}
    for section in sorted(sections):
        pool = [t for t in tables if t.section_id == section and not t.private_room]
        chosen = _fewest_tables(size, pool)
        if chosen is not None:
            combos.append(chosen)
    return sorted(
        combos,
        key=lambda c: (
            len(c),
            _empty(sum(t.seats for t in c), size),
            covers.get(staffing[c[0].section_id], 0),
            c[0].section_sort,
            _spread(c),
        ),
    )


def best_for(
    size: int,
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
    *,
    private: bool = False,
) -> list[FreeTable]:
    """The tables to offer one party: the best single table, else the best tables to join,
    else (unasked) a private room, else none."""
    # rank_tables already leaves rooms out when dining-room tables can be joined instead.
    ranked = rank_tables(size, tables, staffing, covers, private=private)
    if ranked:
        return [ranked[0]]
    joined = join_for(size, tables, staffing, covers)
    return joined[0] if joined else []


@dataclass
class LineServed:
    """What going down the line left: each party's offer, the tables nobody was offered,
    and every waiter's guests counting the parties offered tables in their sections."""

    offers: dict[int, list[FreeTable]]
    left: list[FreeTable]
    load: dict[int, int]


def offer_tables(
    line: Sequence[InLine],
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
) -> LineServed:
    """Go down the line in arrival order; each party gets the best of what is left."""
    served = LineServed(offers={}, left=list(tables), load=dict(covers))
    for party in line:
        offer = best_for(party.size, served.left, staffing, served.load)
        if not offer:
            continue
        served.offers[party.party_id] = offer
        served.left = [t for t in served.left if t not in offer]
        waiter = staffing[offer[0].section_id]
        served.load[waiter] = served.load.get(waiter, 0) + party.size
    return served
