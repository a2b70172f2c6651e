"""Bills, payments and the cash drawer under `verify`: every row that records money or its
paper is sealed when it is made, changed or removed (db/money_seals.py), and a row
changed, removed or slipped in by force is reported, on both databases.

Tampering is done as the people the guards cannot stop (see tests/test_security_verify.py):
anyone holding the SQLite file, and the PostgreSQL superuser with triggers off.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from db.chain import verify_store
from db.store import Store
from models import Bill, BillPart, Payment, RecordSeal
from services.billing.changes import SplitBill, split_bill
from services.billing.reopening import RefundPayment, ReopenBill, refund_payment, reopen_bill
from services.billing.splits import SplitKind, SplitPlan
from tests.billing_support import Billing
from tests.order_support import new_id
from tests.seating_support import MANAGER_PIN
from tests.test_admin_commands import run_main
from tests.test_security_verify import tamper


def _force(store: Store, *statements: str) -> None:
    """Raw SQL with the seal guards and foreign keys out of the way."""
    guards = ("record_seal_no_update", "record_seal_no_delete")
    tamper(store, *statements, guards=guards, foreign_keys=False)


def _problems(store: Store) -> list[str]:
    report = verify_store(store)
    return [p.what for c in report.chains for p in c.problems] + [
        p.what for p in report.other_problems
    ]


@pytest.fixture
def paid(store: Store) -> tuple[Billing, list[int]]:
    """A bill presented, paid in two cash payments (so settled, with invoice 1); then a
    manager reopens it and refunds the second payment: bills, parts, payments and a
    refund, each made and changed through the real services."""
    billing = Billing(store)
    bill = billing.ready()
    first = billing.pay(bill, "cash", amount=5_000, tendered_minor=5_000)
    second = billing.pay(bill, "cash", amount=4_700, tendered_minor=5_000)
    assert second.settled and second.invoice_number == 1
    reopen_bill(store, billing.staff["M01"], ReopenBill(bill_id=bill.bill_id, reason="by card"))
    refund_payment(
        store,
        billing.cashier,
        RefundPayment(
            client_payment_id=new_id(),
            payment_id=second.payment_id,
            amount_minor=4_700,
            reason="pays by card",
            manager_pin=MANAGER_PIN,
        ),
    )
    return billing, [first.payment_id, second.payment_id]


def _payments(store: Store) -> list[int]:
    with store.read() as s:
        return list(s.scalars(select(Payment.id).order_by(Payment.id)))


def test_bills_and_payments_made_through_the_app_verify(paid: tuple[Billing, list[int]]) -> None:
    billing, _ = paid
    report = verify_store(billing.store)
    assert report.ok, report
    with billing.store.read() as s:
        events = {(seal.record_type, seal.event) for seal in s.scalars(select(RecordSeal)).all()}
    # What a manager reading the seals would expect to find for this bill's story.
    for expected in (
        ("bill", "made"),
        ("bill", "presented"),
        ("bill", "settled"),
        ("bill", "superseded"),
        ("bill_part", "settled"),
        ("payment", "made"),
        ("payment", "refunded"),
        ("invoice_counter", "made"),
    ):
        assert expected in events


def test_a_changed_payment_amount_is_found(paid: tuple[Billing, list[int]]) -> None:
    billing, (first, _second) = paid
    _force(billing.store, f"UPDATE payment SET amount_minor = 500 WHERE id = {first}")
    assert _problems(billing.store) == [f"payment {first} was changed after it was made"]


def test_a_changed_bill_total_or_invoice_is_found(paid: tuple[Billing, list[int]]) -> None:
    billing, _ = paid
    with billing.store.read() as s:
        old = s.scalar(select(Bill).where(Bill.state == "superseded"))
        assert old is not None
        old_id = old.id
    _force(
        billing.store,
        f"UPDATE bill SET total_minor = total_minor - 1000, invoice_number = NULL "
        f"WHERE id = {old_id}",
    )
    assert _problems(billing.store) == [f"bill {old_id} was changed after it was superseded"]


def test_a_removed_payment_is_found(paid: tuple[Billing, list[int]]) -> None:
    billing, (first, _second) = paid
    _force(billing.store, f"DELETE FROM payment WHERE id = {first}")
    assert _problems(billing.store) == [f"payment {first} was removed"]


def test_a_removed_payment_is_found_even_when_its_id_is_given_again(store: Store) -> None:
    """SQLite gives the highest id again once its row is gone: the next payment must not
    hide the one removed."""
    billing = Billing(store)
    bill = billing.ready()
    first = billing.pay(bill, "cash", amount=5_000, tendered_minor=5_000).payment_id
    _force(store, f"DELETE FROM payment WHERE id = {first}")
    billing.pay(bill, "cash", amount=5_000, tendered_minor=5_000)
    assert any(p.startswith(f"payment {first} was removed") for p in _problems(store))


def test_a_payment_slipped_in_is_found(paid: tuple[Billing, list[int]]) -> None:
    billing, (first, _second) = paid
    new = max(_payments(billing.store)) + 1
    columns = (
        "client_payment_id, kind, party_id, bill_id, part_id, method_id, amount_minor, "
        "tendered_minor, change_minor, tip_minor, card_last4, approval_code, reference, "
        "account_id, signer_id, taken_by_id, approved_by_id, taken_at, refund_of_id, reason"
    )
    # A copy of a real payment under a new id: money that was never taken, on the books.
    _force(
        billing.store,
        f"INSERT INTO payment (id, {columns}) SELECT {new}, 'forged', "
        + columns.split(", ", 1)[1]
        + f" FROM payment WHERE id = {first}",
    )
    assert _problems(billing.store) == [f"payment {new} has no seal (written outside the app)"]


def test_a_seal_changed_removed_or_inserted_out_of_order_breaks_the_chain(
    paid: tuple[Billing, list[int]],
) -> None:
    billing, _ = paid
    with billing.store.read() as s:
        seals = list(s.execute(select(RecordSeal.id, RecordSeal.chain_seq).order_by(RecordSeal.id)))
    third, fifth = seals[2].id, seals[4]
    _force(
        billing.store,
        f"UPDATE record_seal SET event = 'made' WHERE id = {third}",
        f"DELETE FROM record_seal WHERE id = {fifth.id}",
    )
    problems = _problems(billing.store)
    assert f"row {third} was changed after it was written" in problems
    assert f"1 row(s) before row {seals[5].id} were removed" in problems
    # The removed seal put back: it can only go at the end, after places it came before.
    _force(
        billing.store,
        "INSERT INTO record_seal (at, record_type, record_id, event, record_digest, "
        "chain_seq, prev_digest, digest) SELECT at, record_type, record_id, event, "
        f"record_digest, {fifth.chain_seq}, prev_digest, digest FROM record_seal "
        f"WHERE id = {seals[3].id}",
    )
    put_back = f"(place {fifth.chain_seq} after {seals[-1].chain_seq})"
    assert any(p.endswith(f"inserted out of order {put_back}") for p in _problems(billing.store))


def test_a_bill_part_the_app_removed_is_not_reported_but_one_put_back_is(
    store: Store,
) -> None:
    billing = Billing(store)
    billing.request()
    for ways in (3, 2):  # each split again removes the parts before it
        plan = SplitPlan(kind=SplitKind.EVEN, ways=ways)
        split_bill(store, billing.cashier, SplitBill(party_id=billing.party_id, plan=plan))
    assert verify_store(store).ok
    with store.read() as s:
        present = set(s.scalars(select(BillPart.id)))
        removed = {
            seal.record_id
            for seal in s.scalars(select(RecordSeal).where(RecordSeal.event == "removed"))
        }
    gone = max(removed - present)
    _force(
        store,
        f"INSERT INTO bill_part (id, bill_id, number, label, amount_minor, version) "
        f"SELECT {gone}, bill_id, 9, 'whole', 9700, 1 FROM bill_part LIMIT 1",
    )
    assert _problems(store) == [f"bill part {gone} was removed, and is there again"]


def test_the_upgrade_seals_money_written_before_it(paid: tuple[Billing, list[int]]) -> None:
    """A database with bills and payments from before 0014_money_seals: the upgrade seals
    them as they are, and a later change is still found."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    billing, (first, _second) = paid
    store = billing.store
    store.dispose()
    config = alembic_config(store.url)
    step = ScriptDirectory.from_config(config).get_revision("0014_money_seals")
    assert step is not None and isinstance(step.down_revision, str)
    command.downgrade(config, step.down_revision)  # the step before sealing money
    command.upgrade(config, "heads")
    report = verify_store(store)
    assert report.ok, report
    with store.read() as s:
        assert set(s.scalars(select(RecordSeal.event))) == {"sealed"}
    _force(store, f"UPDATE payment SET tip_minor = 900 WHERE id = {first}")
    assert _problems(store) == [f"payment {first} was changed after it was sealed"]


def test_verify_command_reports_a_changed_payment(paid: tuple[Billing, list[int]]) -> None:
    billing, (first, _second) = paid
    intact = run_main("--db", billing.store.url, "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "record_seal:" in intact.stdout
    _force(billing.store, f"UPDATE payment SET amount_minor = 1 WHERE id = {first}")
    broken = run_main("--db", billing.store.url, "verify")
    assert broken.returncode == 1
    assert f"PROBLEM: payment {first} was changed after it was made" in broken.stdout
    if billing.store.is_sqlite:  # the dropped seal triggers are reported too
        assert "record_seal_no_update" in broken.stdout


def test_the_seals_refuse_change_and_removal(paid: tuple[Billing, list[int]]) -> None:
    """Short of dropping the triggers (which verify reports), a seal cannot be rewritten."""
    from sqlalchemy.exc import DatabaseError

    billing, _ = paid
    for statement in ("UPDATE record_seal SET event = 'made'", "DELETE FROM record_seal"):
        refused = pytest.raises(DatabaseError, match="record_seal is append-only")
        with refused, billing.store.write() as s:
            s.execute(text(statement))
    assert verify_store(billing.store).ok
