"""Ids for widgets that screens build in Python (rows, proposals), so they can be found the
same way as kv-built ones; dropped before each redraw, so a row that is gone is gone."""

from __future__ import annotations

from typing import Any


def forget(ids: Any, *prefixes: str) -> None:
    for name in [n for n in ids if n.startswith(prefixes)]:
        del ids[name]
