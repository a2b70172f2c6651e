"""How a table looks wherever it is shown: a colour for its state AND the state in words
(never colour alone), short names, and minutes. Shared by the floor, greeting and
my-tables screens so a table reads the same on every tablet."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from services.floor.plan import STATE_WORDS, TableState
from services.i18n import Plural

Colour = tuple[float, float, float, float]

# Chosen to stay apart for the common colour blindnesses as far as eight colours can;
# the word on every table settles it. Bill requested is the one loud colour: 第6条 13
# says the bill is brought as soon as the guest asks.
STATE_COLOURS: dict[TableState, Colour] = {
    TableState.FREE: (0.16, 0.50, 0.24, 1),
    TableState.SEATED: (0.13, 0.40, 0.78, 1),
    TableState.ORDERED: (0.42, 0.27, 0.70, 1),
    TableState.EATING: (0.02, 0.50, 0.55, 1),
    TableState.BILL_REQUESTED: (0.98, 0.70, 0.12, 1),
    TableState.PAID: (0.38, 0.40, 0.45, 1),  # white text on it 5.7:1 (was 4:1)
    TableState.NEEDS_RESET: (0.80, 0.22, 0.18, 1),
    TableState.OUT_OF_SERVICE: (0.20, 0.20, 0.22, 1),
}
DARK_TEXT: Colour = (0.08, 0.08, 0.08, 1)
LIGHT_TEXT: Colour = (1, 1, 1, 1)
# Out of service: the dark tile says "not in use"; its words stay readable (9:1 on it).
DIM_TEXT: Colour = (0.85, 0.86, 0.88, 1)


def text_colour(state: TableState) -> Colour:
    if state == TableState.BILL_REQUESTED:
        return DARK_TEXT
    if state == TableState.OUT_OF_SERVICE:
        return DIM_TEXT
    return LIGHT_TEXT


def state_word(state: TableState, tr: Callable[..., str]) -> str:
    return tr(STATE_WORDS[state])


def person_name(name: str) -> str:
    """A person's name, one way on every screen and in both languages: whole, as the
    staff list holds it ("张伟 Zhang Wei", or "Chen Hao" for one who has one name), as the
    sign-in cards, messages and printed tickets show it (issue 12: some screens showed
    "Zhang Wei", others "张伟 Zhang Wei"). Never cut to one script: a cook and a cashier
    must read the same name for the same person. Every screen shows people through here
    (tests/test_name_rule.py)."""
    return " ".join(name.split())


def minutes_since(moment: datetime | None, now: datetime) -> int:
    if moment is None:
        return 0
    return max(0, math.floor((now - moment).total_seconds() / 60))


def plain(text: str) -> str:
    """Text shown as typed inside a markup label: a guest called "[b]oss" stays so."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def guests(count: int, tr: Callable[..., str]) -> str:
    return tr(Plural("{size} guest", "{size} guests", "size"), size=count)


def children(count: int, tr: Callable[..., str]) -> str:
    return tr(Plural("{count} child", "{count} children", "count"), count=count)
