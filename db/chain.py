"""Hash chains: tamper evidence for records that are only ever appended.

Each row of a chained table (models.audit.Chained) carries its place in the chain
(`chain_seq`), the digest of the row before it (`prev_digest`) and its own `digest`, a
SHA-256 of the chain's name, its place, the previous digest and its content. Changing a
row changes its digest; removing or inserting one breaks the next row's link; so
`verify` finds any of them, even where nothing could stop them (the owner of a PostgreSQL
database, anyone holding a SQLite file). A whole tail cut off, or rows appended by someone
who knows this formula, are not found: `verify` prints the chain's head so that it can be
written down and compared later.

A chain is linked inside the writer's transaction (`link`), under a transaction-level
advisory lock on PostgreSQL (db/engine.py; SQLite's BEGIN IMMEDIATE already lets one
writer in at a time), so two tablets never both take the same row as the previous one.

Another capability chains its own table by mixing `Chained` into the model, describing
it with a `ChainSpec`, calling `register(spec)` at import and `link(session, spec, row)`
before the row is flushed (db/seals.py, db/money_seals.py do so for their seals).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from db.engine import PG_WRITE_LOCK

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainSpec:
    """One chained table: its name, its model, and the content its digests cover (every
    column a person could care about, in a fixed order)."""

    name: str
    model: type[Any]
    content: Callable[[Any], Sequence[object]]


CHAINS: dict[str, ChainSpec] = {}


def register(spec: ChainSpec) -> ChainSpec:
    CHAINS[spec.name] = spec
    return spec


def _canonical(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def digest_of(chain: str, seq: int, prev_digest: str, content: Sequence[object]) -> str:
    payload = json.dumps(
        [chain, seq, prev_digest, [_canonical(v) for v in content]],
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# The columns of a sent order line its seal covers (db/seals.py), in a fixed order; kept
# here, free of the models, because the migration that seals older lines uses it too.
SEALED_COLUMNS = (
    "id",
    "client_line_id",
    "party_id",
    "item_id",
    "course_id",
    "seat",
    "quantity",
    "name_en",
    "name_zh",
    "station",
    "unit_price_minor",
    "modifiers",
    "allergens",
    "note",
    "added_at",
    "added_by_id",
    "send_id",
    "voided_at",
    "voided_by_id",
    "void_approved_by_id",
    "void_reason",
    "client_void_id",
    "version",
)


def line_digest(values: Sequence[object]) -> str:
    return digest_of("order_line", 0, "", values)


# session.info keys: the heads this transaction has read or made, and whether it holds the
# PostgreSQL lock. A command that writes six audit events and seals reads each chain's head
# once, not six times (bench/README.md counted the re-reads).
_HEADS = "chain_heads"
_LOCKED = "chain_locked"


def _head(session: Session, spec: ChainSpec) -> tuple[int, str]:
    if session.get_bind().dialect.name == "postgresql" and not session.info.get(_LOCKED):
        # Held to the end of the transaction: the next writer reads this row as its previous.
        # The same lock Store.write takes first (db/engine.py), so taking it again is free
        # and the order of locks is always the same.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
        session.info[_LOCKED] = True
    model = spec.model
    # No autoflush (this may run while the session flushes, for seals): rows of this
    # chain added in this transaction but not flushed yet are looked at in session.new.
    with session.no_autoflush:
        last = session.execute(
            select(model.chain_seq, model.digest).order_by(model.chain_seq.desc()).limit(1)
        ).first()
    head = (last[0], last[1]) if last is not None else (0, GENESIS)
    for pending in session.new:
        if isinstance(pending, model) and pending.chain_seq and pending.chain_seq > head[0]:
            head = (pending.chain_seq, pending.digest)
    return head


def link(session: Session, spec: ChainSpec, row: Any) -> None:
    """Give `row` (not flushed yet) its place, previous digest and digest."""
    heads: dict[str, tuple[int, str]] = session.info.setdefault(_HEADS, {})
    head = heads.get(spec.name) or _head(session, spec)
    seq, prev = head[0] + 1, head[1]
    row.chain_seq = seq
    row.prev_digest = prev
    row.digest = digest_of(spec.name, seq, prev, spec.content(row))
    heads[spec.name] = (seq, row.digest)


@event.listens_for(Session, "after_soft_rollback")
def _forget_heads(session: Session, *_args: Any) -> None:
    """A rolled-back savepoint may have taken linked rows with it (an invoice counter made
    by the loser of a race): the next link reads the head from the database again."""
    session.info.pop(_HEADS, None)
    session.info.pop(_LOCKED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_heads_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    """The transaction is over: its heads and its lock are gone with it. A savepoint
    released (a print job's insert, say) keeps its rows in the transaction, so the heads
    stay and the next link does not read them again."""
    if transaction.parent is None:
        _forget_heads(session)


class ChainProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    chain: str
    row_id: object
    what: str


class ChainReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    chain: str
    rows: int
    head_seq: int
    head_digest: str
    problems: tuple[ChainProblem, ...]


def _rows(session: Session, spec: ChainSpec) -> Iterator[Any]:
    model = spec.model
    yield from session.scalars(select(model).order_by(model.id).execution_options(yield_per=500))


def verify_chain(session: Session, spec: ChainSpec) -> ChainReport:
    """Walk the chain in the order the rows were written (their ids) and say what does
    not add up: a row changed, rows removed, a row inserted out of order."""
    problems: list[ChainProblem] = []

    def problem(row: Any, what: str) -> None:
        problems.append(ChainProblem(chain=spec.name, row_id=row.id, what=what))

    prev_seq, prev_digest, count = 0, GENESIS, 0
    for row in _rows(session, spec):
        count += 1
        seq = row.chain_seq
        if row.digest != digest_of(spec.name, seq or 0, row.prev_digest or "", spec.content(row)):
            problem(row, f"row {row.id} was changed after it was written")
        if seq is None or seq <= prev_seq:
            problem(row, f"row {row.id} was inserted out of order (place {seq} after {prev_seq})")
            continue  # keep following the chain as it was
        if seq > prev_seq + 1:
            missing = seq - prev_seq - 1
            problem(row, f"{missing} row(s) before row {row.id} were removed")
        elif row.prev_digest != prev_digest:
            problem(row, f"row {row.id} does not follow the row before it (removed or inserted)")
        prev_seq, prev_digest = seq, row.digest
    return ChainReport(
        chain=spec.name,
        rows=count,
        head_seq=prev_seq,
        head_digest=prev_digest,
        problems=tuple(problems),
    )


# Modules that register a chain when imported; a capability that chains a table adds its
# module here, so `verify` walks it too.
CHAIN_MODULES = ("services.audit", "db.seals", "db.money_seals")

# Further checks `verify` runs (a sealed table's rows against their seals, say).
CHECKS: dict[str, Callable[[Session], list[ChainProblem]]] = {}


class VerifyReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    chains: tuple[ChainReport, ...]
    missing_guards: tuple[str, ...]
    other_problems: tuple[ChainProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            not self.missing_guards
            and not self.other_problems
            and not any(c.problems for c in self.chains)
        )


def verify_store(store: Any) -> VerifyReport:
    """Every registered chain, and the guard triggers, of the store's database. Reads
    only (open the store read-only to be sure nothing is written)."""
    import importlib

    from db.guards import missing_triggers

    for module in CHAIN_MODULES:
        importlib.import_module(module)
    with store.read() as s:
        chains = tuple(verify_chain(s, spec) for spec in CHAINS.values())
        missing = tuple(missing_triggers(s.connection()))
        others = tuple(p for check in CHECKS.values() for p in check(s))
    return VerifyReport(chains=chains, missing_guards=missing, other_problems=others)
