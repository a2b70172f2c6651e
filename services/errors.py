"""Domain errors: a rule broken by the person using the app.

The message is an English sentence with {named} fields; screens translate the sentence
through the catalogue and then fill in the fields, so the same error reads right in
English and Chinese.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(message.format(**params))


class NotFound(DomainError):
    """An id that names nothing in the store."""


class NotAllowed(DomainError):
    """The person's roles do not allow this."""


class Conflict(DomainError):
    """Another tablet changed the same thing first: reload and try again."""
