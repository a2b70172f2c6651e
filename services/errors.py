"""Domain errors: a rule broken by the person using the app.

The message is an English sentence with {named} fields; screens translate the sentence
through the catalogue and then fill in the fields, so the same error reads right in
English and Chinese. A sentence whose English changes with a number is a
`services.i18n.Plural` ("Wrong PIN. {left} try left." / "... tries left.", chosen by
`left`); it is a str, so every DomainError(message, **params) call stays as it was, and
the screen translates it with ngettext for the number in its field.
"""

from __future__ import annotations

from typing import Any

# Past this many bits a number quoted in a message is only its size: the message never
# carries a generated input whole (10**4000 would be 4,001 characters; past 4,300 digits
# Python refuses to print an int at all).
_LONGEST_NUMBER_BITS = 100


def _readable(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > _LONGEST_NUMBER_BITS:
        digits = int(value.bit_length() * 0.30103)  # log10(2): its size, not its digits
        return f"{'-' if value < 0 else ''}~10^{digits}"
    return value


class DomainError(Exception):
    def __init__(self, message: str, **params: Any) -> None:
        # A Plural's format() picks the English form by its count field (and says so
        # at once when that field is missing, not when a screen shows it).
        self.message = message
        self.params = {key: _readable(value) for key, value in params.items()}
        super().__init__(message.format(**self.params))


class NotFound(DomainError):
    """An id that names nothing in the store."""


class NotAllowed(DomainError):
    """The person's roles do not allow this."""


class Conflict(DomainError):
    """Another tablet changed the same thing first: reload and try again."""
