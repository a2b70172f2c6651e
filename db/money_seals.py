"""Seals on money and its paper: tamper evidence for bills, payments and the cash drawer.

Whenever a flush makes, changes or removes a row of a table in db/record_columns.py
(bills, bill parts, discounts, payments and refunds, the invoice counter, cash drawers and
movements), a RecordSeal records a digest of that row's columns and what happened to it
("made", "presented", "superseded", "settled", "refunded", "removed"...), hash-chained
like the audit log. A flush hook, as for sent lines (db/seals.py): every path through the
ORM is covered without the billing and cash services knowing, and a rolled-back command
takes its seals with it.

`verify` then checks every such row against its latest seal: a bill or payment changed,
removed or inserted by someone the guards could not stop is reported, and a seal changed,
removed or inserted out of order breaks the chain. (Rows written in bulk with Core
statements bypass the hook; the app writes these tables through the ORM only.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from db.chain import CHECKS, ChainProblem, ChainSpec, link, register
from db.record_columns import SEALED_RECORDS, record_digest
from models import (
    Bill,
    BillPart,
    CashDrawer,
    CashMovement,
    Discount,
    InvoiceCounter,
    Payment,
    RecordSeal,
    utcnow,
)

SEALED_MODELS: dict[str, type[Any]] = {
    m.__tablename__: m
    for m in (Bill, BillPart, Discount, Payment, InvoiceCounter, CashDrawer, CashMovement)
}
assert set(SEALED_MODELS) == set(SEALED_RECORDS)

# How a row is named in what verify says.
LABELS = {
    "bill": "bill",
    "bill_part": "bill part",
    "discount": "discount",
    "payment": "payment",
    "invoice_counter": "invoice counter",
    "cash_drawer": "cash drawer",
    "cash_movement": "cash movement",
}
REMOVED = "removed"
CREATED = frozenset({"made", "refunded"})


def _content(seal: RecordSeal) -> tuple[object, ...]:
    return (seal.at, seal.record_type, seal.record_id, seal.event, seal.record_digest)


SEAL_CHAIN = register(ChainSpec(name="record_seal", model=RecordSeal, content=_content))


def digest_of_row(row: Any) -> str:
    table = row.__tablename__
    return record_digest(table, [getattr(row, c) for c in SEALED_RECORDS[table]])


def _changed(row: Any) -> set[str]:
    """The sealed columns this flush changed (the version counter aside: it moves with
    any change)."""
    attrs = inspect(row).attrs
    return {
        c
        for c in SEALED_RECORDS[row.__tablename__]
        if c != "version" and attrs[c].history.has_changes()
    }


def _event_of(row: Any, changed: set[str] | None) -> str:
    """What happened, in a word, for the person reading verify's report."""
    if changed is None:  # a new row
        return "refunded" if isinstance(row, Payment) and row.kind == "refund" else "made"
    if "state" in changed:
        return str(row.state)[:16]  # superseded, settled, closed
    if "presented_at" in changed:
        return "presented"
    if "copies" in changed:
        return "reprinted"
    if "invoice_title" in changed or "invoice_tax_id" in changed or "invoice_email" in changed:
        return "given a title"  # the guest's 发票 request
    if "settled_at" in changed:
        return "settled" if row.settled_at is not None else "reopened"
    if "next_number" in changed:
        return "advanced"
    return "updated"


@event.listens_for(Session, "after_flush")
def _note_money_rows(session: Session, _context: Any) -> None:
    noted: list[tuple[Any, str, str | None]] = session.info.setdefault("record_seals", [])
    for row in session.new:
        if type(row) in _SEALED_TYPES:
            noted.append((row, _event_of(row, None), None))
    for row in session.dirty:
        if type(row) in _SEALED_TYPES:
            changed = _changed(row)
            if changed:
                noted.append((row, _event_of(row, changed), None))
    for row in session.deleted:
        if type(row) in _SEALED_TYPES:
            # Its digest now, while its columns are still loaded.
            noted.append((row, REMOVED, digest_of_row(row)))


@event.listens_for(Session, "after_flush_postexec")
def _seal_money_rows(session: Session, _context: Any) -> None:
    # Added now, written by the next flush (a commit flushes until nothing is left).
    for row, what, digest in session.info.pop("record_seals", []):
        seal = RecordSeal(
            at=utcnow(),
            record_type=row.__tablename__,
            record_id=row.id,
            event=what,
            record_digest=digest if digest is not None else digest_of_row(row),
        )
        link(session, SEAL_CHAIN, seal)
        session.add(seal)


_SEALED_TYPES = frozenset(SEALED_MODELS.values())


def check_money_rows(session: Session) -> list[ChainProblem]:
    """Every bill, payment, ... matches its latest seal; every sealed one is still there
    (unless the app removed it: a bill part split again)."""
    problems: list[ChainProblem] = []

    def problem(table: str, row_id: int, what: str) -> None:
        label = LABELS.get(table, table)  # a forged seal may name any table
        problems.append(ChainProblem(chain=table, row_id=row_id, what=f"{label} {what}"))

    # (event, digest) of each row's latest seal; plain tuples, so a year of seals is cheap.
    latest: dict[tuple[str, int], tuple[str, str]] = {}
    seals = select(
        RecordSeal.record_type, RecordSeal.record_id, RecordSeal.event, RecordSeal.record_digest
    ).order_by(RecordSeal.chain_seq)
    for table, row_id, what, digest in session.execute(seals.execution_options(yield_per=5000)):
        before = latest.get((table, row_id))
        if what in CREATED and before is not None and before[0] != REMOVED:
            # SQLite gives the highest id again once its row is gone: a row removed by
            # force, and its id taken by the next one, shows here.
            problem(table, row_id, f"{row_id} was removed, and its id given to a later one")
        latest[(table, row_id)] = (what, digest)

    for table, model in SEALED_MODELS.items():
        present: set[int] = set()
        for row in session.scalars(select(model).order_by(model.id)):
            present.add(row.id)
            seal = latest.get((table, row.id))
            if seal is None:
                problem(table, row.id, f"{row.id} has no seal (written outside the app)")
            elif seal[0] == REMOVED:
                problem(table, row.id, f"{row.id} was removed, and is there again")
            elif seal[1] != digest_of_row(row):
                problem(table, row.id, f"{row.id} was changed after it was {seal[0]}")
        for (kind, row_id), (what, _digest) in sorted(latest.items()):
            if kind == table and row_id not in present and what != REMOVED:
                problem(table, row_id, f"{row_id} was removed")
    return problems


CHECKS["money_rows"] = check_money_rows
