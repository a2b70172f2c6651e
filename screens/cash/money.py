"""Money on the cash screens, from integer minor units through divmod (never a float), and
an amount the cashier typed read back by string arithmetic."""

from __future__ import annotations

from services.errors import DomainError
from services.i18n import N_

NOT_AN_AMOUNT = N_("Type an amount such as 120 or 120.50.")


def money(minor: int, exponent: int = 2) -> str:
    sign = "-" if minor < 0 else ""
    units, fraction = divmod(abs(minor), 10**exponent)
    body = f"{units:,}.{fraction:0{exponent}d}" if exponent else f"{units:,}"
    return f"{sign}¥{body}"


def signed_money(minor: int, exponent: int = 2) -> str:
    """+¥3.00 over, -¥0.45 short, ¥0.00 balanced."""
    return ("+" if minor > 0 else "") + money(minor, exponent)


def parse_amount(text: str, exponent: int = 2) -> int:
    whole, _dot, fraction = text.strip().replace(",", "").replace("¥", "").partition(".")
    whole = whole or "0"
    if (
        not whole.isdigit()
        or len(whole) > 9
        or (fraction and not fraction.isdigit())
        or len(fraction) > exponent
    ):
        raise DomainError(NOT_AN_AMOUNT)
    value = int(whole) * 10**exponent + int(fraction.ljust(exponent, "0") or "0")
    if value < 1:
        raise DomainError(NOT_AN_AMOUNT)
    return value
