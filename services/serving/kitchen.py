"""The kitchen screens (第8条 ①: 按顺序，不插队): boards per station and for the pass, and
what the cooks do on them: an item or a whole ticket ready, a recall, a rush.

A ticket carries a version. A bump names the version its screen showed; if a void, a recall,
a rush or a move reached the ticket since, the bump is refused (Conflict) and the screen
reloads. Two screens bumping the same ticket give one "ready": the second finds it done.
When every ticket of a fired course is bumped, the course is ready at the pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.store import Store
from models import (
    CourseStage,
    KitchenMarker,
    OrderLine,
    PartyCourse,
    Staff,
    StationTicket,
    StationTicketLine,
)
from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.i18n import N_
from services.permissions import Action, require
from services.service_day import aware
from services.serving.board import (
    STATIONS,
    KitchenBoard,
    KitchenItem,
    KitchenTicket,
    all_day,
    load_tickets,
    ticket_view,
)
from services.serving.firing import bump_marker
from services.text import Name, RecordId, Version

__all__ = [
    "STATIONS",
    "BumpItem",
    "BumpTicket",
    "KitchenBoard",
    "KitchenItem",
    "KitchenTicket",
    "RecallTicket",
    "RushTicket",
    "bump_item",
    "bump_ticket",
    "kitchen_board",
    "kitchen_marker",
    "recall_ticket",
    "rush_ticket",
]

CHANGED = N_(
    "This ticket changed on another screen (a void, a recall or a rush); "
    "the board has been reloaded."
)
RECENT = 6  # bumped tickets kept at hand for a recall
RECALL_WITHIN = timedelta(minutes=30)


def kitchen_marker(store: Store) -> int:
    """One cheap query: a number that moves whenever any kitchen board changed."""
    with store.read() as s:
        return int(s.scalar(select(KitchenMarker.value).where(KitchenMarker.id == 1)) or 0)


def kitchen_board(
    store: Store, viewer_id: int, station: str | None, at: datetime | None = None
) -> KitchenBoard:
    """The open tickets for one station (or all, for the pass): rush first, then in turn."""
    at = aware(at)
    if station is not None and station not in STATIONS:
        raise DomainError("There is no station called {station}.", station=station[:32])
    with store.read() as s:
        require(s, viewer_id, Action.WORK_KITCHEN)
        marker = int(s.scalar(select(KitchenMarker.value).where(KitchenMarker.id == 1)) or 0)
        where = [] if station is None else [StationTicket.station == station]
        tickets = load_tickets(s, [*where, StationTicket.bumped_at.is_(None)], at)
        tickets.sort(key=lambda t: (not t.rush, t.fired_at, t.id))
        recent = load_tickets(
            s,
            [
                *where,
                StationTicket.bumped_at >= at - RECALL_WITHIN,
                StationTicket.served_at.is_(None),
            ],
            at,
            order_by=[StationTicket.bumped_at.desc()],
            limit=RECENT,
        )
        unshown = s.scalars(
            select(StationTicket.id).where(
                *where, StationTicket.bumped_at.is_(None), StationTicket.shown_at.is_(None)
            )
        ).all()
    if unshown:
        # Delivered: a screen showed it (第8条; nothing lost on the way). One UPDATE, only
        # when something new arrived; it leaves the version alone, so no screen is refused.
        with store.write() as s:
            s.execute(
                update(StationTicket)
                .where(StationTicket.id.in_(unshown), StationTicket.shown_at.is_(None))
                .values(shown_at=at)
            )
    return KitchenBoard(
        station=station, tickets=tickets, recent=recent, all_day=all_day(tickets), marker=marker
    )


class BumpItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ticket_id: RecordId
    line_id: RecordId
    seen_version: Version


class BumpTicket(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ticket_id: RecordId
    seen_version: Version


class RecallTicket(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ticket_id: RecordId


class RushTicket(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ticket_id: RecordId
    asked_by: Name = ""  # the waiter, or the guest's words; blank: the person tapping


@contextmanager
def _stale_is_conflict() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise Conflict(CHANGED) from exc


def _locked(session: Session, ticket_id: int) -> tuple[StationTicket, PartyCourse]:
    """The ticket and its course, locked in that order by every kitchen change (so two
    stations finishing one course at once agree on when it became ready)."""
    course_id = session.scalar(
        select(StationTicket.party_course_id).where(StationTicket.id == ticket_id)
    )
    if course_id is None:
        raise NotFound("That ticket is not on the board any more.")
    pc = session.scalars(
        select(PartyCourse)
        .where(PartyCourse.id == course_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    ticket = session.scalars(
        select(StationTicket)
        .where(StationTicket.id == ticket_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return ticket, pc


def _ticket_lines(session: Session, ticket: StationTicket) -> list[tuple[StationTicketLine, bool]]:
    return [
        (tl, voided_at is not None)
        for tl, voided_at in session.execute(
            select(StationTicketLine, OrderLine.voided_at)
            .join(OrderLine, OrderLine.id == StationTicketLine.line_id)
            .where(StationTicketLine.ticket_id == ticket.id)
        ).all()
    ]


def _bump(
    session: Session,
    ticket: StationTicket,
    pc: PartyCourse,
    actor: Staff,
    at: datetime,
    lines: list[tuple[StationTicketLine, bool]],
) -> None:
    for tl, voided in lines:
        if not voided and tl.ready_at is None:
            tl.ready_at = at
            tl.ready_by_id = actor.id
    ticket.bumped_at = at
    ticket.bumped_by_id = actor.id
    session.flush()
    still_open = session.scalar(
        select(StationTicket.id).where(
            StationTicket.party_course_id == pc.id, StationTicket.bumped_at.is_(None)
        )
    )
    course_ready = still_open is None and pc.state == CourseStage.FIRED
    if course_ready:
        pc.state = CourseStage.READY
        pc.ready_at = at
    audit.record(
        session,
        action="kitchen.ticket_ready",
        object_type="station_ticket",
        object_id=ticket.id,
        actor_id=actor.id,
        station=ticket.station,
        party=ticket.party_id,
        course_ready=course_ready,
        waited_seconds=int((at - ticket.fired_at).total_seconds()),
    )


def _check_seen(ticket: StationTicket, seen_version: int) -> None:
    if ticket.version != seen_version:
        raise Conflict(CHANGED)


def bump_item(
    store: Store, actor_id: int, cmd: BumpItem, at: datetime | None = None
) -> KitchenTicket:
    """One dish of a ticket is ready; the last one makes the whole ticket ready."""
    at = aware(at)
    with _stale_is_conflict(), store.write() as s:
        actor = require(s, actor_id, Action.WORK_KITCHEN)
        ticket, pc = _locked(s, cmd.ticket_id)
        lines = _ticket_lines(s, ticket)
        found = next(((tl, v) for tl, v in lines if tl.line_id == cmd.line_id), None)
        if found is None:
            raise NotFound("That dish is not on this ticket.")
        tl, voided = found
        if tl.ready_at is not None or ticket.bumped_at is not None:
            return ticket_view(s, ticket.id, at)  # done already, on this or another screen
        _check_seen(ticket, cmd.seen_version)
        if voided:
            raise DomainError("That dish was voided: it is not to be made.")
        tl.ready_at = at
        tl.ready_by_id = actor.id
        if all(t.ready_at is not None or v for t, v in lines):
            _bump(s, ticket, pc, actor, at, lines)
        else:
            # One dish ready is no reason to refuse another screen's bump: the version stays.
            audit.record(
                s,
                action="kitchen.item_ready",
                object_type="station_ticket",
                object_id=ticket.id,
                actor_id=actor.id,
                line=tl.line_id,
            )
        bump_marker(s)
        s.flush()
        return ticket_view(s, ticket.id, at)


def bump_ticket(
    store: Store, actor_id: int, cmd: BumpTicket, at: datetime | None = None
) -> KitchenTicket:
    """The whole ticket is ready at the pass."""
    at = aware(at)
    with _stale_is_conflict(), store.write() as s:
        actor = require(s, actor_id, Action.WORK_KITCHEN)
        ticket, pc = _locked(s, cmd.ticket_id)
        if ticket.bumped_at is not None:
            return ticket_view(s, ticket.id, at)  # another screen bumped it: one "ready"
        _check_seen(ticket, cmd.seen_version)
        _bump(s, ticket, pc, actor, at, _ticket_lines(s, ticket))
        bump_marker(s)
        s.flush()
        return ticket_view(s, ticket.id, at)


def recall_ticket(
    store: Store, actor_id: int, cmd: RecallTicket, at: datetime | None = None
) -> KitchenTicket:
    """A ticket bumped by mistake comes back on the board, to be cooked and bumped again.
    Its course, if it was ready at the pass, is not ready any more. Logged."""
    at = aware(at)
    with _stale_is_conflict(), store.write() as s:
        actor = require(s, actor_id, Action.WORK_KITCHEN)
        ticket, pc = _locked(s, cmd.ticket_id)
        if ticket.bumped_at is None:
            raise DomainError("This ticket was never bumped: there is nothing to recall.")
        if ticket.served_at is not None:
            raise DomainError("This ticket has already been served: it cannot be recalled.")
        was_bumped = ticket.bumped_at
        ticket.bumped_at = None
        ticket.bumped_by_id = None
        ticket.changed_at = at
        for tl, _voided in _ticket_lines(s, ticket):
            tl.ready_at = None
            tl.ready_by_id = None
        if pc.state == CourseStage.READY:
            pc.state = CourseStage.FIRED
            pc.ready_at = None
        bump_marker(s)
        audit.record(
            s,
            action="kitchen.ticket_recalled",
            object_type="station_ticket",
            object_id=ticket.id,
            actor_id=actor.id,
            station=ticket.station,
            bumped_at=was_bumped,
        )
        s.flush()
        return ticket_view(s, ticket.id, at)


def rush_ticket(
    store: Store, actor_id: int, cmd: RushTicket, at: datetime | None = None
) -> KitchenTicket:
    """第8条: the guests are in a hurry. The ticket moves up with a RUSH mark, and who asked
    is kept: the only way a ticket jumps the queue."""
    at = aware(at)
    with _stale_is_conflict(), store.write() as s:
        actor = require(s, actor_id, Action.RUSH)
        ticket, _pc = _locked(s, cmd.ticket_id)
        if ticket.bumped_at is not None:
            raise DomainError("This ticket is already ready at the pass.")
        if ticket.rush:
            return ticket_view(s, ticket.id, at)
        rush_one(s, ticket, actor, cmd.asked_by, at)
        s.flush()
        return ticket_view(s, ticket.id, at)


def rush_one(
    session: Session, ticket: StationTicket, actor: Staff, asked_by: str, at: datetime
) -> None:
    """Mark one open ticket RUSH, keeping who asked (blank: the person tapping); shared by
    the kitchen's rush and the waiter's rush of a whole course (services/serving/rushing.py)."""
    asked_by = asked_by or actor.name
    ticket.rush = True
    ticket.rush_by = asked_by[:80]
    ticket.rush_by_id = actor.id
    ticket.rush_at = at
    ticket.changed_at = at
    bump_marker(session)
    audit.record(
        session,
        action="kitchen.ticket_rushed",
        object_type="station_ticket",
        object_id=ticket.id,
        actor_id=actor.id,
        asked_by=asked_by,
        station=ticket.station,
    )
