"""Voiding a sent line (第7条 ⑤: 将不对的项目用线划去签名…切勿擦掉).

The line is never erased: it stays on the order, struck through, with who voided it, when,
why, and the manager whose PIN approved it there and then. The station that got the dish
gets a void ticket ("do not make") in the same transaction; a line of a course still held
gets none, as the kitchen never had it on paper or on its screen.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from db.store import Store
from models import OrderLine, OrderSend, PrintJob, Staff
from services import audit
from services.errors import Conflict, DomainError
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
from services.people.approvals import manager_approval, still_manager
from services.permissions import Action, require
from services.printing.jobs import PrintRequest, add_print_job
from services.printing.tickets import VoidTicket
from services.service_day import aware
from services.serving.firing import line_voided
from services.text import text_within


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


def reason_words(stored: str) -> tuple[str, str]:
    """A stored reason as (English, Chinese) for a screen to pick from: the listed reason
    is kept in both languages ("Guest changed their mind 客人改变主意: seat 3"), and a
    Chinese screen must not show the English half (issue 12). Typed words stay as typed."""
    for en, zh in REASON_WORDS.values():
        both = f"{en} {zh}"
        if stored == both or stored.startswith(f"{both}: "):
            rest = stored[len(both) :]
            return en + rest, zh + rest.replace(": ", "：", 1)
    return stored, stored


# The order line's void_reason column holds 200 characters: the listed reason in both
# languages and the typed words together must fit.
VOID_REASON_MAX = 200


class VoidLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_void_id: ClientId
    line_id: Id
    version: Id
    reason: VoidReason | None = None
    # Free words, alone or after the listed reason ("wrong entry: seat 3 wanted the fish").
    words: Annotated[str, text_within(VOID_REASON_MAX)] = ""
    # The manager's own PIN, entered on this tablet at this moment.
    manager_pin: str


def reason_text(reason: VoidReason | None, words: str) -> str:
    """The reason as stored and printed. The typed words passed the text policy in the
    command (control characters refused, not removed; spaces kept as typed)."""
    listed = " ".join(REASON_WORDS[reason]) if reason is not None else ""
    text = f"{listed}: {words}" if listed and words else listed or words
    if not text:
        raise DomainError("Say why this line is voided: choose a reason or type one.")
    if len(text) > VOID_REASON_MAX:
        raise DomainError(
            "That is too long: at most {max} characters (this has {length}).",
            max=VOID_REASON_MAX,
            length=len(text),
        )
    return text


def void_line(
    store: Store, actor_id: int, command: VoidLine, at: datetime | None = None
) -> OrderView:
    """Strike a sent line through, with a manager's approval; tell its station."""
    at = aware(at)
    reason = reason_text(command.reason, command.words)
    # The PIN is checked (and a wrong one counted) before the write transaction opens.
    approval = manager_approval(store, actor_id, command.manager_pin, purpose="void")
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
        manager = still_manager(s, approval.manager_id)
        line.voided_at = at
        line.voided_by_id = voider.id
        line.void_approved_by_id = manager.id
        line.void_reason = reason
        line.client_void_id = command.client_void_id
        s.flush()
        # The station's screen shows it struck through (and refuses a bump not seeing it).
        # A line of a course still held was never on a station's screen or paper.
        on_paper = line_voided(s, line, at)

        send = s.get(OrderSend, line.send_id)
        assert send is not None  # a sent line has its send (foreign key)
        view = order_in(s, party.id)
        job = None
        if on_paper:
            job = _void_paper(s, command, line, send, view, voider, manager, reason, at)
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
            print_job=job.id if job is not None else None,
        )
        return view


def _void_paper(
    s: Session,
    command: VoidLine,
    line: OrderLine,
    send: OrderSend,
    view: OrderView,
    voider: Staff,
    manager: Staff,
    reason: str,
    at: datetime,
) -> PrintJob:
    """The station that has the dish gets a void ticket ("do not make")."""
    voided = view.line(line.id)
    assert voided is not None
    ticket = VoidTicket(
        order_ref=order_ref(send.party_id, send.number),
        table_number=view.table_label[:16],
        guests=view.guests,
        timezone=view.timezone,
        station=line.station,
        lines=(voided.ticket_line(),),
        voided_at=at,
        voided_by=person(voider),
        approved_by=person(manager),
        reason=reason,
    )
    return add_print_job(
        s,
        PrintRequest(
            idempotency_key=print_key(command.client_void_id, line.station),
            station=line.station,
            document=ticket,
        ),
        actor_id=voider.id,
    )
