"""Signed charges to a house account (客人签单 / 挂账, 第9条 ③) and discounts, each with a
manager's PIN: refused with a clear message and nothing changed when a rule is broken."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AccountSigner, AuditEvent
from services.billing.accounts import NewAccount, account_statement, create_account, house_accounts
from services.billing.changes import DiscountKind
from services.errors import DomainError, NotAllowed
from services.service_day import aware
from tests.billing_support import Billing, billing
from tests.seating_support import MANAGER_PIN

_ = billing  # a fixture, used by name


def _signer(billing: Billing, account: str, name_starts: str) -> int:
    with billing.store.read() as s:
        found = s.scalar(
            select(AccountSigner.id).where(
                AccountSigner.account_id == billing.accounts[account],
                AccountSigner.name.startswith(name_starts),
            )
        )
    assert found is not None
    return found


def test_a_signed_charge_with_a_manager_and_an_authorised_signer(billing: Billing) -> None:
    bill = billing.ready()
    done = billing.pay(
        bill,
        "house",
        account_id=billing.accounts["huaxin"],
        signer_id=_signer(billing, "huaxin", "刘总"),
        manager_pin=MANAGER_PIN,
    )
    assert done.settled and done.method_code == "house"
    with billing.store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "payment.taken")).one()
    assert event.approver_id == billing.staff["M01"] and event.actor_id == billing.cashier
    huaxin = next(a for a in house_accounts(billing.store) if a.code == "huaxin")
    assert huaxin.owed_minor == 9_700
    at = aware(None)
    statement = account_statement(billing.store, billing.staff["M01"], huaxin.id, at.year, at.month)
    assert statement.total_minor == 9_700 and len(statement.lines) == 1
    line = statement.lines[0]
    assert line.signer.startswith("刘总") and "Wang Jianguo" in line.endorsed_by
    assert line.invoice_number == done.invoice_number


def test_signed_charges_refused_without_manager_wrong_signer_or_over_the_limit(
    billing: Billing,
) -> None:
    bill = billing.ready()
    before = billing.billing_snapshot()
    room = billing.accounts["room_1808"]
    tanaka = _signer(billing, "room_1808", "Mr. Tanaka")
    with pytest.raises(DomainError, match="manager's endorsement"):
        billing.pay(bill, "house", account_id=room, signer_id=tanaka)
    with pytest.raises(NotAllowed, match="not a manager's"):
        billing.pay(bill, "house", account_id=room, signer_id=tanaka, manager_pin="1111")
    with pytest.raises(DomainError, match="authorised signers"):
        billing.pay(
            bill,
            "house",
            account_id=room,
            signer_id=_signer(billing, "huaxin", "刘总"),
            manager_pin=MANAGER_PIN,
        )
    assert billing.billing_snapshot() == before

    # Room 1808 may owe 3,000.00: a charge that would take it over is refused, not warned.
    small = create_account(
        billing.store,
        billing.staff["M01"],
        NewAccount(
            code="tiny", name="Tiny Co.", kind="company", limit_minor=5_000, signers=("Ms. Li",)
        ),
    )
    before = billing.billing_snapshot()
    with pytest.raises(DomainError, match="over its limit"):
        billing.pay(
            bill,
            "house",
            account_id=small.id,
            signer_id=small.signers[0][0],
            manager_pin=MANAGER_PIN,
        )
    assert billing.billing_snapshot() == before
    part = billing.pay(
        bill,
        "house",
        amount=5_000,
        account_id=small.id,
        signer_id=small.signers[0][0],
        manager_pin=MANAGER_PIN,
    )
    assert part.part_owed_minor == 4_700 and not part.settled


def test_only_a_manager_manages_accounts(billing: Billing) -> None:
    with pytest.raises(NotAllowed):
        create_account(
            billing.store,
            billing.cashier,
            NewAccount(code="x_co", name="X", kind="company", limit_minor=1, signers=("A",)),
        )


def test_a_discount_needs_a_managers_pin(billing: Billing) -> None:
    billing.ready()
    before = billing.billing_snapshot()
    with pytest.raises(DomainError, match="manager's PIN"):
        billing.discount(DiscountKind.PERCENT, pin=None, percent_bp=1000)
    with pytest.raises(NotAllowed, match="not a manager's"):
        billing.discount(DiscountKind.PERCENT, pin="6666", percent_bp=1000)  # the cashier's own
    with pytest.raises(DomainError, match="Say why"):
        billing.discount(DiscountKind.PERCENT, percent_bp=1000, reason="  ")
    with pytest.raises(DomainError, match="more than the dish"):
        billing.discount(
            DiscountKind.AMOUNT,
            line_id=billing.lines["Smashed cucumber with garlic"],
            amount_minor=1_801,
        )
    assert billing.billing_snapshot() == before

    comp = billing.discount(
        DiscountKind.COMP, line_id=billing.lines["Smashed cucumber with garlic"], by="W01"
    )
    assert comp is not None and comp.total_minor == 9_700 - 1_800
    with billing.store.read() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "bill.discount_given")
        ).one()
    assert event.actor_id == billing.waiter and event.approver_id == billing.staff["M01"]


def test_who_may_do_what_with_a_bill(billing: Billing) -> None:
    from services.billing.bills import PartyBill, request_bill

    with pytest.raises(NotAllowed):
        request_bill(billing.store, billing.staff["G01"], PartyBill(party_id=billing.party_id))
    bill = billing.ready()
    with pytest.raises(NotAllowed):
        billing.pay(bill, "cash", by="W01")  # waiters bring the bill; the cashier takes money
    assert billing.pay(bill, "cash", by="S01").settled  # 李娜 is a supervisor and cashier


def test_a_signer_taken_off_the_account_can_no_longer_sign(billing: Billing) -> None:
    from services.billing.accounts import ChangeSigner, change_signer

    room = billing.accounts["room_1808"]
    info = change_signer(
        billing.store,
        billing.staff["M01"],
        ChangeSigner(account_id=room, name="Mr. Tanaka 田中先生", active=False),
    )
    assert info.signers == ()
    bill = billing.ready()
    with pytest.raises(DomainError, match="authorised signers"):
        billing.pay(
            bill,
            "house",
            account_id=room,
            signer_id=_signer(billing, "room_1808", "Mr. Tanaka"),
            manager_pin=MANAGER_PIN,
        )
