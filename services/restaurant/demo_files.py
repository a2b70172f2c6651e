"""The demo restaurant's four TOML files in assets/demo/: their schema and how they are read.

The files are hand-edited, so every problem is reported with the file, the field path
(`items[3].price_minor`) and the reason, and nothing is written until all four are valid.
"""

from __future__ import annotations

import re
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import time
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from models import (
    Allergen,
    Role,
)
from services.billing.setup import BillingData
from services.errors import DomainError
from services.i18n import N_
from services.people.pins import PIN_PATTERN

DEMO_FOLDER = Path(__file__).resolve().parents[2] / "assets" / "demo"

RESTAURANT_FILE = "restaurant.toml"
FLOOR_FILE = "floor.toml"
MENU_FILE = "menu.toml"
STAFF_FILE = "staff.toml"

MAX_PRICE_MINOR = 10_000_000

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

Problem = tuple[str, str]  # (field path, reason)


class DemoDataError(DomainError):
    """A demo data file that cannot be loaded. `problems` lists every (field, reason) found in
    that file; the message names the first, so it stays one translatable sentence."""

    def __init__(self, file: str, reason: str, field: str = "", problems: Sequence[Problem] = ()):
        self.file = file
        self.problems = list(problems) or [(field, reason)]
        if field:
            super().__init__(
                N_("Demo data {file}: {field}: {reason}"), file=file, field=field, reason=reason
            )
        else:
            super().__init__(N_("Demo data {file}: {reason}"), file=file, reason=reason)


# ---- field types ----------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("Must not be blank")
    return value


def _has_chinese(value: str) -> str:
    # A Chinese name with no Chinese in it is almost always a copy-paste slip from name_en.
    if not _CJK.search(value):
        raise ValueError("Must contain Chinese characters")
    return value


Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
# Painted on the table stand or written on slips: "12", "VIP1", "W01".
Number = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]+$", max_length=16)]
NameEn = Annotated[str, StringConstraints(max_length=80), AfterValidator(_not_blank)]
NameZh = Annotated[str, StringConstraints(max_length=80), AfterValidator(_has_chinese)]
LongNameEn = Annotated[str, StringConstraints(max_length=120), AfterValidator(_not_blank)]
LongNameZh = Annotated[str, StringConstraints(max_length=120), AfterValidator(_has_chinese)]
Sort = Annotated[int, Field(ge=0, le=10_000)]
# TOML has no enums: enum fields take their string value (strict mode would demand an instance).
AllergenValue = Annotated[Allergen, Strict(False)]
RoleValue = Annotated[Role, Strict(False)]


class _FileModel(BaseModel):
    # Strict: a price written as "4800" or 48.0 is a typo to report, not something to coerce.
    model_config = ConfigDict(strict=True, extra="forbid")


# ---- restaurant.toml ------------------------------------------------------------------------


class ServicePeriodData(_FileModel):
    code: Code
    name_en: NameEn
    name_zh: NameZh
    opens_at: time
    closes_at: time

    @field_validator("closes_at")
    @classmethod
    def _closes_after_opening(cls, value: time, info: ValidationInfo) -> time:
        opens_at = info.data.get("opens_at")
        if opens_at is not None and value <= opens_at:
            raise ValueError("Must be later than opens_at")
        return value


class RestaurantData(_FileModel):
    name: LongNameEn
    name_zh: LongNameZh
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    currency_exponent: Annotated[int, Field(ge=0, le=4)]
    tax_rate_bp: Annotated[int, Field(ge=0, le=10_000)]
    service_charge_bp: Annotated[int, Field(ge=0, le=10_000)]
    timezone: str
    pin_max_attempts: Annotated[int, Field(ge=1, le=20)]
    pin_lockout_seconds: Annotated[int, Field(ge=0, le=86_400)]
    idle_logout_seconds: Annotated[int, Field(ge=15, le=3_600)]
    service_periods: Annotated[list[ServicePeriodData], Field(min_length=1)]
    # Billing (第9条): settings, payment methods, house accounts (services.billing.setup).
    billing: BillingData = Field(default_factory=BillingData)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("Not a known IANA time zone such as Asia/Shanghai") from None
        return value


# ---- floor.toml -----------------------------------------------------------------------------


class SectionData(_FileModel):
    code: Code
    name_en: NameEn
    name_zh: NameZh
    sort: Sort = 0
    # The demo waiter (staff number) put on it for every service, so the demo starts staffed.
    waiter: Number | None = None


class TableData(_FileModel):
    number: Number
    section: Code
    seats: Annotated[int, Field(ge=1, le=40)]
    shape: Literal["round", "square", "rect"]
    x: Annotated[int, Field(ge=0, le=500)]
    y: Annotated[int, Field(ge=0, le=500)]
    width: Annotated[int, Field(ge=1, le=50)]
    height: Annotated[int, Field(ge=1, le=50)]

    def overlaps(self, other: TableData) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


class FloorData(_FileModel):
    sections: Annotated[list[SectionData], Field(min_length=1)]
    tables: Annotated[list[TableData], Field(min_length=1)]


# ---- menu.toml ------------------------------------------------------------------------------


class CourseData(_FileModel):
    code: Code
    name_en: NameEn
    name_zh: NameZh
    sort: Sort


class CategoryData(_FileModel):
    code: Code
    name_en: NameEn
    name_zh: NameZh
    station: Code
    sort: Sort = 0


class ModifierData(_FileModel):
    code: Code
    name_en: NameEn
    name_zh: NameZh
    # May be negative ("no rice" taking something off); bounded like a price either way.
    price_delta_minor: Annotated[int, Field(ge=-MAX_PRICE_MINOR, le=MAX_PRICE_MINOR)] = 0


class ModifierGroupData(_FileModel):
    code: Code
    name_en: NameEn
    name_zh: NameZh
    min_choices: Annotated[int, Field(ge=0, le=20)] = 0
    max_choices: Annotated[int, Field(ge=1, le=20)] = 1
    modifiers: Annotated[list[ModifierData], Field(min_length=1)]


class ItemData(_FileModel):
    code: Code
    category: Code
    course: Code
    name_en: LongNameEn
    name_zh: LongNameZh
    price_minor: Annotated[int, Field(ge=0, le=MAX_PRICE_MINOR)]
    allergens: list[AllergenValue] = Field(default_factory=list)
    modifier_groups: list[Code] = Field(default_factory=list)
    # 第8条 ⑦: soups, sizzling plates, claypots: the guests are warned.
    hot: bool = False


class MenuData(_FileModel):
    courses: Annotated[list[CourseData], Field(min_length=1)]
    categories: Annotated[list[CategoryData], Field(min_length=1)]
    modifier_groups: list[ModifierGroupData] = Field(default_factory=list)
    items: Annotated[list[ItemData], Field(min_length=1)]


# ---- staff.toml -----------------------------------------------------------------------------


class StaffData(_FileModel):
    number: Number
    name: NameEn
    roles: Annotated[list[RoleValue], Field(min_length=1)]
    pin: str

    @field_validator("pin")
    @classmethod
    def _pin_format(cls, value: str) -> str:
        # The reason never repeats the PIN: error messages end up in logs and on screens.
        if not PIN_PATTERN.fullmatch(value):
            raise ValueError("A PIN is 4 to 8 digits")
        return value


class StaffListData(_FileModel):
    staff: Annotated[list[StaffData], Field(min_length=1)]


class DemoRestaurant(BaseModel):
    restaurant: RestaurantData
    floor: FloorData
    menu: MenuData
    staff: StaffListData


# ---- cross-checks: what one record says about another ---------------------------------------


def _repeats(path: str, values: Iterable[object]) -> Iterator[Problem]:
    """A problem for every value already seen earlier in the same list."""
    first_at: dict[object, int] = {}
    for i, value in enumerate(values):
        if value in first_at:
            yield path.format(i=i), f"Repeats the value of {path.format(i=first_at[value])}"
        else:
            first_at[value] = i


def _restaurant_problems(data: RestaurantData) -> Iterator[Problem]:
    periods = data.service_periods
    yield from _repeats("service_periods[{i}].code", (p.code for p in periods))
    for i, period in enumerate(periods):
        for j, earlier in enumerate(periods[:i]):
            if period.opens_at < earlier.closes_at and earlier.opens_at < period.closes_at:
                yield f"service_periods[{i}]", f"Overlaps service_periods[{j}]"


def _floor_problems(data: FloorData) -> Iterator[Problem]:
    yield from _repeats("sections[{i}].code", (s.code for s in data.sections))
    yield from _repeats("tables[{i}].number", (t.number for t in data.tables))
    sections = {s.code for s in data.sections}
    for i, table in enumerate(data.tables):
        if table.section not in sections:
            yield f"tables[{i}].section", f"No section has the code {table.section!r}"
        for j, earlier in enumerate(data.tables[:i]):
            if table.overlaps(earlier):
                yield f"tables[{i}]", f"Overlaps table {earlier.number} (tables[{j}]) on the plan"


def _menu_problems(data: MenuData) -> Iterator[Problem]:
    yield from _repeats("courses[{i}].code", (c.code for c in data.courses))
    # Courses go out in sort order; two with the same sort would leave that order to chance.
    yield from _repeats("courses[{i}].sort", (c.sort for c in data.courses))
    yield from _repeats("categories[{i}].code", (c.code for c in data.categories))
    yield from _repeats("modifier_groups[{i}].code", (g.code for g in data.modifier_groups))
    yield from _repeats("items[{i}].code", (item.code for item in data.items))
    for g, group in enumerate(data.modifier_groups):
        path = f"modifier_groups[{g}]"
        yield from _repeats(path + ".modifiers[{i}].code", (m.code for m in group.modifiers))
        if group.max_choices < group.min_choices:
            yield f"{path}.max_choices", "Must not be less than min_choices"
        if group.min_choices > len(group.modifiers):
            yield f"{path}.min_choices", "Asks for more choices than the group has modifiers"
    courses = {c.code for c in data.courses}
    categories = {c.code for c in data.categories}
    groups = {g.code for g in data.modifier_groups}
    for i, item in enumerate(data.items):
        if item.category not in categories:
            yield f"items[{i}].category", f"No category has the code {item.category!r}"
        if item.course not in courses:
            yield f"items[{i}].course", f"No course has the code {item.course!r}"
        yield from _repeats(f"items[{i}].allergens[{{i}}]", item.allergens)
        yield from _repeats(f"items[{i}].modifier_groups[{{i}}]", item.modifier_groups)
        for k, code in enumerate(item.modifier_groups):
            if code not in groups:
                yield f"items[{i}].modifier_groups[{k}]", f"No modifier group has the code {code!r}"


def _staff_problems(data: StaffListData) -> Iterator[Problem]:
    yield from _repeats("staff[{i}].number", (p.number for p in data.staff))
    # A PIN alone identifies who is logging in, so two people may never share one.
    yield from _repeats("staff[{i}].pin", (p.pin for p in data.staff))
    for i, person in enumerate(data.staff):
        yield from _repeats(f"staff[{i}].roles[{{i}}]", person.roles)
    if not any(Role.MANAGER in p.roles for p in data.staff):
        yield "staff", "Nobody has the manager role, so nothing needing approval could be done"


_M = TypeVar("_M", bound=_FileModel)


# ---- reading --------------------------------------------------------------------------------


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def _read_file(
    folder: Path, name: str, model: type[_M], checks: Callable[[_M], Iterator[Problem]]
) -> _M:
    try:
        raw = (folder / name).read_bytes()
    except FileNotFoundError:
        raise DemoDataError(name, f"File not found in {folder}") from None
    except OSError as exc:
        raise DemoDataError(name, f"File cannot be read: {exc.strerror}") from None
    try:
        # utf-8-sig: Windows editors like to prepend a byte-order mark, which TOML forbids.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DemoDataError(name, f"Not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(name, f"Not valid TOML: {exc}") from None
    try:
        data = model.model_validate(document)
    except ValidationError as exc:
        problems = [
            (_field_path(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in exc.errors()
        ]
        raise DemoDataError(name, problems[0][1], problems[0][0], problems) from None
    problems = list(checks(data))
    if problems:
        raise DemoDataError(name, problems[0][1], problems[0][0], problems)
    return data


def read_demo(folder: Path = DEMO_FOLDER) -> DemoRestaurant:
    """Read and validate all four files; raise DemoDataError on the first file with a problem."""
    return DemoRestaurant(
        restaurant=_read_file(folder, RESTAURANT_FILE, RestaurantData, _restaurant_problems),
        floor=_read_file(folder, FLOOR_FILE, FloorData, _floor_problems),
        menu=_read_file(folder, MENU_FILE, MenuData, _menu_problems),
        staff=_read_file(folder, STAFF_FILE, StaffListData, _staff_problems),
    )


def demo_pins(folder: Path = DEMO_FOLDER) -> list[tuple[str, str, list[str], str]]:
    """(number, name, roles, PIN) for each demo person, for the README's login table."""
    staff = _read_file(folder, STAFF_FILE, StaffListData, _staff_problems)
    return [(p.number, p.name, [r.value for r in p.roles], p.pin) for p in staff.staff]
