"""Money on the cashier's screens: shown from integer minor units with the restaurant's
currency exponent, and read back from what the cashier typed, never through a float
(docs/reliability.md "Money")."""

from __future__ import annotations

from services.errors import DomainError
from services.i18n import N_

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}
NOT_AN_AMOUNT = N_("Type an amount such as 120 or 120.50.")
NOT_A_PERCENT = N_("Type a percent such as 10 or 12.5.")
# What the cashier is told after a reprint, by the mark on the paper.
REPRINTED = {
    "SUPERSEDED": N_(
        "Version {number} reprinted marked SUPERSEDED (copy {copy}): not the bill to pay."
    ),
    "COPY": N_("Version {number} reprinted marked COPY (copy {copy})."),
}


def money(minor: int, exponent: int = 2, currency: str = "CNY") -> str:
    """¥1,234.50 from 123450 (exponent 2); a minus sign in front for what is taken off."""
    sign = "-" if minor < 0 else ""
    units, fraction = divmod(abs(minor), 10**exponent)
    whole = f"{units:,}"
    body = f"{whole}.{fraction:0{exponent}d}" if exponent else whole
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{body}"


def _decimal_parts(text: str, places: int, sentence: str) -> int:
    """'12.5' with 2 places -> 1250, by string arithmetic (no float)."""
    text = text.strip().replace(",", "").replace("¥", "")
    whole, _dot, fraction = text.partition(".")
    if not whole:
        whole = "0"
    if not whole.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > places:
        raise DomainError(sentence)
    if len(whole) > 9:
        raise DomainError(sentence)
    return int(whole) * 10**places + int(fraction.ljust(places, "0") or "0")


def parse_money(text: str, exponent: int = 2) -> int:
    """What the cashier typed, in minor units: '120.5' -> 12050."""
    if not text.strip():
        raise DomainError(NOT_AN_AMOUNT)
    return _decimal_parts(text, exponent, NOT_AN_AMOUNT)


def parse_percent(text: str) -> int:
    """A percent in basis points: '12.5' -> 1250."""
    if not text.strip():
        raise DomainError(NOT_A_PERCENT)
    return _decimal_parts(text.replace("%", ""), 2, NOT_A_PERCENT)


def rate(bp: int) -> str:
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"
