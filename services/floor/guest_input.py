"""What a greeter or waiter types about guests and tables, checked once at the edge.

The text and id rules are the one policy of services/text.py (trimmed, control characters
and broken characters refused, limits given without echoing the text); what is particular
to the door is here: a party's size, its children, and the tables pushed together for it.
Text is kept verbatim: a guest called "O'Brien; DROP TABLE" or "🎂 Lin" is written down
exactly so.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from services.errors import DomainError
from services.i18n import Plural
from services.text import ID_MAX, Count, Flag, Name, text_within

# Beyond any dining room; the store then checks the restaurant's own seat count.
MAX_PARTY_SIZE = 999
# The party's note column (seating.note) holds 200 characters: narrower than a Note.
PARTY_NOTE_MAX = 200
# More tables than this pushed together for one party is a slip of the finger.
MAX_TABLES = 12


def party_size(value: object) -> int:
    # bool is an int in Python; "True guests" is a bug upstream, not a party size.
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter the number of guests as a whole number.")
    if value < 1:
        raise DomainError("A party is at least one guest; {size} is not a party size.", size=value)
    if value > MAX_PARTY_SIZE:
        raise DomainError(
            "A party of {size} is not possible: at most {max} guests.",
            size=value,
            max=MAX_PARTY_SIZE,
        )
    return value


def table_ids(value: object) -> list[int]:
    if not isinstance(value, list | tuple):
        raise DomainError("Choose tables from the floor plan.")
    if len(value) > MAX_TABLES:
        raise DomainError("At most {max} tables can be joined for one party.", max=MAX_TABLES)
    for item in value:
        # An id the plan showed: a whole number a database row can have (services/text.py).
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= ID_MAX:
            raise DomainError("Choose tables from the floor plan.")
    return list(value)


PartySize = Annotated[int, BeforeValidator(party_size)]
TableIds = Annotated[list[int], BeforeValidator(table_ids)]
PartyNote = Annotated[str, text_within(PARTY_NOTE_MAX, multi_line=True)]


class PartyDetails(BaseModel):
    """Who has arrived: what the greeter asks at the door (第5条 ①, 第6条 16)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: PartySize
    children: Count = 0
    high_chair: Flag = False
    name: Name = ""
    note: PartyNote = ""

    @model_validator(mode="after")
    def _children_fit(self) -> PartyDetails:
        if self.children > self.size:
            raise DomainError(
                Plural(
                    "{children} child cannot be in a party of {size}.",
                    "{children} children cannot be in a party of {size}.",
                    "children",
                ),
                children=self.children,
                size=self.size,
            )
        return self
