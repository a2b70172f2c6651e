"""The end-of-day report (第9条 ②, 第13条) on SQLite and PostgreSQL, figure by figure, for a
small service made through the real services: four parties seated, ordered and sent; a
void after the kitchen fired the dish and one after money was taken; a comp and a
discount; a split bill paid part cash, part card with a tip; a bill signed to a house
account in a private room (service charge); one table still eating; the drawer counted."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from services.billing.accounts import house_accounts
from services.billing.bills import PartyBill, present_bill, request_bill
from services.billing.changes import DiscountKind, SplitBill, split_bill
from services.billing.payments import TakePayment, take_payment
from services.billing.splits import SplitKind, SplitPlan
from services.cash.drawer import CloseDrawer, OpenDrawer, close_drawer, open_drawer
from services.checklists.templates import load_templates
from services.errors import DomainError, NotAllowed
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import order_view
from services.reports.end_of_day import AskReport, EndOfDay, end_of_day
from services.reports.export import end_of_day_csv, export_end_of_day
from services.restaurant.settings import restaurant_info
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.seating_support import LUNCH, MANAGER_PIN

_ = billing  # a fixture, used by name


def _party(billing: Billing, table: str, size: int, items: dict[str, int]) -> int:
    """Seat a party, order and send through the real services; returns the party id."""
    party_id = billing.floor.seat(size, table).party_id
    waiter = billing.staff["W03" if table.startswith("VIP") else "W01"]
    for code, quantity in items.items():
        add_line(
            billing.store,
            waiter,
            AddLine(
                client_line_id=new_id(),
                party_id=party_id,
                item_id=billing.items[code],
                quantity=quantity,
            ),
        )
    view = order_view(billing.store, party_id)
    send_order(
        billing.store,
        waiter,
        SendOrder(
            client_send_id=new_id(),
            party_id=party_id,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
        ),
    )
    return party_id


def _bill(billing: Billing, party_id: int, waiter: str = "W01"):
    request_bill(billing.store, billing.staff[waiter], PartyBill(party_id=party_id))
    return present_bill(billing.store, billing.cashier, PartyBill(party_id=party_id))


def _pay(billing: Billing, bill, method: str, amount: int, part: int = 1, **fields):
    return take_payment(
        billing.store,
        billing.cashier,
        TakePayment(
            client_payment_id=new_id(),
            bill_id=bill.bill_id,
            part_number=part,
            method_id=billing.methods[method],
            amount_minor=amount,
            **fields,
        ),
    )


def _service(billing: Billing) -> dict[str, int]:
    store, cashier = billing.store, billing.cashier
    drawer = open_drawer(
        store, cashier, OpenDrawer(client_drawer_id=new_id(), float_counts={"note_100": 2})
    )
    # Table 1 (Billing's own party): the tea is voided after the bar had it on a ticket.
    billing.void(billing.lines["Jasmine tea, pot"])
    billing.request()
    billing.discount(DiscountKind.COMP, line_id=billing.lines["Smashed cucumber with garlic"])
    billing.discount(DiscountKind.PERCENT, percent_bp=500)
    split_bill(
        store,
        cashier,
        SplitBill(party_id=billing.party_id, plan=SplitPlan(kind=SplitKind.EVEN, ways=2)),
    )
    bill = billing.present()
    _pay(billing, bill, "cash", 1_945, part=1, tendered_minor=2_000)  # 0.55 change
    _pay(billing, bill, "card", 1_945, part=2, tip_minor=200, card_last4="4242")
    # VIP1, a private room (10 % service charge): two red-braised pork, signed to Huaxin.
    vip = _party(billing, "VIP1", 6, {"red_braised_pork": 2})
    bill = _bill(billing, vip, "W03")
    huaxin = next(a for a in house_accounts(store) if a.code == "huaxin")
    signer = next(i for i, name in huaxin.signers if name.startswith("刘总"))
    _pay(
        billing,
        bill,
        "house",
        bill.owed_minor,
        account_id=huaxin.id,
        signer_id=signer,
        manager_pin=MANAGER_PIN,
    )
    # Table 2: 30.00 paid in cash, then the tea is voided, then the rest paid.
    two = _party(billing, "2", 2, {"yuxiang_aubergine": 1, "jasmine_tea": 1})
    bill = _bill(billing, two)
    _pay(billing, bill, "cash", 3_000, tendered_minor=3_000)
    tea = next(li for li in order_view(store, two).lines if li.name_en.startswith("Jasmine"))
    billing.void(tea.id, version=tea.version)
    bill = present_bill(store, cashier, PartyBill(party_id=two))
    _pay(billing, bill, "cash", bill.owed_minor, tendered_minor=bill.owed_minor)
    # Table 3 is still eating when the report is read.
    _party(billing, "3", 2, {"smashed_cucumber": 1})
    # The float 200.00 + cash 19.45 + 30.00 + 2.00 = 251.45 expected; 251.00 counted.
    closed = close_drawer(
        store,
        cashier,
        CloseDrawer(drawer_id=drawer.drawer_id, counts={"note_100": 2, "note_50": 1, "note_1": 1}),
    )
    return {"drawer": closed.drawer_id}


def _today(billing: Billing) -> date:
    info = restaurant_info(billing.store)
    assert info is not None
    return info.today()


def _report(billing: Billing, day: date | None = None, period_id: int | None = None) -> EndOfDay:
    ask = AskReport(service_date=day or _today(billing), period_id=period_id)
    return end_of_day(billing.store, billing.staff["M01"], ask)


def test_the_report_figure_by_figure(billing: Billing) -> None:
    made = _service(billing)
    r = _report(billing)
    assert (r.bills, r.parties, r.covers) == (3, 3, 12)  # 4 + 6 + 2 guests
    # Items: 18 + 6 + 35 (table 1, tea voided) + 116 (VIP1) + 32 (table 2) = 207.00.
    assert r.items_minor == 20_700
    assert (r.comps_minor, r.discounts_minor) == (1_800, 205)  # the cucumber; 5 % of 41.00
    assert (r.service_minor, r.services_waived) == (1_160, 0)  # 10 % of 116.00, VIP1 only
    # Tax inside the prices, 6/106 of each bill, half-up: 2.20 + 7.22 + 1.81.
    assert r.tax_included and r.tax_minor == 220 + 722 + 181
    assert r.rounding_minor == -5  # 38.95 -> 38.90 (抹零)
    assert r.sales_minor == 3_890 + 12_760 + 3_200
    assert r.sales_minor == (
        r.items_minor - r.comps_minor - r.discounts_minor + r.service_minor + r.rounding_minor
    )
    assert [(c.name_en, c.quantity, c.amount_minor) for c in r.categories] == [
        ("Cold dishes", 1, 0),
        ("Mains", 3, 11_600 + 3_200),
        ("Rice, noodles and dumplings", 3, 600 + 3_500),
    ]
    assert sum(h.bills for h in r.hours) == 3
    assert sum(h.amount_minor for h in r.hours) == r.sales_minor
    methods = {m.method_code: (m.payments, m.net_minor, m.tips_minor) for m in r.methods}
    assert methods == {
        "cash": (3, 1_945 + 3_000 + 200, 0),
        "card": (1, 1_945, 200),
        "house": (1, 12_760, 0),
    }
    assert (r.taken_minor, r.signed_minor, r.tips_minor) == (7_090, 12_760, 200)
    assert r.taken_minor + r.signed_minor == r.sales_minor
    voids = [(v.name_en, v.amount_minor, v.after_fired, v.after_payment) for v in r.voids]
    assert voids == [
        ("Jasmine tea, pot", 3_800, True, False),
        ("Jasmine tea, pot", 3_800, True, True),
    ]
    assert r.voids_minor == 7_600 and r.voids[0].approved_by.startswith("王建国")
    assert [(t.tables, t.guests) for t in r.open_tables] == [("3", 2)]
    assert [(d.drawer_id, d.expected_minor, d.counted_minor) for d in r.drawers] == [
        (made["drawer"], 25_145, 25_100)
    ]
    assert r.drawer_variance_minor == -45 and r.drawers_open == 0
    assert r.cash_outside_drawers_minor == 0  # every cash payment went into the drawer


def test_cash_taken_with_no_drawer_open_is_shown_apart(billing: Billing) -> None:
    billing.pay(billing.ready(), "cash", tendered_minor=10_000)
    report = _report(billing)
    assert report.methods[0].net_minor == 9_700 and report.cash_outside_drawers_minor == 9_700


def test_the_services_of_a_day_add_up_to_the_day(billing: Billing) -> None:
    _service(billing)
    day = _report(billing)
    with billing.store.read() as s:
        from services.service_day import slots_on

        slots = slots_on(s, day.window.service_date)
    parts = [_report(billing, period_id=slot.period_id) for slot in slots]
    assert [p.window.period_code for p in parts] == ["lunch", "dinner"]
    assert parts[0].window.since == day.window.since
    assert parts[0].window.until == parts[1].window.since
    assert parts[-1].window.until == day.window.until
    assert sum(p.sales_minor for p in parts) == day.sales_minor
    assert sum(p.bills for p in parts) == day.bills == 3
    assert sum(len(p.voids) for p in parts) == len(day.voids)


def test_the_csv_export_says_the_same_and_goes_beside_the_other_exports(
    billing: Billing, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _service(billing)
    monkeypatch.setenv("TABLESIDE_DATA_DIR", str(tmp_path))
    report = _report(billing)
    path = export_end_of_day(billing.store, billing.staff["M01"], report)
    assert path.parent == tmp_path / "exports" and path.name.endswith("-day.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows == list(csv.reader(io.StringIO(end_of_day_csv(report))))
    found = {(r[0], r[1]): r for r in rows}
    assert found[("sales", "Bills settled")][3:] == ["3", "198.50"]
    assert found[("sales", "Cash rounding")][4] == "-0.05"
    assert found[("payment", "Tips")][4] == "2.00"
    assert found[("drawer", "赵敏 Zhao Min")][4] == "-0.45"  # the last row: the variance
    assert found[("category", "Mains")][3:] == ["3", "148.00"]
    flags = [r[2] for r in rows if r[0] == "void_detail"]
    assert flags == ["after fired", "after fired+after payment"]


def test_checklist_compliance_for_a_past_service(billing: Billing) -> None:
    """The demo lunch of LUNCH's day: the gate was overridden and no list was run."""
    lunch_day = LUNCH.astimezone(_zone(billing)).date()
    with billing.store.read() as s:
        from services.service_day import slots_on

        lunch = next(x for x in slots_on(s, lunch_day) if x.code == "lunch")
    report = end_of_day(
        billing.store,
        billing.staff["S02"],
        AskReport(service_date=lunch_day, period_id=lunch.period_id),
        templates=load_templates(),
    )
    c = report.checklists
    assert c is not None and c.lists >= 1
    assert (c.missing, c.on_time, c.kept_percent) == (c.lists, 0, 0)
    assert report.bills == 0 and report.sales_minor == 0


def _zone(billing: Billing):
    info = restaurant_info(billing.store)
    assert info is not None
    return info.zone


def test_refused_for_a_waiter_and_for_a_day_to_come(billing: Billing) -> None:
    with pytest.raises(NotAllowed):
        end_of_day(billing.store, billing.waiter, AskReport(service_date=_today(billing)))
    with pytest.raises(DomainError, match="not come yet"):
        _report(billing, day=_today(billing) + timedelta(days=1))
    with pytest.raises(DomainError, match="service does not exist"):
        _report(billing, period_id=999)
