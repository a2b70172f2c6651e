"""Seals on sent order lines: tamper evidence for what the kitchen was told (第7条 ⑤).

When a line is sent, and when it is voided, a LineSeal row records a digest of the line's
columns, hash-chained like the audit log (db/chain.py). The seals are made by a flush
hook, so every way of sending or voiding through the ORM is covered without the ordering
services knowing. `verify` then checks every sent line against its latest seal: a line
changed or removed by someone the triggers could not stop (the database's owner, anyone
holding a SQLite file) is reported, and so is a seal changed or removed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from db.chain import (
    CHECKS,
    SEALED_COLUMNS,
    ChainProblem,
    ChainSpec,
    line_digest,
    link,
    register,
)
from models import LineSeal, OrderLine, utcnow


def _content(seal: LineSeal) -> tuple[object, ...]:
    return (seal.at, seal.line_id, seal.event, seal.line_digest)


SEAL_CHAIN = register(ChainSpec(name="line_seal", model=LineSeal, content=_content))


def _values(line: OrderLine) -> tuple[object, ...]:
    return tuple(getattr(line, c) for c in SEALED_COLUMNS)


def _became(line: OrderLine, attribute: str) -> bool:
    """Whether this flush set `attribute` from nothing to something."""
    history = inspect(line).attrs[attribute].history
    return bool(history.added) and history.added[0] is not None and not any(history.deleted)


@event.listens_for(Session, "after_flush")
def _note_sent_and_voided(session: Session, _context: Any) -> None:
    noted: list[tuple[OrderLine, str]] = session.info.setdefault("line_seals", [])
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, OrderLine):
            continue
        if _became(obj, "send_id"):
            noted.append((obj, "sent"))
        if _became(obj, "voided_at"):
            noted.append((obj, "voided"))


@event.listens_for(Session, "after_flush_postexec")
def _seal(session: Session, _context: Any) -> None:
    # Added now, written by the next flush (a commit flushes until nothing is left).
    noted = session.info.pop("line_seals", [])
    for line, what in noted:
        seal = LineSeal(
            at=utcnow(), line_id=line.id, event=what, line_digest=line_digest(_values(line))
        )
        link(session, SEAL_CHAIN, seal)
        session.add(seal)


def check_sent_lines(session: Session) -> list[ChainProblem]:
    """Every sent line matches its latest seal; every sealed line is still there."""
    problems: list[ChainProblem] = []
    latest: dict[int, LineSeal] = {}
    for seal in session.scalars(select(LineSeal).order_by(LineSeal.chain_seq)):
        latest[seal.line_id] = seal
    lines = {
        line.id: line
        for line in session.scalars(select(OrderLine).where(OrderLine.send_id.is_not(None)))
    }
    for line_id, line in sorted(lines.items()):
        seal = latest.get(line_id)
        if seal is None:
            problems.append(
                ChainProblem(
                    chain="order_line", row_id=line_id, what=f"sent line {line_id} has no seal"
                )
            )
        elif seal.line_digest != line_digest(_values(line)):
            problems.append(
                ChainProblem(
                    chain="order_line",
                    row_id=line_id,
                    what=f"sent line {line_id} was changed after it was {seal.event}",
                )
            )
    for line_id in sorted(set(latest) - set(lines)):
        problems.append(
            ChainProblem(
                chain="order_line", row_id=line_id, what=f"sent line {line_id} was removed"
            )
        )
    return problems


CHECKS["sent_lines"] = check_sent_lines

# Money and its paper are sealed the same way (db/money_seals.py); importing this module
# (services.audit does) registers both flush hooks.
import db.money_seals  # noqa: E402, F401
