"""PIN hashing. Only a slow salted Argon2id hash is ever stored; a PIN is never logged."""

from __future__ import annotations

import re
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BeforeValidator

from services.errors import DomainError

# OWASP's minimum Argon2id settings (19 MiB, 2 passes, 1 lane): about 30 ms here,
# slow enough to make guessing from a stolen file costly, quick enough for a cheap tablet.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

PIN_PATTERN = re.compile(r"[0-9]{4,8}")


def check_pin_format(pin: object) -> str:
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise DomainError("A PIN is 4 to 8 digits.")
    return pin


def hash_pin(pin: str) -> str:
    return _hasher.hash(check_pin_format(pin))


def pin_matches(pin_hash: str, pin: str) -> bool:
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A PIN field of a command: checked as it is built, so a malformed PIN is refused with
# the sentence before anything is counted or written.
Pin = Annotated[str, BeforeValidator(check_pin_format)]
