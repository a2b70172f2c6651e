"""Sending the order (第7条 ④): after the read-back, the new lines go to the kitchen.

One transaction does all of it: the send is recorded, its lines are marked sent, the
dispatch slip (出菜凭单) is queued for the cashier's desk and one kitchen ticket for each
station that cooks something of the courses fired now (later courses are held until the
waiter fires them: services/serving/), and the party moves on to "ordered". So a send is
either all there, with its tickets, or not there at all (a crash in between leaves nothing).

A send carries an id the tablet made before the first try. Retrying it (a double tap, a
time-out) finds the send already made and answers with it: never a second send, never a
second ticket (odoo/odoo PR #285993, #210776).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import OrderLine, OrderSend, PartyStage, PrintJob, Restaurant, Staff
from services import audit
from services.errors import Conflict, DomainError
from services.floor.seating import advance_party
from services.menu.catalog import check_line_choice, dishes_as_they_are
from services.orders.taking import (
    LINE_CHANGED,
    ClientId,
    Id,
    modifier_ids,
    ordering_party,
)
from services.orders.views import LineView, order_in, person
from services.permissions import Action, require
from services.printing.jobs import PrintRequest, add_print_job
from services.printing.tickets import DispatchSlip, KitchenTicket
from services.service_day import aware
from services.serving.firing import place_sent_lines, ticket_lines_of

# The dispatch slip's printer: the cashier's desk (第7条 ④: 至出纳台开具"出菜凭单").
CASHIER_STATION = "cashier"


class LineSeen(BaseModel):
    """A line as the read-back showed it: sending it is refused if it changed since."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line_id: Id
    version: Id


class SendOrder(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    client_send_id: ClientId
    party_id: Id
    # Exactly the lines read back to the guests; lines another waiter added meanwhile wait
    # for their own read-back.
    lines: tuple[LineSeen, ...] = Field(max_length=500)
    rush: bool = False
    # Courses of this send the waiter fires now instead of holding them (第8条 ①: by default
    # the first course fires with the send and the later ones wait).
    fire_now: tuple[Id, ...] = Field(default=(), max_length=50)


class SentOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    send_id: int
    client_send_id: str
    party_id: int
    number: int
    order_ref: str
    rush: bool
    sent_at: datetime
    line_ids: tuple[int, ...]
    # station -> the print job queued for it; the dispatch slip under CASHIER_STATION.
    print_jobs: dict[str, int]
    # True when this answers a retry of a send that was already made.
    repeated: bool = False


def order_ref(party_id: int, number: int) -> str:
    """What the paper calls this send: the party, then the round ("17-2")."""
    return f"{party_id}-{number}"


def print_key(client_id: str, station: str) -> str:
    return f"{client_id}:{station}"


def _earlier(session: Session, command: SendOrder) -> SentOrder | None:
    send = session.scalar(
        select(OrderSend).where(OrderSend.client_send_id == command.client_send_id)
    )
    if send is None:
        return None
    if send.party_id != command.party_id:
        raise Conflict("That send was already used for another table's order.")
    line_ids = session.scalars(
        select(OrderLine.id).where(OrderLine.send_id == send.id).order_by(OrderLine.id)
    ).all()
    stations = session.scalars(
        select(OrderLine.station).where(OrderLine.send_id == send.id).distinct()
    ).all()
    keys = {print_key(send.client_send_id, st): st for st in [*stations, CASHIER_STATION]}
    jobs = session.execute(
        select(PrintJob.idempotency_key, PrintJob.id).where(PrintJob.idempotency_key.in_(keys))
    ).all()
    return SentOrder(
        send_id=send.id,
        client_send_id=send.client_send_id,
        party_id=send.party_id,
        number=send.number,
        order_ref=order_ref(send.party_id, send.number),
        rush=send.rush,
        sent_at=send.sent_at,
        line_ids=tuple(line_ids),
        print_jobs={keys[key]: job_id for key, job_id in jobs},
        repeated=True,
    )


def send_order(
    store: Store, actor_id: int, command: SendOrder, at: datetime | None = None
) -> SentOrder:
    """The waiter tapped "Confirmed — send": the lines read back go to the kitchen, once."""
    at = aware(at)
    try:
        with store.write() as s:
            earlier = _earlier(s, command)
            if earlier is not None:
                return earlier
            return _send(s, actor_id, command, at)
    except (IntegrityError, StaleDataError) as exc:
        # Two tries of the same send at the same moment (the first one won), or another
        # tablet sent or changed these lines at the same moment.
        with store.read() as s:
            earlier = _earlier(s, command)
        if earlier is not None:
            return earlier
        if isinstance(exc, StaleDataError):
            raise Conflict(LINE_CHANGED) from exc
        raise Conflict(
            "Another tablet sent this table's order at the same moment; the order has been "
            "reloaded."
        ) from exc


def _send(session: Session, actor_id: int, command: SendOrder, at: datetime) -> SentOrder:
    sender = require(session, actor_id, Action.TAKE_ORDER)
    party = ordering_party(session, command.party_id)
    seen = {line.line_id: line.version for line in command.lines}
    if not seen:
        raise DomainError("There is nothing new to send.")
    rows = session.scalars(select(OrderLine).where(OrderLine.id.in_(seen))).all()
    if len(rows) != len(seen):
        raise Conflict(LINE_CHANGED)  # removed on another tablet since the read-back
    dishes = dishes_as_they_are(session, (line.item_id for line in rows))
    for line in rows:
        if line.party_id != party.id:
            raise DomainError("A line of another table's order cannot be sent with this one.")
        if line.version != seen[line.id] or line.sent:
            raise Conflict(LINE_CHANGED)
        # Sold out or changed on the menu since it was added: the kitchen cannot make it.
        check_line_choice(session, line.item_id, line.quantity, modifier_ids(line), dishes=dishes)

    number = (
        session.scalar(select(func.max(OrderSend.number)).where(OrderSend.party_id == party.id))
        or 0
    ) + 1
    view = order_in(session, party.id)
    send = OrderSend(
        client_send_id=command.client_send_id,
        party_id=party.id,
        number=number,
        rush=command.rush,
        table_label=view.table_label[:64],
        guests=party.size,
        sent_at=at,
        sent_by_id=sender.id,
    )
    session.add(send)
    session.flush()
    for line in rows:
        line.send_id = send.id
    session.flush()

    # The courses due now go to their stations; the later ones are held (第8条 ①). The
    # dispatch slip still lists every line: the cashier's desk sees the whole order.
    tickets = place_sent_lines(
        session,
        party,
        list(rows),
        sender,
        at,
        order_ref(party.id, number),
        fire_now=command.fire_now,
        rush=command.rush,
    )
    fired = {tl.line_id for t in tickets for tl in ticket_lines_of(session, t)}
    sent_lines = [line for line in view.lines if line.id in seen]
    jobs = _queue_paper(session, send, sent_lines, sender, view.timezone, fired)
    for ticket in tickets:
        ticket.print_job_id = jobs.get(ticket.station)
    if party.stage == PartyStage.SEATED:
        advance_party(session, party.id, PartyStage.ORDERED, actor_id=actor_id)
    audit.record(
        session,
        action="order.sent",
        object_type="order_send",
        object_id=send.id,
        actor_id=actor_id,
        party=party.id,
        number=number,
        rush=command.rush,
        lines=sorted(seen),
        print_jobs=jobs,
        client_send_id=command.client_send_id,
    )
    return SentOrder(
        send_id=send.id,
        client_send_id=send.client_send_id,
        party_id=party.id,
        number=number,
        order_ref=order_ref(party.id, number),
        rush=send.rush,
        sent_at=at,
        line_ids=tuple(sorted(seen)),
        print_jobs=jobs,
    )


def _queue_paper(
    session: Session,
    send: OrderSend,
    lines: list[LineView],
    sender: Staff,
    timezone: str,
    fired: set[int],
) -> dict[str, int]:
    """The dispatch slip for the cashier and a ticket per station, in the same transaction."""
    restaurant = session.get(Restaurant, 1)
    common = {
        "order_ref": order_ref(send.party_id, send.number),
        "table_number": send.table_label[:16],
        "guests": send.guests,
        "timezone": timezone,
        "rush": send.rush,
        "sent_at": send.sent_at,
        "sent_by": person(sender),
    }
    # In the order dishes go out, then by seat: as the cooks and the pass work through it.
    lines = sorted(lines, key=lambda line: (line.course_sort, line.seat or 1000, line.id))
    by_station: dict[str, list[LineView]] = defaultdict(list)
    for line in lines:
        if line.id in fired:  # a held course's lines print when it is fired
            by_station[line.station].append(line)
    documents: list[tuple[str, KitchenTicket | DispatchSlip]] = [
        (
            CASHIER_STATION,
            DispatchSlip(
                lines=tuple(line.ticket_line() for line in lines),
                currency=restaurant.currency if restaurant else "CNY",
                currency_exponent=restaurant.currency_exponent if restaurant else 2,
                **common,
            ),
        )
    ]
    for station in sorted(by_station):
        ticket = KitchenTicket(
            station=station,
            lines=tuple(line.ticket_line() for line in by_station[station]),
            **common,
        )
        documents.append((station, ticket))
    jobs: dict[str, int] = {}
    for station, document in documents:
        request = PrintRequest(
            idempotency_key=print_key(send.client_send_id, station),
            station=station,
            document=document,
        )
        jobs[station] = add_print_job(session, request, actor_id=send.sent_by_id).id
    return jobs
