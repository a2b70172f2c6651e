"""Helpers for the dining-room UI tests: a seated table, its order opened by touch, the
inspection opened by touch, the dialogs on the window, and waiting on Kivy's clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from db.store import Store
from models import MenuItem
from screens.checklists.board import BoardRow
from services.floor.guest_input import PartyDetails
from services.floor.seating import SeatParty, seat_party
from services.orders.sending import LineSeen, SendOrder, send_order
from services.orders.taking import AddLine, add_line
from services.orders.views import order_view
from services.orders.voids import VoidLine, VoidReason, void_line
from tests.ui.conftest import Driver
from tests.ui.seating_setup import open_gate_today, staff_ids, staff_sections, table_ids

SUPERVISOR = ("Li Na", "8888")


def dialogs() -> list[Any]:
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView

    return [w for w in Window.children if isinstance(w, ModalView)]


def wait(ui: Driver, done: Callable[[], bool]) -> bool:
    return ui.wait_until(done)  # 3 s: the app checks idleness once a second


def item(store: Store, code: str) -> int:
    with store.read() as s:
        found = s.scalar(select(MenuItem.id).where(MenuItem.code == code))
    assert found is not None
    return found


def seated_table_one(store: Store, *, sent: bool = False, empty: bool = False) -> int:
    """Four guests at table 1 (the hall, 张伟 Zhang Wei's), one new line or one sent line
    (or none)."""
    open_gate_today(store)
    staff_sections(store, {"hall": "W01"})
    ids = staff_ids(store)
    seated = seat_party(
        store,
        ids["G01"],
        SeatParty(table_ids=[table_ids(store)["1"]], guests=PartyDetails(size=4)),
    )
    if empty:
        return seated.party_id
    line = AddLine(
        client_line_id=str(uuid.uuid4()),
        party_id=seated.party_id,
        item_id=item(store, "smashed_cucumber"),
        seat=1,
    )
    view = add_line(store, ids["W01"], line)
    if sent:
        command = SendOrder(
            client_send_id=str(uuid.uuid4()),
            party_id=seated.party_id,
            lines=tuple(LineSeen(line_id=li.id, version=li.version) for li in view.new_lines),
        )
        send_order(store, ids["W01"], command)
        assert not order_view(store, seated.party_id).new_lines
    return seated.party_id


def open_order(ui: Driver) -> None:
    """The supervisor opens table 1's order from the floor plan (she may take orders)."""
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Floor plan"))
    ui.tap(ui.screen.ids.plan.tiles[table_ids(ui.app.store)["1"]])
    ui.tap(ui.button_with_text("Order"))
    assert ui.screen.name == "order"


def open_inspection(ui: Driver) -> None:
    ui.sign_in(*SUPERVISOR)
    ui.tap(ui.button_with_text("Checklists"))
    row = ui.find(BoardRow, lambda r: r.template_code == "pre_service_inspection")[0]
    ui.tap(row.ids.open_button)
    assert ui.screen.name == "checklist_run"


def void_first_line(store: Store, party_id: int) -> None:
    """The party's first line voided by its waiter, the guest having changed their mind,
    with the demo manager's PIN."""
    line = order_view(store, party_id).lines[0]
    void = VoidLine(
        client_void_id=str(uuid.uuid4()),
        line_id=line.id,
        version=line.version,
        reason=VoidReason.GUEST_CHANGED_MIND,
        manager_pin="9999",
    )
    void_line(store, staff_ids(store)["W01"], void)
