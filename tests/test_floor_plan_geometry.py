"""The floor plan grows each table into the free space around it, so that small tables stay
readable: over random floors, no grown table ever reaches into another one."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from screens.widgets.floor_plan import room_to_grow

TABLE = st.tuples(st.integers(0, 30), st.integers(0, 20), st.integers(1, 5), st.integers(1, 5))


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@settings(max_examples=300, deadline=None)
@given(st.lists(TABLE, min_size=1, max_size=25))
def test_grown_tables_never_overlap(spec: list[tuple[int, int, int, int]]) -> None:
    tables: list[SimpleNamespace] = []
    for i, (x, y, w, h) in enumerate(spec):
        table = SimpleNamespace(id=i, x=x, y=y, width=w, height=h)
        box = (x, y, x + w, y + h)
        if not any(_overlap(box, (t.x, t.y, t.x + t.width, t.y + t.height)) for t in tables):
            tables.append(table)  # the demo loader refuses overlapping tables too
    room = room_to_grow(tables)  # type: ignore[arg-type]
    grown = {
        t.id: (
            t.x - room[t.id][0],
            t.y - room[t.id][1],
            t.x + t.width + room[t.id][2],
            t.y + t.height + room[t.id][3],
        )
        for t in tables
    }
    for t in tables:
        assert all(side >= 0 for side in room[t.id])
        for o in tables:
            if o.id != t.id:
                assert not _overlap(grown[t.id], grown[o.id]), (t, o, room[t.id], room[o.id])
