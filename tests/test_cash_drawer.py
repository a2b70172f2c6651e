"""The cash drawer (第9条 ②) on SQLite and PostgreSQL: a drawer that balances, one that is
short, a blind count, paid in / paid out, and refusals that change nothing: a negative or
absurd count, a second open drawer, closing twice, another cashier's drawer."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from db.store import Store
from models import AuditEvent, CashDrawer, CashMovement
from services.billing.reopening import RefundPayment, refund_payment
from services.cash.counts import DENOMINATIONS, MAX_PIECES
from services.cash.drawer import (
    ALREADY_OPEN,
    CashInOut,
    CloseDrawer,
    DrawerView,
    MovementKind,
    OpenDrawer,
    close_drawer,
    my_drawer,
    open_drawer,
    pay_in_out,
)
from services.cash.settings import SetBlindCount, set_blind_count
from services.errors import DomainError, NotAllowed
from tests.billing_support import Billing, billing
from tests.order_support import new_id
from tests.seating_support import MANAGER_PIN

_ = billing  # a fixture, used by name

# 200.00 yuan: one 100, one 50, two 20, five 1-yuan coins, ten 5-jiao coins.
FLOAT = {"note_100": 1, "note_50": 1, "note_20": 2, "coin_1": 5, "coin_0_5": 10}


def _open(billing: Billing, counts: dict[str, int] = FLOAT, by: str = "C01") -> DrawerView:
    return open_drawer(
        billing.store,
        billing.staff[by],
        OpenDrawer(client_drawer_id=new_id(), float_counts=counts),
    )


def _close(billing: Billing, drawer: DrawerView, counts: dict[str, Any], by: str = "C01"):
    return close_drawer(
        billing.store, billing.staff[by], CloseDrawer(drawer_id=drawer.drawer_id, counts=counts)
    )


def _cash_state(store: Store) -> tuple[object, ...]:
    with store.read() as s:
        drawers = s.execute(
            select(CashDrawer.id, CashDrawer.state, CashDrawer.version, CashDrawer.counted_minor)
        ).all()
        moves = s.scalar(select(func.count()).select_from(CashMovement))
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    return sorted(drawers), moves, events


def test_the_denominations_are_the_cny_notes_and_coins() -> None:
    assert [d.value_minor for d in DENOMINATIONS] == [
        10_000, 5_000, 2_000, 1_000, 500, 100, 100, 50, 10
    ]  # fmt: skip
    assert [d.kind for d in DENOMINATIONS].count("coin") == 3


def test_a_drawer_that_balances(billing: Billing) -> None:
    drawer = _open(billing)
    assert drawer.float_minor == 20_000 and drawer.expected_minor == 20_000
    bill = billing.ready()
    # 97.00 paid with a 100 note: 3.00 change goes back out, 97.00 stays in the drawer.
    billing.pay(bill, "cash", tendered_minor=10_000)
    seen = my_drawer(billing.store, billing.cashier)
    assert seen is not None and seen.cash_taken_minor == 9_700
    assert seen.expected_minor == 29_700
    # 200 + 97 = 297.00: two 100s, one 50, two 20s, one 5, two 1-yuan notes.
    closed = _close(billing, drawer, {"note_100": 2, "note_50": 1, "note_20": 2, "note_5": 1,
                                      "note_1": 2})  # fmt: skip
    assert (closed.expected_minor, closed.counted_minor, closed.variance_minor) == (
        29_700,
        29_700,
        0,
    )
    assert closed.state == "closed" and my_drawer(billing.store, billing.cashier) is None
    with billing.store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "drawer.closed")).one()
        assert '"variance": 0' in event.detail and event.actor_id == billing.cashier


def test_a_drawer_that_is_short_with_paid_in_out_card_tips_and_a_refund(billing: Billing) -> None:
    drawer = _open(billing)
    pay_in_out(
        billing.store,
        billing.cashier,
        CashInOut(
            client_movement_id=new_id(),
            drawer_id=drawer.drawer_id,
            kind=MovementKind.PAID_IN,
            amount_minor=5_000,
            reason="change from the bank",
        ),
    )
    out = pay_in_out(
        billing.store,
        billing.cashier,
        CashInOut(
            client_movement_id=new_id(),
            drawer_id=drawer.drawer_id,
            kind=MovementKind.PAID_OUT,
            amount_minor=1_200,
            reason="ice delivery",
        ),
    )
    assert (out.paid_in_minor, out.paid_out_minor, out.expected_minor) == (5_000, 1_200, 23_800)
    bill = billing.ready()
    cash = billing.pay(bill, "cash", amount=5_000, tip_minor=300, tendered_minor=6_000)
    refund_payment(  # the cashier gives the cash back, a manager's PIN approving
        billing.store,
        billing.cashier,
        RefundPayment(
            client_payment_id=new_id(),
            payment_id=cash.payment_id,
            amount_minor=1_000,
            reason="tea charged twice",
            manager_pin=MANAGER_PIN,
        ),
    )
    billing.pay(bill, "card", amount=5_700, tip_minor=500, card_last4="4242")
    # 200 + 50 - 12 + (50 + 3 tip) - 10 refunded = 281.00; the card and its tip are not cash.
    seen = my_drawer(billing.store, billing.cashier)
    assert seen is not None and seen.expected_minor == 28_100
    closed = _close(billing, drawer, {"note_100": 2, "note_50": 1, "note_20": 1, "note_5": 1})
    assert (closed.counted_minor, closed.variance_minor) == (27_500, -600)
    with billing.store.read() as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "cash_drawer")
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["drawer.opened", "drawer.paid_in", "drawer.paid_out", "drawer.closed"]


def test_a_blind_count_hides_what_the_drawer_should_hold_until_counted(billing: Billing) -> None:
    set_blind_count(billing.store, billing.staff["M01"], SetBlindCount(blind_count=True))
    drawer = _open(billing)
    assert drawer.blind and drawer.expected_minor is None and drawer.cash_taken_minor is None
    bill = billing.ready()
    billing.pay(bill, "cash", tendered_minor=10_000)
    seen = my_drawer(billing.store, billing.cashier)
    assert seen is not None and seen.expected_minor is None and seen.cash_taken_minor is None
    closed = _close(billing, drawer, {"note_100": 3})
    assert (closed.expected_minor, closed.counted_minor, closed.variance_minor) == (
        29_700,
        30_000,
        300,
    )


def test_only_a_manager_sets_the_blind_count(billing: Billing) -> None:
    with pytest.raises(NotAllowed):
        set_blind_count(billing.store, billing.cashier, SetBlindCount(blind_count=True))


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ({"note_100": -1}, "cannot be negative"),
        ({"note_100": MAX_PIECES + 1}, "not a possible count"),
        ({"note_100": 1_500, "note_50": 1_500}, "more than a drawer can hold"),
        ({"note_3": 1}, "not a note or coin"),
        ({"note_100": 1.5}, "whole number"),
        ({"note_100": True}, "whole number"),
    ],
)
def test_a_negative_or_absurd_count_is_refused_and_nothing_changes(
    billing: Billing, counts: dict[str, object], words: str
) -> None:
    drawer = _open(billing)
    before = _cash_state(billing.store)
    with pytest.raises((DomainError, ValidationError), match=words):
        _close(billing, drawer, counts)
    with pytest.raises((DomainError, ValidationError), match=words):
        _open(billing, counts, by="S01")
    assert _cash_state(billing.store) == before


def test_a_second_open_drawer_and_a_second_close_are_refused(billing: Billing) -> None:
    drawer = _open(billing)
    before = _cash_state(billing.store)
    with pytest.raises(DomainError, match="drawer open already"):
        _open(billing)
    assert _cash_state(billing.store) == before
    _close(billing, drawer, FLOAT)
    closed_state = _cash_state(billing.store)
    with pytest.raises(DomainError, match="This drawer is closed"):
        _close(billing, drawer, {"note_100": 5})
    with pytest.raises(DomainError, match="This drawer is closed"):
        pay_in_out(
            billing.store,
            billing.cashier,
            CashInOut(
                client_movement_id=new_id(),
                drawer_id=drawer.drawer_id,
                kind=MovementKind.PAID_IN,
                amount_minor=100,
                reason="late",
            ),
        )
    assert _cash_state(billing.store) == closed_state
    # A new shift: a new drawer may be opened once the last one is closed.
    assert _open(billing).state == "open"


def test_a_double_tap_on_open_opens_one_drawer(billing: Billing) -> None:
    command = OpenDrawer(client_drawer_id=new_id(), float_counts=FLOAT)
    first = open_drawer(billing.store, billing.cashier, command)
    again = open_drawer(billing.store, billing.cashier, command)
    assert first.drawer_id == again.drawer_id


def test_someone_else_neither_closes_nor_pays_out_of_a_drawer(billing: Billing) -> None:
    drawer = _open(billing)
    before = _cash_state(billing.store)
    with pytest.raises(NotAllowed):
        _close(billing, drawer, FLOAT, by="S01")
    with pytest.raises(NotAllowed):
        _open(billing, by="W01")
    assert _cash_state(billing.store) == before


def test_paid_out_needs_a_reason_and_the_cash(billing: Billing) -> None:
    drawer = _open(billing)
    before = _cash_state(billing.store)
    with pytest.raises((DomainError, ValidationError), match="Write why"):
        CashInOut(
            client_movement_id=new_id(),
            drawer_id=drawer.drawer_id,
            kind=MovementKind.PAID_OUT,
            amount_minor=100,
            reason="  ",
        )
    with pytest.raises(DomainError, match="does not hold that much"):
        pay_in_out(
            billing.store,
            billing.cashier,
            CashInOut(
                client_movement_id=new_id(),
                drawer_id=drawer.drawer_id,
                kind=MovementKind.PAID_OUT,
                amount_minor=20_001,
                reason="too much",
            ),
        )
    assert _cash_state(billing.store) == before


def test_two_tablets_opening_at_once_open_one_drawer(billing: Billing) -> None:
    """The same cashier signed in on two tablets taps "Open" on both at the same moment."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tablet() -> None:
        command = OpenDrawer(client_drawer_id=new_id(), float_counts=FLOAT)
        barrier.wait()
        try:
            open_drawer(billing.store, billing.cashier, command)
            outcomes.append("opened")
        except DomainError as error:
            outcomes.append(error.message)

    threads = [threading.Thread(target=tablet) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == sorted(["opened", ALREADY_OPEN])
    with billing.store.read() as s:
        assert s.scalar(select(func.count()).select_from(CashDrawer)) == 1
