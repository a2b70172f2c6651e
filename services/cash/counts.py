"""Counting cash by denomination: the CNY notes and coins as data, and what a count is
worth. A count is pieces per denomination, never an amount typed in, so the drawer's
figure is what was in the hand (第9条 ②: 当面点清).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from services.errors import DomainError


class Denomination(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    value_minor: int
    kind: str  # "note" or "coin"
    label_en: str
    label_zh: str


def _d(code: str, value: int, kind: str, en: str, zh: str) -> Denomination:
    return Denomination(code=code, value_minor=value, kind=kind, label_en=en, label_zh=zh)


# 人民币 in circulation: notes 100, 50, 20, 10, 5, 1 yuan; coins 1 yuan, 5 jiao, 1 jiao.
DENOMINATIONS: tuple[Denomination, ...] = (
    _d("note_100", 10_000, "note", "100 yuan note", "100元纸币"),
    _d("note_50", 5_000, "note", "50 yuan note", "50元纸币"),
    _d("note_20", 2_000, "note", "20 yuan note", "20元纸币"),
    _d("note_10", 1_000, "note", "10 yuan note", "10元纸币"),
    _d("note_5", 500, "note", "5 yuan note", "5元纸币"),
    _d("note_1", 100, "note", "1 yuan note", "1元纸币"),
    _d("coin_1", 100, "coin", "1 yuan coin", "1元硬币"),
    _d("coin_0_5", 50, "coin", "5 jiao coin", "5角硬币"),
    _d("coin_0_1", 10, "coin", "1 jiao coin", "1角硬币"),
)
BY_CODE: dict[str, Denomination] = {d.code: d for d in DENOMINATIONS}

# More pieces of one denomination than a drawer holds is a slip of the finger, not cash.
MAX_PIECES = 2_000
# A drawer holding more than this (100,000 yuan) is refused as a mistyped count.
MAX_DRAWER_MINOR = 10_000_000


def _counts(value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise DomainError("Count the cash by note and coin.")
    out: dict[str, int] = {}
    for code, pieces in value.items():
        if code not in BY_CODE:
            raise DomainError("That is not a note or coin the drawer takes.")
        if isinstance(pieces, bool) or not isinstance(pieces, int):
            raise DomainError("Enter a whole number.")
        if pieces < 0:
            raise DomainError("A count cannot be negative.")
        if pieces > MAX_PIECES:
            raise DomainError(
                "{pieces} pieces of one note or coin is not a possible count (at most {max}).",
                pieces=pieces,
                max=MAX_PIECES,
            )
        if pieces:
            out[code] = pieces
    if sum(BY_CODE[c].value_minor * n for c, n in out.items()) > MAX_DRAWER_MINOR:
        raise DomainError("That count is more than a drawer can hold: count it again.")
    return out


# {denomination code: pieces}; codes and pieces checked, zeros dropped.
CashCount = Annotated[dict[str, int], BeforeValidator(_counts)]


class CountLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    label_en: str
    label_zh: str
    value_minor: int
    pieces: int

    @property
    def total_minor(self) -> int:
        return self.value_minor * self.pieces


def value_of(counts: Mapping[str, int]) -> int:
    return sum(BY_CODE[code].value_minor * pieces for code, pieces in counts.items())


def count_lines(counts: Mapping[str, int]) -> tuple[CountLine, ...]:
    """Every denomination in the drawer's order, with its pieces (0 when none)."""
    return tuple(
        CountLine(
            code=d.code,
            label_en=d.label_en,
            label_zh=d.label_zh,
            value_minor=d.value_minor,
            pieces=int(counts.get(d.code, 0)),
        )
        for d in DENOMINATIONS
    )


def stored(counts: Mapping[str, int]) -> str:
    return json.dumps(dict(counts), sort_keys=True)


def loaded(text: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in json.loads(text).items()} if text else {}
