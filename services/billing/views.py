"""What the cashier's screen reads (第9条 ①②): the parties at table whose bill is asked
for, or soon will be, with whether it is ready and what it comes to. Read only."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from db.store import Store
from models import Party, PartyStage
from services.billing.ledger import live_bill
from services.billing.readiness import all_served
from services.floor.plan import number_key
from services.orders.views import table_label

# The stages the cashier sees: eating ones greyed (not asked yet), then the asked and paid.
CASHIER_STAGES = (
    PartyStage.ORDERED,
    PartyStage.EATING,
    PartyStage.BILL_REQUESTED,
    PartyStage.PAID,
)


class CashierParty(BaseModel):
    model_config = ConfigDict(frozen=True)

    party_id: int
    table_label: str
    size: int
    stage: str
    bill_ready: bool  # every course served (第9条 ①)
    asked: bool  # the guests asked for the bill (第6条 13)
    total_minor: int | None  # the live bill's total, None before the guests asked
    settled: bool
    invoice_number: int | None


def cashier_parties(store: Store) -> list[CashierParty]:
    """Bill requested first (the guests are waiting), then paid, then the eating ones;
    each group by table number."""
    with store.read() as s:
        parties = s.scalars(
            select(Party).where(Party.stage.in_([st.value for st in CASHIER_STAGES]))
        ).all()
        rows = []
        for party in parties:
            bill = live_bill(s, party.id)
            rows.append(
                CashierParty(
                    party_id=party.id,
                    table_label=table_label(s, party.id),
                    size=party.size,
                    stage=party.stage,
                    bill_ready=all_served(s, party.id),
                    asked=party.stage in (PartyStage.BILL_REQUESTED, PartyStage.PAID),
                    total_minor=bill.total_minor if bill is not None else None,
                    settled=bill is not None and bill.state == "settled",
                    invoice_number=bill.invoice_number if bill is not None else None,
                )
            )
    order = {PartyStage.BILL_REQUESTED: 0, PartyStage.PAID: 1}
    return sorted(rows, key=lambda r: (order.get(PartyStage(r.stage), 2), _table_key(r)))


def _table_key(row: CashierParty) -> object:
    return number_key(row.table_label.split(" + ")[0])
