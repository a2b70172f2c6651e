"""Voiding a sent line (第7条 ⑤: 将不对的项目用线划去签名…切勿擦掉).

The line is never erased: it stays on the order, struck through, with who voided it, when,
why, and the manager whose PIN approved it there and then. The station that got the dish
gets a void ticket ("do not make") in the same transaction.
"""

from __future__ import annotations

import enum
import unicodedata
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from db.store import Store
from models import OrderLine, OrderSend
from services import audit
from services.errors import Conflict, DomainError
from services.menu.catalog import MAX_REASON_CHARS
from services.orders.sending import order_ref, print_key
from services.orders.taking import (
    LINE_CHANGED,
    ClientId,
    Id,
    line_guard,
    line_to_change,
    ordering_party,
)
from services.orders.views import OrderView, order_in, person
from services.people.staff import approving_manager
from services.permissions import Action, require
from services.printing.jobs import PrintRequest, add_print_job
from services.printing.tickets import VoidTicket
from services.service_day import aware


class VoidReason(enum.StrEnum):
    GUEST_CHANGED_MIND = "guest_changed_mind"
    WRONG_ENTRY = "wrong_entry"
    OUT_OF_STOCK = "out_of_stock"
    QUALITY = "quality"


# The reasons offered on the void dialog. Stored and printed in both languages, so the
# record and the station's ticket read the same whoever looks.
REASON_WORDS: dict[VoidReason, tuple[str, str]] = {
    VoidReason.GUEST_CHANGED_MIND: ("Guest changed their mind", "客人改变主意"),
    VoidReason.WRONG_ENTRY: ("Wrong entry", "点错菜"),
    VoidReason.OUT_OF_STOCK: ("Out of stock", "已售完"),
    VoidReason.QUALITY: ("Quality problem", "质量问题"),
}


class VoidLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_void_id: ClientId
    line_id: Id
    version: Id
    reason: VoidReason | None = None
    # Free words, alone or after the listed reason ("wrong entry: seat 3 wanted the fish").
    words: str = ""
    # The manager's own PIN, entered on this tablet at this moment.
    manager_pin: str


def reason_text(reason: VoidReason | None, words: object) -> str:
    if not isinstance(words, str):
        raise DomainError("A reason must be text.")
    typed = "".join(ch for ch in words if unicodedata.category(ch) != "Cc")
    typed = " ".join(typed.split())
    listed = " ".join(REASON_WORDS[reason]) if reason is not None else ""
    text = f"{listed}: {typed}" if listed and typed else listed or typed
    if not text:
        raise DomainError("Say why this line is voided: choose a reason or type one.")
    if len(text) > MAX_REASON_CHARS:
        raise DomainError("A reason is at most {limit} characters.", limit=MAX_REASON_CHARS)
    return text


def void_line(
    store: Store, actor_id: int, command: VoidLine, at: datetime | None = None
) -> OrderView:
    """Strike a sent line through, with a manager's approval; tell its station."""
    at = aware(at)
    reason = reason_text(command.reason, command.words)
    with line_guard(), store.write() as s:
        voider = require(s, actor_id, Action.TAKE_ORDER)
        line = s.get(OrderLine, command.line_id)
        if line is not None and line.client_void_id == command.client_void_id:
            return order_in(s, line.party_id)  # this void was made already: a retry
        line = line_to_change(s, command.line_id, command.version)
        party = ordering_party(s, line.party_id)
        if not line.sent:
            raise DomainError(
                "This line was never sent to the kitchen: remove it instead, no approval needed."
            )
        if line.voided:
            raise Conflict(LINE_CHANGED)
        manager = approving_manager(s, command.manager_pin, actor_id)
        line.voided_at = at
        line.voided_by_id = voider.id
        line.void_approved_by_id = manager.id
        line.void_reason = reason
        line.client_void_id = command.client_void_id
        s.flush()

        send = s.get(OrderSend, line.send_id)
        assert send is not None  # a sent line has its send (foreign key)
        view = order_in(s, party.id)
        voided = view.line(line.id)
        assert voided is not None
        ticket = VoidTicket(
            order_ref=order_ref(send.party_id, send.number),
            table_number=view.table_label[:16],
            guests=party.size,
            timezone=view.timezone,
            station=line.station,
            lines=(voided.ticket_line(),),
            voided_at=at,
            voided_by=person(voider),
            approved_by=person(manager),
            reason=reason,
        )
        job = add_print_job(
            s,
            PrintRequest(
                idempotency_key=print_key(command.client_void_id, line.station),
                station=line.station,
                document=ticket,
            ),
            actor_id=actor_id,
        )
        audit.record(
            s,
            action="order.line_voided",
            object_type="order_line",
            object_id=line.id,
            actor_id=actor_id,
            approver_id=manager.id,
            party=party.id,
            send=send.number,
            reason=reason,
            item=line.item_id,
            quantity=line.quantity,
            print_job=job.id,
        )
        return view
