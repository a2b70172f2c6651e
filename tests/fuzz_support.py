"""For tests/test_security_fuzz.py: every command model and every service that takes one,
found by walking services/, a well-formed command for each, and hostile values.

A command is a Pydantic model defined under services/ with extra="forbid" and frozen
(CONTRIBUTING.md); a service entry point is a public function of services/ that takes the
store and one such command. Nothing is listed by hand, so a new command or service is
fuzzed the day it is written; the few commands whose fields depend on each other get
their well-formed values in COMMAND_FIELDS.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

import services
from models import Role
from services.checklists.templates import ChecklistItem
from services.errors import DomainError
from services.orders.voids import VoidReason
from services.text import ID_MAX
from tests.seating_support import MANAGER_PIN

MESSAGE_MAX = 300  # what a screen's message line can show; never the input sent back

# The largest id the database holds: well-formed, and naming nothing in a test database.
UNKNOWN_ID = ID_MAX
# Text every check must take as typed and the database must store as given.
ODD_BUT_FINE = "Robert'); DROP TABLE bill;-- %s %n {0} {name} 🍜 王 ﷽"
UNKNOWN_CLIENT_ID = "00000000-0000-4000-8000-00000000f022"

# Tried in turn for a required field: the first its own type accepts is used.
CANDIDATES: tuple[object, ...] = (
    UNKNOWN_ID,
    [UNKNOWN_ID],
    ODD_BUT_FINE,
    UNKNOWN_CLIENT_ID,
    1,
    "x",
    "4242",
    "guest@example.cn",
    date(2026, 1, 5),
    (),
    [],
    {},
    True,
    None,
)

HOSTILE_INTS = (
    2**31 - 1,
    2**31,
    2**32,
    2**63 - 1,
    2**63,
    2**64,
    10**30,
    10**4000,  # a 4,001-digit number: a message that quotes it is 4,000 characters long
    -(10**5000),  # past what Python prints as digits at all
    -1,
    0,
    -(2**31) - 1,
    -(2**63) - 1,
)
HOSTILE_TEXTS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\x1dV",
    "\r\n",
    "\u2028",
    "\ud800",
    "x\udfffy",
    "🍜" * 50,
    "'; DROP TABLE staff; --",
    "1 OR 1=1",
    "%s%s%s%n",
    "{0}{name}{__class__}",
    "{",
    "x" * 100_000,
    "9" * 400,
)
HOSTILE_OTHERS: tuple[object, ...] = (
    None,
    True,
    False,
    1.5,
    float("nan"),
    float("inf"),
    -0.0,
    b"\x00\xff",
    [],
    [1, 2],
    ["x" * 1000],
    {},
    {"a": 1},
    {"__class__": None},
    (UNKNOWN_ID,),
    object(),
)
HOSTILE: tuple[object, ...] = HOSTILE_INTS + HOSTILE_TEXTS + HOSTILE_OTHERS

# Well-formed values the candidates cannot find alone (fields that depend on each other).
COMMAND_FIELDS: dict[str, Callable[[], dict[str, object]]] = {
    "GiveDiscount": lambda: {"percent_bp": 1000},
    "CorrectItem": lambda: {"reason": ODD_BUT_FINE},
    "VoidLine": lambda: {"reason": next(iter(VoidReason))},
    "SeatParty": lambda: {"party_id": UNKNOWN_ID},
    "NewAccount": lambda: {"kind": "company"},
    "AddPerson": lambda: {"roles": (Role.WAITER,)},
    "SetRoles": lambda: {"roles": (Role.WAITER,)},
    "NewStaff": lambda: {"roles": (Role.WAITER,)},
    "ChecklistTemplate": lambda: {"items": [well_formed(ChecklistItem)]},
}


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(services.__path__, "services."):
        yield importlib.import_module(info.name)


def _is_command(obj: object, module: Any) -> bool:
    if not (inspect.isclass(obj) and issubclass(obj, BaseModel)):
        return False
    config = obj.model_config
    return (
        obj.__module__ == module.__name__
        and config.get("extra") == "forbid"
        and bool(config.get("frozen"))
    )


@cache
def commands() -> tuple[type[BaseModel], ...]:
    found = {
        obj for module in _modules() for obj in vars(module).values() if _is_command(obj, module)
    }
    return tuple(sorted(found, key=lambda c: (c.__module__, c.__qualname__)))


@dataclass(frozen=True)
class Entry:
    """A service that takes a command: how to call it."""

    function: Callable[..., Any]
    command_param: str
    command: type[BaseModel]
    actor_param: str | None

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__name__}"


ACTOR_PARAMS = ("actor_id", "staff_id", "viewer_id", "acting_id")


def _takes_commands(annotation: object) -> bool:
    """A command, or a model that a service takes like one without being frozen
    (services.printing.jobs.PrintRequest): fuzzed all the same."""
    return (
        inspect.isclass(annotation)
        and issubclass(annotation, BaseModel)
        and annotation.__module__.startswith("services.")
        and annotation.model_config.get("extra") == "forbid"
    )


@cache
def entry_points() -> tuple[Entry, ...]:
    found: dict[str, Entry] = {}
    for module in _modules():
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue
            params = list(inspect.signature(function).parameters)
            if not params or params[0] != "store":
                continue
            hints = typing.get_type_hints(function)
            taken = [p for p in params if _takes_commands(hints.get(p))]
            if len(taken) != 1:
                continue
            actor = next((p for p in params if p in ACTOR_PARAMS), None)
            entry = Entry(function, taken[0], hints[taken[0]], actor)
            found[entry.name] = entry
    return tuple(found[k] for k in sorted(found))


def _adapter(model: type[BaseModel], field: str) -> TypeAdapter[Any]:
    info = model.model_fields[field]
    annotation = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]  # type: ignore[assignment]
    return TypeAdapter(annotation)


def _accepts(adapter: TypeAdapter[Any], value: object) -> bool:
    try:
        adapter.validate_python(value)
    except (ValidationError, DomainError, TypeError, ValueError):
        return False
    return True


def _candidates(model: type[BaseModel], field: str) -> Iterator[object]:
    if "pin" in field:
        yield MANAGER_PIN  # a real manager's PIN: the command gets past its approval
    annotation = model.model_fields[field].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if inspect.isclass(arg) and issubclass(arg, Enum):
            yield next(iter(arg))
        if inspect.isclass(arg) and issubclass(arg, BaseModel):
            nested = _try_well_formed(arg)
            if nested is not None:  # else a model the candidates cannot fill: next one
                yield nested
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Literal or arg is typing.Literal:
            yield typing.get_args(arg)[0]
    if typing.get_origin(annotation) is typing.Literal:
        yield typing.get_args(annotation)[0]
    yield from CANDIDATES


@cache
def well_formed_fields(model: type[BaseModel]) -> dict[str, object]:
    """A value for every required field and every PIN: unknown ids, odd but acceptable
    text, a manager's real PIN."""
    fields: dict[str, object] = {}
    for field, info in model.model_fields.items():
        if not info.is_required() and "pin" not in field:
            continue
        adapter = _adapter(model, field)
        for value in _candidates(model, field):
            if _accepts(adapter, value):
                fields[field] = value
                break
    more = COMMAND_FIELDS.get(model.__name__)
    if more is not None:
        fields.update(more())
    return fields


def well_formed(model: type[BaseModel]) -> BaseModel:
    return model(**well_formed_fields(model))


def _try_well_formed(model: type[BaseModel]) -> BaseModel | None:
    try:
        return well_formed(model)
    except (ValidationError, DomainError):
        return None


def text_fields(model: type[BaseModel]) -> list[str]:
    """Fields that take free text (where odd but acceptable text can go)."""
    return [
        f
        for f in model.model_fields
        if "pin" not in f and _accepts(_adapter(model, f), ODD_BUT_FINE)
    ]


def assert_clear_refusal(error: BaseException) -> None:
    """A refusal a person can read: a DomainError or a ValidationError, short, whatever
    was sent."""
    if isinstance(error, DomainError):
        assert len(str(error)) <= MESSAGE_MAX, str(error)[:500]
        return
    assert isinstance(error, ValidationError), repr(error)[:500]
    for problem in error.errors(include_url=False, include_input=False):
        assert len(str(problem["msg"])) <= MESSAGE_MAX, str(problem["msg"])[:500]
    # Pydantic's own text adds the field, a link and the input cut short: bounded too.
    assert len(str(error)) <= 2 * MESSAGE_MAX * error.error_count(), str(error)[:500]
