"""Shared pieces for the ordering tests: the demo restaurant at lunch with a party seated
through the real seating services, short ways to add, send and void as a waiter would, and
a snapshot of everything an order touches, to prove that a refusal changed nothing."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from db.store import Store
from models import (
    AuditEvent,
    MenuItem,
    Modifier,
    ModifierGroup,
    OrderLine,
    OrderSend,
    Party,
    PrintJob,
)
from services.orders.sending import LineSeen, SendOrder, SentOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import OrderView, order_view
from services.orders.voids import VoidLine, VoidReason, void_line
from tests.database_support import scene
from tests.seating_support import MANAGER_PIN, Floor

ORDER_TABLES = (OrderLine, OrderSend, PrintJob, AuditEvent, Party)

# What a refused PIN leaves in the log (a sign-in, an approval, a sign-off refused).
REFUSAL = re.compile(r"refused|failed|locked")


def new_id() -> str:
    return str(uuid.uuid4())


class Dining:
    """The demo restaurant at lunch, a party seated at a table (four guests at table 1 by
    default, the hall: waiter W01 张伟 Zhang Wei). A scene (tests/database_support.py)."""

    @scene
    def __init__(self, store: Store, size: int = 4, table: str = "1") -> None:
        self.store = store
        self.floor = Floor(store)
        self.staff = self.floor.staff
        self.seated = self.floor.seat(size, table)
        self.party_id = self.seated.party_id
        with store.read() as s:
            self.items = {i.code: i.id for i in s.scalars(select(MenuItem)).all()}
            self.modifiers = {
                (g.code, m.code): m.id
                for m, g in s.execute(select(Modifier, ModifierGroup).join(ModifierGroup)).all()
            }

    @property
    def waiter(self) -> int:
        return self.staff["W01"]

    def command(self, code: str, **fields: Any) -> AddLine:
        return AddLine(
            client_line_id=fields.pop("client_line_id", new_id()),
            party_id=fields.pop("party_id", self.party_id),
            item_id=self.items[code],
            **fields,
        )

    def add(
        self, code: str, by: str = "W01", store: Store | None = None, **fields: Any
    ) -> OrderView:
        return add_line(store or self.store, self.staff[by], self.command(code, **fields))

    def order(self) -> OrderView:
        return order_view(self.store, self.party_id)

    def send(
        self,
        view: OrderView | None = None,
        rush: bool = False,
        client_send_id: str | None = None,
        by: str = "W01",
        store: Store | None = None,
    ) -> SentOrder:
        """Send the new lines of the order as the tablet last saw it."""
        view = view or self.order()
        command = SendOrder(
            client_send_id=client_send_id or new_id(),
            party_id=self.party_id,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
            rush=rush,
        )
        return send_order(store or self.store, self.staff[by], command)

    def void(
        self,
        line_id: int,
        version: int | None = None,
        reason: VoidReason | None = VoidReason.GUEST_CHANGED_MIND,
        words: str = "",
        pin: str = MANAGER_PIN,
        by: str = "W01",
        client_void_id: str | None = None,
        store: Store | None = None,
    ) -> OrderView:
        if version is None:
            line = self.order().line(line_id)
            assert line is not None
            version = line.version
        command = VoidLine(
            client_void_id=client_void_id or new_id(),
            line_id=line_id,
            version=version,
            reason=reason,
            words=words,
            manager_pin=pin,
        )
        return void_line(store or self.store, self.staff[by], command)

    def jobs(self, kind: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """(station, kind, document) of every print job, oldest first."""
        with self.store.read() as s:
            query = select(PrintJob).order_by(PrintJob.id)
            if kind is not None:
                query = query.where(PrintJob.kind == kind)
            return [(j.station, j.kind, json.loads(j.payload)) for j in s.scalars(query).all()]

    def snapshot(self) -> dict[str, object]:
        """Row counts, and every line's and party's state, to compare before and after."""
        with self.store.read() as s:
            counts = {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in ORDER_TABLES
            }
            lines = s.execute(
                select(
                    OrderLine.id,
                    OrderLine.quantity,
                    OrderLine.seat,
                    OrderLine.course_id,
                    OrderLine.note,
                    OrderLine.send_id,
                    OrderLine.voided_at,
                    OrderLine.version,
                )
            ).all()
            parties = s.execute(select(Party.id, Party.stage, Party.version)).all()
        return {"counts": counts, "lines": sorted(lines), "parties": sorted(parties)}

    def assert_unchanged(self, before: dict[str, object]) -> None:
        """Nothing an order touches changed; the only new audit events, if any, are the
        refusals services/people records for a wrong PIN (they stay in the log)."""
        after = self.snapshot()
        counts_after = dict(after.pop("counts"))  # type: ignore[call-overload]
        counts_before = dict(before["counts"])  # type: ignore[call-overload]
        new_events = counts_after.pop("audit_event") - counts_before.pop("audit_event")
        assert counts_after == counts_before
        assert after == {k: v for k, v in before.items() if k != "counts"}
        with self.store.read() as s:
            actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert new_events >= 0
        assert all(REFUSAL.search(a) for a in actions[len(actions) - new_events :])


@pytest.fixture
def dining(store: Store) -> Dining:
    return Dining(store)
