"""Checklist templates: the TOML files in `checklists/`, checked by Pydantic when loaded.

A template is data a manager may edit by hand, so a bad file must be refused with a
message that says which file, which item and what is wrong, and it must not stop the
other templates from loading.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from services.errors import DomainError
from services.i18n import N_

DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "checklists"

# The two message shapes, kept as constants so the catalogue can translate them.
FILE_PROBLEM = N_("Checklist template {file}: {reason}")
ITEM_PROBLEM = N_("Checklist template {file}: {item}: {reason}")


class ChecklistKind(StrEnum):
    PRE_SERVICE_INSPECTION = "pre_service_inspection"
    PRE_SERVICE_CLEANING = "pre_service_cleaning"
    CLOSING = "closing"

    @property
    def is_pre_service(self) -> bool:
        return self is not ChecklistKind.CLOSING


class Area(StrEnum):
    """Where in the room an item is checked; a closed set so runs can be grouped by area."""

    TABLES = "tables"
    CHAIRS = "chairs"
    TABLEWARE = "tableware"
    LINEN = "linen"
    SERVICE_STATION = "service_station"
    CARPETS = "carpets"
    FLOORS = "floors"
    WALLS_WINDOWS = "walls_windows"
    ENVIRONMENT = "environment"
    CONDIMENTS = "condiments"
    DECOR = "decor"

    @property
    def label_en(self) -> str:
        return _AREA_LABELS[self][0]

    @property
    def label_zh(self) -> str:
        return _AREA_LABELS[self][1]


_AREA_LABELS: dict[Area, tuple[str, str]] = {
    Area.TABLES: ("Tables", "餐桌"),
    Area.CHAIRS: ("Chairs", "座椅"),
    Area.TABLEWARE: ("Tableware", "餐具"),
    Area.LINEN: ("Linen", "布草"),
    Area.SERVICE_STATION: ("Service station", "工作台"),
    Area.CARPETS: ("Carpets", "地毯"),
    Area.FLOORS: ("Floors", "地面"),
    Area.WALLS_WINDOWS: ("Walls and windows", "墙面门窗"),
    Area.ENVIRONMENT: ("Lights and air", "环境"),
    Area.CONDIMENTS: ("Condiments", "调味品"),
    Area.DECOR: ("Flowers and decor", "装饰"),
}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _has_chinese(text: str) -> str:
    # Catches the English text pasted into the Chinese field, the commonest slip by hand.
    if not _CJK.search(text):
        raise PydanticCustomError("no_chinese", "should contain Chinese characters")
    return text


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(
        strict=True, strip_whitespace=True, min_length=1, max_length=max_length
    )


Code = Annotated[
    str,
    StringConstraints(strict=True, max_length=64, pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"),
]
ItemText = Annotated[str, _text(300)]
ItemTextZh = Annotated[str, _text(300), AfterValidator(_has_chinese)]
Title = Annotated[str, _text(120)]
TitleZh = Annotated[str, _text(120), AfterValidator(_has_chinese)]
SourceRef = Annotated[str, _text(80)]
# Strict so that a float or a quoted number is refused rather than quietly rounded.
Minutes = Annotated[int, Field(strict=True, ge=0, le=24 * 60)]


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    text_en: ItemText
    text_zh: ItemTextZh
    area: Area
    # StrictBool: `critical = "yes"` is a typo to report, not a truthy string to accept.
    critical: StrictBool
    photo_on_fail: StrictBool
    source: SourceRef


class ChecklistTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    kind: ChecklistKind
    title_en: Title
    title_zh: TitleZh
    source: SourceRef
    # Pre-service lists are due a set time before opening; the closing list a set time
    # after closing. Either may be left out, in which case the list is never "late".
    due_minutes_before_opening: Minutes | None = None
    due_minutes_after_closing: Minutes | None = None
    items: list[ChecklistItem] = Field(min_length=1, max_length=200)

    @field_validator("items")
    @classmethod
    def _codes_unique(cls, items: list[ChecklistItem]) -> list[ChecklistItem]:
        first_index: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.code in first_index:
                # The index travels in ctx so the loader can name the offending item.
                raise PydanticCustomError(
                    "duplicate_item_code",
                    'duplicate item code "{code}", already used by items[{first}]',
                    {"code": item.code, "index": index, "first": first_index[item.code]},
                )
            first_index[item.code] = index
        return items

    @model_validator(mode="after")
    def _due_matches_kind(self) -> ChecklistTemplate:
        if self.kind.is_pre_service and self.due_minutes_after_closing is not None:
            raise PydanticCustomError(
                "due_wrong_kind",
                "due_minutes_after_closing is only for closing checklists",
            )
        if not self.kind.is_pre_service and self.due_minutes_before_opening is not None:
            raise PydanticCustomError(
                "due_wrong_kind",
                "due_minutes_before_opening is only for pre-service checklists",
            )
        return self

    def item(self, code: str) -> ChecklistItem:
        for candidate in self.items:
            if candidate.code == code:
                return candidate
        raise KeyError(code)


class Problem(NamedTuple):
    item: str | None  # e.g. 'items[3] (code "floor_non_slip")'; None for the file as a whole
    reason: str


class TemplateError(DomainError):
    """A template file that cannot be used. The message names its first problem;
    `problems` lists them all, for whoever is fixing the file."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a TemplateError needs at least one problem")
        self.path = path
        self.problems = problems
        first = problems[0]
        if first.item is None:
            super().__init__(FILE_PROBLEM, file=path.name, reason=first.reason)
        else:
            super().__init__(ITEM_PROBLEM, file=path.name, item=first.item, reason=first.reason)

    @property
    def item(self) -> str | None:
        return self.problems[0].item

    @property
    def reason(self) -> str:
        return self.problems[0].reason

    def lines(self) -> list[str]:
        """One English line per problem."""
        return [
            FILE_PROBLEM.format(file=self.path.name, reason=p.reason)
            if p.item is None
            else ITEM_PROBLEM.format(file=self.path.name, item=p.item, reason=p.reason)
            for p in self.problems
        ]


@dataclass
class TemplateSet:
    templates: dict[str, ChecklistTemplate] = field(default_factory=dict)
    errors: list[TemplateError] = field(default_factory=list)

    def of_kind(self, kind: ChecklistKind) -> list[ChecklistTemplate]:
        return [t for t in self.templates.values() if t.kind is kind]


def load_template(path: Path) -> ChecklistTemplate:
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise TemplateError(path, [Problem(None, f"cannot be read: {exc.strerror}")]) from exc
    try:
        # utf-8-sig: a file saved by a Windows editor starts with a BOM but is still UTF-8.
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 (byte 0x{raw_bytes[exc.start]:02x} at offset {exc.start})"
        raise TemplateError(path, [Problem(None, reason)]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(path, [Problem(None, f"not valid TOML: {exc}")]) from exc
    try:
        return ChecklistTemplate.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error, data) for error in exc.errors()]
        raise TemplateError(path, problems) from exc


def load_templates(folder: Path = DEFAULT_FOLDER) -> TemplateSet:
    result = TemplateSet()
    if not folder.is_dir():
        result.errors.append(TemplateError(folder, [Problem(None, "folder not found")]))
        return result
    loaded_from: dict[str, Path] = {}
    # Sorted so "the second file" with a duplicate code is the same on every tablet; dot
    # files are editor back-ups and lock files, not templates.
    for path in sorted(p for p in folder.glob("*.toml") if p.is_file()):
        if path.name.startswith("."):
            continue
        try:
            template = load_template(path)
        except TemplateError as exc:
            result.errors.append(exc)
            continue
        if template.code in loaded_from:
            reason = (
                f'code: template code "{template.code}" is already used by '
                f"{loaded_from[template.code].name}"
            )
            result.errors.append(TemplateError(path, [Problem(None, reason)]))
            continue
        loaded_from[template.code] = path
        result.templates[template.code] = template
    return result


def _problem(error: Any, data: dict[str, Any]) -> Problem:
    loc: tuple[Any, ...] = tuple(error["loc"])
    reason = error["msg"]
    if error["type"] not in ("missing", "duplicate_item_code") and _is_scalar(error["input"]):
        reason = f"{reason} (got {_short_repr(error['input'])})"
    if error["type"] == "duplicate_item_code":
        return Problem(_item_label(data, error["ctx"]["index"]), reason)
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        field_path = ".".join(str(part) for part in loc[2:])
        return Problem(
            _item_label(data, loc[1]), f"{field_path}: {reason}" if field_path else reason
        )
    field_path = ".".join(str(part) for part in loc)
    return Problem(None, f"{field_path}: {reason}" if field_path else reason)


def _item_label(data: dict[str, Any], index: int) -> str:
    items = data.get("items")
    raw = items[index] if isinstance(items, list) and index < len(items) else None
    code = raw.get("code") if isinstance(raw, dict) else None
    if isinstance(code, str) and code.strip():
        return f'items[{index}] (code "{code.strip()}")'
    return f"items[{index}]"


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
