"""What goes on paper: the kitchen ticket, the dispatch slip (出菜凭单), the void ticket and
the "moved" paper.

The order service fills these when a waiter sends an order (第7条: waiter's name or number,
date and time, table number, number of guests) and they are stored as JSON on the print
job; services/ticket_paper.py lays them out in ESC/POS. Times are UTC here and printed in
the restaurant's own time zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from models import Allergen
from services.menu.catalog import MAX_NOTE_CHARS, MAX_QUANTITY, CheckedLine


class Person(BaseModel):
    """Who sent, voided or approved: printed as "张伟 Zhang Wei (W01)"."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=80)
    number: str = Field(min_length=1, max_length=16)

    def label(self) -> str:
        return f"{self.name} ({self.number})"


class TicketModifier(BaseModel):
    model_config = ConfigDict(frozen=True)

    name_en: str
    name_zh: str = ""
    price_delta_minor: int = 0


class TicketLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    # None: for the whole table (a shared dish), else the seat number (第8条: serve by seat).
    seat: int | None = Field(default=None, ge=1, le=99)
    course_code: str
    course_name_en: str
    course_name_zh: str = ""
    course_sort: int = 0
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    name_en: str
    name_zh: str = ""
    modifiers: tuple[TicketModifier, ...] = ()
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    allergens: tuple[Allergen, ...] = ()
    unit_price_minor: int = Field(default=0, ge=0)
    line_total_minor: int = Field(default=0, ge=0)

    @classmethod
    def from_checked(cls, line: CheckedLine, seat: int | None = None, note: str = "") -> TicketLine:
        """The ticket line for a line that passed services.menu.catalog.check_line_choice."""
        return cls(
            seat=seat,
            course_code=line.course_code,
            course_name_en=line.course_name_en,
            course_name_zh=line.course_name_zh,
            course_sort=line.course_sort,
            quantity=line.quantity,
            name_en=line.name_en,
            name_zh=line.name_zh,
            modifiers=tuple(
                TicketModifier(
                    name_en=m.name_en, name_zh=m.name_zh, price_delta_minor=m.price_delta_minor
                )
                for m in line.modifiers
            ),
            note=note,
            allergens=line.allergens,
            unit_price_minor=line.unit_price_minor,
            line_total_minor=line.line_total_minor,
        )


class _Sent(BaseModel):
    """What every piece of paper about one table's order says at the top."""

    model_config = ConfigDict(frozen=True)

    order_ref: str = Field(min_length=1, max_length=32)
    table_number: str = Field(min_length=1, max_length=16)
    guests: int | None = Field(default=None, ge=1, le=999)
    # The restaurant's IANA zone: paper shows the local time the kitchen lives by.
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {zone!r}") from exc
        return zone

    def local(self, at: datetime) -> str:
        return at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")


class KitchenTicket(_Sent):
    """One station's lines of one send: what the cooks there make, in course order."""

    station: str = Field(min_length=1, max_length=32)
    lines: tuple[TicketLine, ...] = Field(min_length=1)
    # 第8条: guests in a hurry -> tell the kitchen to speed up.
    rush: bool = False
    sent_at: AwareDatetime
    sent_by: Person


class DispatchSlip(_Sent):
    """出菜凭单: every line of the send with its price, for the cashier's desk (第7条)."""

    lines: tuple[TicketLine, ...] = Field(min_length=1)
    rush: bool = False
    sent_at: AwareDatetime
    sent_by: Person
    currency: str = Field(default="CNY", min_length=3, max_length=3)
    currency_exponent: int = Field(default=2, ge=0, le=4)

    @property
    def total_minor(self) -> int:
        return sum(line.line_total_minor for line in self.lines)


class VoidTicket(_Sent):
    """Tells a station to stop making something already sent. The order line itself is
    never erased (第7条): it stays, struck through, with these same who/why facts."""

    station: str = Field(min_length=1, max_length=32)
    lines: tuple[TicketLine, ...] = Field(min_length=1)
    voided_at: AwareDatetime
    voided_by: Person
    approved_by: Person | None = None
    reason: str = Field(min_length=1, max_length=200)


class MovedCourse(BaseModel):
    """A course the station has on an open ticket of the party: what the paper names so the
    cooks find the ticket on their rail."""

    model_config = ConfigDict(frozen=True)

    order_ref: str = Field(min_length=1, max_length=32)
    course_name_en: str
    course_name_zh: str = ""


class MovedTicket(_Sent):
    """Tells a station that a party whose course it is cooking now sits elsewhere (第8条:
    dishes go to the right table). NOT a new order: nothing on it is to be cooked.
    `table_number` is where the party sits now, `from_table` where it sat."""

    station: str = Field(min_length=1, max_length=32)
    from_table: str = Field(min_length=1, max_length=16)
    courses: tuple[MovedCourse, ...] = Field(min_length=1)
    moved_at: AwareDatetime
    moved_by: Person
