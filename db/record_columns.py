"""The rows that record money and its paper, and the columns their seals cover.

Kept free of the models, like SEALED_COLUMNS in db/chain.py: the migration that seals the
rows written before sealing began (0014_money_seals) uses these lists too, so a digest made
by that migration from raw rows is the one db/money_seals.py makes from ORM objects. A
migration that adds a column to one of these tables adds it here and seals that table's
rows again, or verify reports every one of them as changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from db.chain import digest_of

# Table -> its columns, in a fixed order: every column a person could care about.
SEALED_RECORDS: dict[str, tuple[str, ...]] = {
    "bill": (
        "id",
        "party_id",
        "number",
        "state",
        "made_for",
        "snapshot",
        "split",
        "total_minor",
        "carried_minor",
        "created_at",
        "created_by_id",
        "presented_at",
        "presented_by_id",
        "copies",
        "superseded_at",
        "settled_at",
        "settled_by_id",
        "invoice_number",
        "invoice_title",
        "invoice_tax_id",
        "invoice_email",
        "version",
    ),
    "bill_part": ("id", "bill_id", "number", "label", "amount_minor", "settled_at", "version"),
    "discount": (
        "id",
        "client_discount_id",
        "party_id",
        "line_id",
        "kind",
        "percent_bp",
        "amount_minor",
        "reason",
        "given_by_id",
        "approved_by_id",
        "given_at",
    ),
    "payment": (
        "id",
        "client_payment_id",
        "kind",
        "party_id",
        "bill_id",
        "part_id",
        "method_id",
        "amount_minor",
        "tendered_minor",
        "change_minor",
        "tip_minor",
        "card_last4",
        "approval_code",
        "reference",
        "account_id",
        "signer_id",
        "taken_by_id",
        "approved_by_id",
        "taken_at",
        "refund_of_id",
        "reason",
    ),
    "invoice_counter": ("id", "next_number"),
    "cash_drawer": (
        "id",
        "client_drawer_id",
        "staff_id",
        "state",
        "blind",
        "opened_at",
        "float_counts",
        "float_minor",
        "closed_at",
        "closed_by_id",
        "counted_counts",
        "counted_minor",
        "expected_minor",
        "variance_minor",
        "close_note",
        "version",
    ),
    "cash_movement": (
        "id",
        "client_movement_id",
        "drawer_id",
        "kind",
        "amount_minor",
        "reason",
        "at",
        "by_id",
    ),
}

# Timestamp columns: a raw SQLite row gives them as text, the ORM as aware datetimes.
TIMESTAMPS = frozenset(
    {
        "created_at",
        "presented_at",
        "superseded_at",
        "settled_at",
        "given_at",
        "taken_at",
        "opened_at",
        "closed_at",
        "at",
    }
)


def canonical(column: str, value: object) -> object:
    """One spelling of a value, however it was read: a timestamp as UTC ISO text (an aware
    datetime in another zone, a naive one from SQLite, SQLite's text), a flag as 0 or 1."""
    if isinstance(value, bool):
        return int(value)
    if column in TIMESTAMPS and isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat()
    return value


def record_digest(table: str, values: Sequence[object]) -> str:
    """The digest of one row's sealed columns (`values` in SEALED_RECORDS[table] order)."""
    columns = SEALED_RECORDS[table]
    return digest_of(table, 0, "", [canonical(c, v) for c, v in zip(columns, values, strict=True)])
