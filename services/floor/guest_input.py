"""What a greeter or waiter types about guests and tables, checked once at the edge.

Checks raise DomainError from inside Pydantic validators (Pydantic lets any exception that
is not a ValueError through unchanged), so a bad party size reads the same clear,
translated sentence whether it came from a screen, a script or a test. Text is kept
verbatim: a guest called "O'Brien; DROP TABLE" or "🎂 Lin" is written down exactly so.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from services.errors import DomainError

# Beyond any dining room; the store then checks the restaurant's own seat count.
MAX_PARTY_SIZE = 999
NAME_MAX = 80
NOTE_MAX = 200
REASON_MAX = 200
# More tables than this pushed together for one party is a slip of the finger.
MAX_TABLES = 12
# NUL is refused by PostgreSQL and the other C0 controls only hide text; tabs and line
# breaks are ordinary in a note.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def whole_number(value: object) -> int:
    # bool is an int in Python; "True guests" is a bug upstream, not a party size.
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter the number of guests as a whole number.")
    return value


def party_size(value: object) -> int:
    size = whole_number(value)
    if size < 1:
        raise DomainError("A party is at least one guest; {size} is not a party size.", size=size)
    if size > MAX_PARTY_SIZE:
        raise DomainError(
            "A party of {size} is not possible: at most {max} guests.",
            size=size,
            max=MAX_PARTY_SIZE,
        )
    return size


def text(value: object, max_length: int, *, required: str = "") -> str:
    """The text as typed. `required` is the sentence to show when it is left blank."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("Only text can be written here.")
    if required and not value.strip():
        raise DomainError(required)
    if len(value) > max_length:
        raise DomainError(
            "That is too long: at most {max} characters (this has {length}).",
            max=max_length,
            length=len(value),
        )
    if _CONTROL.search(value):
        raise DomainError("The text holds invisible control characters: type it again.")
    return value


def _name(value: object) -> str:
    return text(value, NAME_MAX)


def _note(value: object) -> str:
    return text(value, NOTE_MAX)


def _children(value: object) -> int:
    count = whole_number(value)
    if count < 0:
        raise DomainError("The number of children cannot be negative.")
    return count


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise DomainError("Only yes or no can be chosen here.")
    return value


def record_id(value: object) -> int:
    """An id the screen took from a row it showed; anything else is a bug upstream, but
    still gets a sentence rather than a stack trace."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Choose from what the screen shows.")
    return value


def table_ids(value: object) -> list[int]:
    if not isinstance(value, list | tuple):
        raise DomainError("Choose tables from the floor plan.")
    if len(value) > MAX_TABLES:
        raise DomainError("At most {max} tables can be joined for one party.", max=MAX_TABLES)
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise DomainError("Choose tables from the floor plan.")
    return list(value)


PartySize = Annotated[int, BeforeValidator(party_size)]
RecordId = Annotated[int, BeforeValidator(record_id)]
TableIds = Annotated[list[int], BeforeValidator(table_ids)]
GuestName = Annotated[str, BeforeValidator(_name)]
Note = Annotated[str, BeforeValidator(_note)]
Children = Annotated[int, BeforeValidator(_children)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class PartyDetails(BaseModel):
    """Who has arrived: what the greeter asks at the door (第5条 ①, 第6条 16)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: PartySize
    children: Children = 0
    high_chair: Flag = False
    name: GuestName = ""
    note: Note = ""

    @model_validator(mode="after")
    def _children_fit(self) -> PartyDetails:
        if self.children > self.size:
            raise DomainError(
                "{children} children cannot be in a party of {size}.",
                children=self.children,
                size=self.size,
            )
        return self
