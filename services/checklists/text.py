"""Free text typed on a checklist (notes, reasons): the limits, checked before any write.

Text is kept as the person typed it (emoji, quotes, SQL-looking words and all); only the
blank edges are trimmed. NUL and other control characters are refused: PostgreSQL cannot
store NUL, and the others come only from a bad paste.
"""

from __future__ import annotations

import re

from services.errors import DomainError

NOTE_MAX = 1000
REASON_MAX = 500

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def checked_text(value: object, *, max_length: int, missing: str | None) -> str:
    """The trimmed text. `missing` is the sentence raised when the text is required and
    blank; None means the text may be left empty."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("Notes and reasons must be text.")
    text = value.strip()
    if not text and missing is not None:
        raise DomainError(missing)
    if len(text) > max_length:
        raise DomainError(
            "The text is too long: at most {max} characters (this one has {length}).",
            max=max_length,
            length=len(text),
        )
    if _CONTROL.search(text):
        raise DomainError("The text holds a control character that cannot be stored.")
    return text
