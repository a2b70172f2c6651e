"""The end of a service or of a day (第9条 ②, 第13条): covers, sales by category and by
hour, takings by way of paying, discounts, comps, voids (flagged when the kitchen had
fired the dish or money had been taken), service charge, tax, tips, cash rounding, the
tables still open, the drawers' variances and how the checklists were kept.

Every figure is read from the stored records in a few grouped queries, never row by
row; bills count when they were settled inside the window (services.reports.windows),
from the amounts frozen on them (services.billing.amounts), so the report says what the
guests were charged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from db.store import Store
from models import (
    AT_TABLE,
    Bill,
    DiningTable,
    MenuCategory,
    MenuItem,
    OrderLine,
    Party,
    PartyStage,
    Payment,
    Restaurant,
    Staff,
    StationTicket,
    StationTicketLine,
    TableOccupancy,
)
from services.billing.amounts import BillAmounts
from services.billing.takings import MethodTakings, takings
from services.checklists.history import checklist_history
from services.checklists.templates import TemplateSet
from services.errors import DomainError
from services.permissions import Action, require
from services.reports.drawers import DrawerSeen, cash_outside_drawers, drawers_in
from services.reports.windows import ReportWindow, report_window
from services.service_day import local_today, restaurant_zone
from services.text import RecordId


class AskReport(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service_date: date
    period_id: RecordId | None = None  # None: the whole day


class CategorySales(BaseModel):
    model_config = ConfigDict(frozen=True)

    name_en: str
    name_zh: str
    quantity: int
    amount_minor: int  # after the lines' own discounts and comps


class HourSales(BaseModel):
    model_config = ConfigDict(frozen=True)

    hour: int  # local hour the bills were settled, 0–23
    bills: int
    amount_minor: int


class VoidSeen(BaseModel):
    model_config = ConfigDict(frozen=True)

    line_id: int
    name_en: str
    name_zh: str
    quantity: int
    amount_minor: int
    reason: str
    voided_by: str
    approved_by: str
    after_fired: bool  # the kitchen had it on a ticket: food may be lost
    after_payment: bool  # money had been taken on the party's bill


class OpenTable(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    tables: str
    stage: str
    guests: int


class ChecklistFigures(BaseModel):
    model_config = ConfigDict(frozen=True)

    lists: int
    on_time: int
    late: int  # signed late, or overdue while still in progress
    missing: int
    in_progress: int

    @property
    def kept_percent(self) -> int:
        """Lists signed on time, in whole percent (rounded down, integer arithmetic)."""
        return self.on_time * 100 // self.lists if self.lists else 100


class EndOfDay(BaseModel):
    model_config = ConfigDict(frozen=True)

    window: ReportWindow
    currency: str
    currency_exponent: int
    covers: int  # guests of the parties whose bills were settled in the window
    parties: int
    bills: int
    items_minor: int
    discounts_minor: int  # percent and amount discounts, comps apart
    comps_minor: int
    service_minor: int
    services_waived: int
    tax_minor: int
    tax_included: bool  # the tax is inside the prices (shown, not added)
    rounding_minor: int  # zero or negative: 抹零
    sales_minor: int  # what the settled bills came to
    categories: tuple[CategorySales, ...]
    hours: tuple[HourSales, ...]
    methods: tuple[MethodTakings, ...]
    taken_minor: int  # by the ways of paying that count as takings
    signed_minor: int  # signed to house accounts: owed, not taken
    tips_minor: int
    voids: tuple[VoidSeen, ...]
    open_tables: tuple[OpenTable, ...]
    drawers: tuple[DrawerSeen, ...]
    drawers_open: int
    # Cash taken by someone with no drawer open at the time: in no drawer's count.
    cash_outside_drawers_minor: int
    checklists: ChecklistFigures | None

    @property
    def voids_minor(self) -> int:
        return sum(v.amount_minor for v in self.voids)

    @property
    def drawer_variance_minor(self) -> int:
        return sum(d.variance_minor for d in self.drawers)


def _bills(s: Session, w: ReportWindow) -> list[tuple[Bill, BillAmounts]]:
    rows = s.scalars(
        select(Bill)
        .where(Bill.state == "settled", Bill.settled_at >= w.since, Bill.settled_at < w.until)
        .order_by(Bill.settled_at, Bill.id)
    ).all()
    return [(b, BillAmounts.model_validate_json(b.snapshot)) for b in rows]


def _categories(s: Session, bills: list[tuple[Bill, BillAmounts]]) -> tuple[CategorySales, ...]:
    line_ids = [line.line_id for _, amounts in bills for line in amounts.lines]
    if not line_ids:
        return ()
    category_of = {
        line_id: (cat_id, name_en, name_zh, sort)
        for line_id, cat_id, name_en, name_zh, sort in s.execute(
            select(
                OrderLine.id,
                MenuCategory.id,
                MenuCategory.name_en,
                MenuCategory.name_zh,
                MenuCategory.sort,
            )
            .join(MenuItem, MenuItem.id == OrderLine.item_id)
            .join(MenuCategory, MenuCategory.id == MenuItem.category_id)
            .where(OrderLine.id.in_(line_ids))
        ).all()
    }
    sums: dict[tuple[int, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for _, amounts in bills:
        for line in amounts.lines:
            cat_id, name_en, name_zh, sort = category_of[line.line_id]
            entry = sums[(sort, cat_id, name_en, name_zh)]
            entry[0] += line.quantity
            entry[1] += line.net_minor
    return tuple(
        CategorySales(name_en=k[2], name_zh=k[3], quantity=v[0], amount_minor=v[1])
        for k, v in sorted(sums.items())
    )


def _hours(s: Session, bills: list[tuple[Bill, BillAmounts]]) -> tuple[HourSales, ...]:
    zone = restaurant_zone(s)
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for bill, _ in bills:
        assert bill.settled_at is not None  # settled
        entry = sums[bill.settled_at.astimezone(zone).hour]
        entry[0] += 1
        entry[1] += bill.total_minor
    return tuple(HourSales(hour=h, bills=v[0], amount_minor=v[1]) for h, v in sorted(sums.items()))


def _voids(s: Session, w: ReportWindow) -> tuple[VoidSeen, ...]:
    fired = exists(
        select(StationTicketLine.id)
        .join(StationTicket, StationTicket.id == StationTicketLine.ticket_id)
        .where(
            StationTicketLine.line_id == OrderLine.id,
            StationTicket.fired_at <= OrderLine.voided_at,
        )
    )
    paid = exists(
        select(Payment.id).where(
            Payment.party_id == OrderLine.party_id,
            Payment.kind == "payment",
            Payment.taken_at <= OrderLine.voided_at,
        )
    )
    by, approver = aliased(Staff), aliased(Staff)
    rows = s.execute(
        select(OrderLine, fired, paid, by.name, approver.name)
        .outerjoin(by, by.id == OrderLine.voided_by_id)
        .outerjoin(approver, approver.id == OrderLine.void_approved_by_id)
        .where(OrderLine.voided_at >= w.since, OrderLine.voided_at < w.until)
        .order_by(OrderLine.voided_at, OrderLine.id)
    ).all()
    return tuple(
        VoidSeen(
            line_id=line.id,
            name_en=line.name_en,
            name_zh=line.name_zh,
            quantity=line.quantity,
            amount_minor=line.total_minor,
            reason=line.void_reason,
            voided_by=by_name or "",
            approved_by=approver_name or "",
            after_fired=bool(was_fired),
            after_payment=bool(was_paid),
        )
        for line, was_fired, was_paid, by_name, approver_name in rows
    )


def _open_tables(s: Session, w: ReportWindow) -> tuple[OpenTable, ...]:
    rows = s.execute(
        select(Party, DiningTable.number)
        .join(TableOccupancy, TableOccupancy.party_id == Party.id)
        .join(DiningTable, DiningTable.id == TableOccupancy.table_id)
        .where(
            # Open: at the table and not yet paid (a paid party lingering is not).
            Party.stage.in_([st.value for st in AT_TABLE if st is not PartyStage.PAID]),
            Party.seated_at < w.until,
            TableOccupancy.vacated_at.is_(None),
        )
        .order_by(Party.seated_at, Party.id, DiningTable.number)
    ).all()
    tables: dict[int, list[str]] = defaultdict(list)
    parties: dict[int, Party] = {}
    for party, number in rows:
        parties[party.id] = party
        tables[party.id].append(number)
    return tuple(
        OpenTable(party_id=p.id, tables=" + ".join(tables[p.id]), stage=p.stage, guests=p.size)
        for p in parties.values()
    )


def _checklists(
    store: Store, viewer_id: int, w: ReportWindow, templates: TemplateSet | None
) -> ChecklistFigures | None:
    if templates is None:
        return None
    history = checklist_history(store, viewer_id, w.service_date, w.service_date, templates)
    rows = [r for r in history.rows if w.period_id is None or r.service_code == w.period_code]
    status = [r.status for r in rows]
    return ChecklistFigures(
        lists=len(rows),
        on_time=status.count("on_time"),
        late=status.count("signed_late") + status.count("overdue"),
        missing=status.count("missing"),
        in_progress=status.count("in_progress"),
    )


def end_of_day(
    store: Store, viewer_id: int, ask: AskReport, templates: TemplateSet | None = None
) -> EndOfDay:
    """The report for one service (ask.period_id) or the whole local day."""
    with store.read() as s:
        require(s, viewer_id, Action.READ_REPORTS)
        if ask.service_date > local_today(s):
            raise DomainError("That day has not come yet.")
        restaurant = s.get(Restaurant, 1)
        if restaurant is None:
            raise DomainError("The restaurant is not set up yet.")
        w = report_window(s, ask.service_date, ask.period_id)
        bills = _bills(s, w)
        # Covers are the guests of the bills settled in the window, as sales are: a party
        # seated before midnight and paying after counts once, on the day it paid.
        party_ids = sorted({b.party_id for b, _ in bills})
        covers, parties = s.execute(
            select(func.coalesce(func.sum(Party.size), 0), func.count(Party.id)).where(
                Party.id.in_(party_ids)
            )
        ).one()
        amounts = [a for _, a in bills]
        comps = sum(d.amount_minor for a in amounts for d in a.discounts if d.kind == "comp")
        categories = _categories(s, bills)
        hours = _hours(s, bills)
        voids = _voids(s, w)
        open_tables = _open_tables(s, w)
        drawers, drawers_open = drawers_in(s, w)
        outside = cash_outside_drawers(s, w)
        currency, exponent = restaurant.currency, restaurant.currency_exponent
        tax_included = restaurant.prices_include_tax
    taken = takings(store, viewer_id, w.since, w.until)
    return EndOfDay(
        window=w,
        currency=currency,
        currency_exponent=exponent,
        covers=int(covers),
        parties=int(parties),
        bills=len(bills),
        items_minor=sum(a.items_minor for a in amounts),
        discounts_minor=sum(a.discounts_minor for a in amounts) - comps,
        comps_minor=comps,
        service_minor=sum(a.service_minor for a in amounts),
        services_waived=sum(1 for a in amounts if a.service_waived),
        tax_minor=sum(a.tax_minor for a in amounts),
        tax_included=tax_included,
        rounding_minor=sum(a.rounding_minor for a in amounts),
        sales_minor=sum(a.total_minor for a in amounts),
        categories=categories,
        hours=hours,
        methods=taken.methods,
        taken_minor=taken.taken_minor,
        signed_minor=sum(m.net_minor for m in taken.methods if not m.counts_as_takings),
        tips_minor=taken.tips_minor,
        voids=voids,
        open_tables=open_tables,
        drawers=drawers,
        drawers_open=drawers_open,
        cash_outside_drawers_minor=outside,
        checklists=_checklists(store, viewer_id, w, templates),
    )
