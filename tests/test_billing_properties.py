"""Property: whatever the cashier tries (any amounts, methods, tenders, tips, in any
order), the money taken never exceeds what is owed, except as recorded change or tip;
and a bill settles exactly when the payments reach its total. On both databases."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import Payment
from services.billing.payments import PaymentDone
from services.errors import DomainError
from services.floor.seating import GuestsLeft, guests_left
from services.floor.table_reset import ResetTable, reset_table
from tests.billing_support import Billing, billing

_ = billing  # a fixture, used by name

attempt = st.tuples(
    st.sampled_from(["cash", "card", "wechat"]),
    st.integers(1, 12_000),  # amount
    st.one_of(st.none(), st.integers(1, 20_000)),  # cash tendered
    st.integers(0, 1_000),  # tip
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attempts=st.lists(attempt, min_size=1, max_size=6))
def test_payments_never_exceed_what_is_owed(billing: Billing, attempts: list) -> None:
    bill = billing.ready()
    total = bill.total_minor
    taken = 0
    settled = False
    for method, amount, tendered, tip in attempts:
        fields: dict[str, object] = {"tip_minor": tip}
        if method == "cash":
            fields["tendered_minor"] = tendered
        if method == "wechat":
            fields["reference"] = "WX-REF-1"
        try:
            done = billing.pay(bill, method, amount=amount, **fields)
        except DomainError:
            continue
        assert isinstance(done, PaymentDone) and not done.repeated
        taken += done.amount_minor
        assert taken <= total
        if method == "cash" and tendered is not None:
            assert tendered == done.amount_minor + done.tip_minor + done.change_minor
        assert done.change_minor >= 0 and done.tip_minor == tip
        settled = done.settled
        assert settled == (taken == total)
    with billing.store.read() as s:
        stored = s.scalar(
            select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
                Payment.bill_id == bill.bill_id
            )
        )
    assert stored == taken
    # Finish the meal so the next example finds table 1 free again (第10条).
    if not settled:
        billing.pay(bill, "card", amount=total - taken)
    guests_left(billing.store, billing.waiter, GuestsLeft(party_id=billing.party_id))
    reset_table(
        billing.store,
        billing.waiter,
        ResetTable(table_id=billing.floor.tables["1"], belongings_checked=True),
    )
    billing.party_id = billing.floor.seat(4, "1").party_id
    billing.add("jasmine_tea")
    billing.add("smashed_cucumber", seat=1)
    billing.send()
