"""What the cashier types for a payment, checked before anything is read or written.

- Amounts are whole minor units, from 1 to 10,000,000 (100,000 yuan): a negative, absurd
  or non-integer tender is refused.
- Anything that looks like a full card number (a run of 12 to 19 digits, the lengths card
  numbers have, spaces or dashes between them allowed) in any field is refused and never
  stored, logged or echoed (第9条 ③; PCI DSS 3.2–3.4): at most the last 4 digits are kept.
  A longer run is not a card number: WeChat Pay and Alipay transaction numbers have 28 or
  more digits, and the cashier must be able to record them whole.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from services.errors import DomainError
from services.i18n import N_

MAX_TENDER_MINOR = 10_000_000
CARD_NUMBER = re.compile(r"(?<!\d)(?<!\d[ -])\d(?:[ -]?\d){11,18}(?![ -]?\d)")
CARD_NUMBER_REFUSED = N_(
    "That looks like a full card number: it is never typed or kept, only its last 4 digits."
)
# A client-made id: a uuid, as the tablet makes it (never typed by a person).
ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,40}$")]


def money(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("An amount is a whole number of the smallest unit (fen).")
    if value < 1:
        raise DomainError("An amount must be more than zero.")
    if value > MAX_TENDER_MINOR:
        raise DomainError("{value} is more than any bill here: check the amount.", value=value)
    return value


def tip(value: object) -> int:
    if value == 0 and not isinstance(value, bool):
        return 0
    return money(value)


def refuse_card_numbers(data: Any) -> Any:
    """A before-validator for a whole command: looks at every text and number field the
    cashier could have typed into."""
    items = data.items() if isinstance(data, dict) else ()
    for key, value in items:
        if key.startswith("client_"):  # the tablet's own uuid, never typed by a person
            continue
        text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if CARD_NUMBER.search(text):
            raise DomainError(CARD_NUMBER_REFUSED)
    return data


def last4(value: object) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}", value.strip()):
        raise DomainError("Only the card's last 4 digits are kept: type exactly 4 digits.")
    return value.strip()


Money = Annotated[int, BeforeValidator(money)]
Tip = Annotated[int, BeforeValidator(tip)]
Last4 = Annotated[str, BeforeValidator(last4)]
