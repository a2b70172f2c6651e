"""Seals on money and its paper: bills, bill parts, discounts, payments and refunds, the
invoice counter, cash drawers and movements (db/money_seals.py), chained, append-only.

Rows written before this step are sealed now, as they are (event "sealed"), so that
`verify` starts from a clean bill and reports anything changed after the upgrade.

Revision ID: 0014_money_seals
Revises: 0013_staff_sessions
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from db.chain import GENESIS, digest_of
from db.guards import grant_app_role, protect_record_seals
from db.record_columns import SEALED_RECORDS, record_digest

revision: str = "0014_money_seals"
# Branches off 0012 beside 0013_staff_sessions; the two are joined when merged.
down_revision: str | None = "0013_staff_sessions"
branch_labels: str | None = None
depends_on: str | None = None


def _seal_existing_rows(bind: sa.Connection) -> None:
    at = datetime.now(UTC)
    stored_at = at if bind.dialect.name == "postgresql" else at.replace(tzinfo=None)
    seq, prev = 0, GENESIS
    for table, columns in SEALED_RECORDS.items():
        rows = bind.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"))
        for row in rows.all():
            seq += 1
            sealed = record_digest(table, tuple(row))
            digest = digest_of("record_seal", seq, prev, (at, table, row.id, "sealed", sealed))
            bind.execute(
                sa.text(
                    "INSERT INTO record_seal (at, record_type, record_id, event, record_digest, "
                    "chain_seq, prev_digest, digest) "
                    "VALUES (:at, :type, :id, 'sealed', :sealed, :seq, :prev, :digest)"
                ),
                {
                    "at": stored_at,
                    "type": table,
                    "id": row.id,
                    "sealed": sealed,
                    "seq": seq,
                    "prev": prev,
                    "digest": digest,
                },
            )
            prev = digest


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "record_seal",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record_type", sa.String(length=24), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("record_digest", sa.String(length=64), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("prev_digest", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_seal")),
        sa.UniqueConstraint("chain_seq", name=op.f("uq_record_seal_chain_seq")),
    )
    op.create_index("ix_record_seal_record", "record_seal", ["record_type", "record_id"])
    _seal_existing_rows(bind)
    protect_record_seals(bind)
    # The new table gets read and insert only (db/guards.py APPEND_ONLY).
    grant_app_role(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION record_seal_append_only() CASCADE")
    op.drop_index("ix_record_seal_record", table_name="record_seal")
    op.drop_table("record_seal")
