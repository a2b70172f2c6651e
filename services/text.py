"""What people type and what screens send back: one policy for every command.

Text is kept as typed (emoji, quotes, words that look like SQL) with its blank edges
trimmed. Refused, with a sentence rather than a stack trace:
- control characters (NUL cannot be stored by PostgreSQL; the others only hide text or
  come from a bad paste); tabs and line breaks are allowed only in multi-line notes;
- lone surrogates ("\\ud800" is a Python str but cannot be written as UTF-8, so it would
  fail at flush, after the checks);
- more characters than the field holds. The message gives the limit and the length, never
  the text itself: a 100,000-character paste is not sent back to the screen.

Ids are whole numbers the screen took from a row it showed, bounded to what the
database's INTEGER holds (an id of 2**31 is a DataError on PostgreSQL, 2**63 an
OverflowError in sqlite3), and never a bool (True would act as id 1).

Checks raise DomainError from inside Pydantic validators: Pydantic lets any exception
that is not a ValueError through unchanged, so the screen shows the same translated
sentence whether the command came from a tap, a script or a test.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

from services.errors import DomainError

NAME_MAX = 80
NOTE_MAX = 1000
REASON_MAX = 500
REFERENCE_MAX = 64
ID_MAX = 2**31 - 1  # PostgreSQL INTEGER
COUNT_MAX = 1_000_000

_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What trimming removes: ordinary blanks only. str.strip() alone would also remove the
# separators \x1c-\x1f and \x85 (Python counts them as whitespace), so "\x1dV" (a
# printer's paper cut) would be cleaned in silence instead of refused.
_BLANK = " \t\r\n\u00a0\u3000"


def checked_text(
    value: object, *, max_length: int, required: str = "", multi_line: bool = False
) -> str:
    """The trimmed text. `required` is the sentence shown when it is left blank; empty
    means the text may be left blank."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("Only text can be written here.")
    text = value.strip(_BLANK)
    if required and not text:
        raise DomainError(required)
    if len(text) > max_length:
        raise DomainError(
            "That is too long: at most {max} characters (this has {length}).",
            max=max_length,
            length=len(text),
        )
    if _SURROGATE.search(text):
        raise DomainError("The text holds a broken character: type it again.")
    control = _CONTROL_MULTI_LINE if multi_line else _CONTROL_ONE_LINE
    if control.search(text):
        raise DomainError("The text holds invisible control characters: type it again.")
    return text


def record_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise DomainError("Choose from what the screen shows.")
    return value


def whole_count(value: object) -> int:
    """A count of things (guests, portions, coins): a whole number, not negative."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter a whole number.")
    if not 0 <= value <= COUNT_MAX:
        raise DomainError("{value} is not a possible number here.", value=value)
    return value


def whole_within(low: int, high: int) -> BeforeValidator:
    """A whole number in a range a screen can offer (a part of a split, how many ways):
    `True` is not 1 and a float is not a whole number."""

    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise DomainError("Enter a whole number.")
        if not low <= value <= high:
            raise DomainError("{value} is not a possible number here.", value=value)
        return value

    return BeforeValidator(check)


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise DomainError("Only yes or no can be chosen here.")
    return value


def _text(max_length: int, *, required: str = "", multi_line: bool = False) -> BeforeValidator:
    return BeforeValidator(
        lambda v: checked_text(v, max_length=max_length, required=required, multi_line=multi_line)
    )


# A person's or a guest's name, a short label: one line.
Name = Annotated[str, _text(NAME_MAX)]
# A note for the kitchen, the manager or the next shift: may run over several lines.
Note = Annotated[str, _text(NOTE_MAX, multi_line=True)]
# Why something was done (a void, an override, a discount): one line, may be blank
# where the service asks for it itself.
Reason = Annotated[str, _text(REASON_MAX)]
# A reference from another system (a payment terminal's approval code, a room number).
Reference = Annotated[str, _text(REFERENCE_MAX)]
RecordId = Annotated[int, BeforeValidator(record_id)]
# The version of a row as the screen read it (optimistic locking): bounded like an id.
Version = Annotated[int, BeforeValidator(record_id)]
Count = Annotated[int, BeforeValidator(whole_count)]
Flag = Annotated[bool, BeforeValidator(flag)]


def required_text(max_length: int, sentence: str, *, multi_line: bool = False) -> BeforeValidator:
    """For a field that must not be left blank: the sentence says what to write."""
    return _text(max_length, required=sentence, multi_line=multi_line)


def text_within(
    max_length: int, *, required: str = "", multi_line: bool = False
) -> BeforeValidator:
    """The same policy for a field whose column is narrower than its kind's limit (a
    String(200) written before the limits were made one): the column decides, so a
    longer text is refused with the sentence, never cut off or failed at flush."""
    return _text(max_length, required=required, multi_line=multi_line)


def both(field: str, en: str, zh: str) -> dict[str, str]:
    """A bilingual name (a dish, a section, a service) as message fields: `{field}` holds
    the English and `{field}_zh` the Chinese, and the screen shows the reader's one. A
    service never glues the two into one sentence ("Choose 蘸料 Dipping sauce for…")."""
    return {field: en, f"{field}_zh": zh}
