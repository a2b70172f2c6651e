"""The rule that decides which table a party is offered (第6条 ⑥: strictly in order of
arrival, no double standard). Pure functions over the free tables, so the rule can be
tested over thousands of random arrivals without a database.

Parties in arrival order each get the best free tables that fit them and that no earlier
party got: one table if any fits, else neighbouring tables of one section to push
together. A later party can therefore never take what an earlier one fits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.floor.plan import FreeTable, number_key


@dataclass(frozen=True)
class InLine:
    """A party waiting, as the offer rule sees it."""

    party_id: int
    size: int


def too_big(seats: int, size: int) -> bool:
    """A table with more than two seats (or half the party again) to spare: offered only
    after the tables that suit, so a banquet table is not given away to a couple."""
    return seats - size > max(2, size // 2)


def rank_tables(
    size: int,
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
) -> list[FreeTable]:
    """Free tables that fit the party, best first: among the tables that suit it, the
    section whose waiter has the fewest guests, then the smallest table (big tables stay
    free for big parties). Sections nobody works are left out: a party seated there would
    have no waiter. `staffing` is section id -> waiter id, `covers` waiter id -> guests."""
    fitting = [t for t in tables if t.seats >= size and t.section_id in staffing]
    return sorted(
        fitting,
        key=lambda t: (
            too_big(t.seats, size),
            covers.get(staffing[t.section_id], 0),
            t.section_sort,
            t.seats,
            number_key(t.number),
        ),
    )


def _apart(a: FreeTable, b: FreeTable) -> float:
    """Distance between two tables' centres on the plan, in grid cells."""
    return math.dist(
        (a.x + a.width / 2, a.y + a.height / 2), (b.x + b.width / 2, b.y + b.height / 2)
    )


def join_for(
    size: int,
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
) -> list[list[FreeTable]]:
    """For each staffed section, neighbouring free tables that together seat the party:
    as few tables as possible, then as few empty seats, then as close together as
    possible (they are pushed together). Least busy waiter first."""
    combos: list[list[FreeTable]] = []
    for section in sorted({t.section_id for t in tables if t.section_id in staffing}):
        pool = [t for t in tables if t.section_id == section]
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
            score = (len(chosen), seats - size, sum(_apart(anchor, t) for t in chosen))
            if best is None or score < best[0]:
                best = (score, chosen)
        if best is not None:
            combos.append(best[1])
    return sorted(
        combos,
        key=lambda c: (covers.get(staffing[c[0].section_id], 0), sum(t.seats for t in c)),
    )


def best_for(
    size: int,
    tables: Sequence[FreeTable],
    staffing: Mapping[int, int],
    covers: Mapping[int, int],
) -> list[FreeTable]:
    """The tables to offer one party: the best single table, else the best tables to join,
    else none."""
    ranked = rank_tables(size, tables, staffing, covers)
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
