"""Security: approval attempts, the sent-line guard on every column, the audit hash chain,
and on PostgreSQL the app's role that owns nothing.

Revision ID: 0008_security
Revises: 0007_billing
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from db.chain import GENESIS, SEALED_COLUMNS, digest_of, line_digest
from db.guards import grant_app_role, protect_seals, protect_sent_lines

revision: str = "0008_security"
down_revision: str | None = "0007_billing"
branch_labels: str | None = None
depends_on: str | None = None

AUDIT_TRIGGERS_SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END""",
]


def _utc(value: object) -> object:
    """An `at` as the app reads it back (models.base.UTCDateTime), so the digests the
    backfill writes are the ones `verify` recomputes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _chain_existing_events(bind: sa.Connection) -> None:
    rows = bind.execute(
        sa.text(
            "SELECT id, at, actor_id, actor_label, approver_id, action, object_type, "
            "object_id, detail FROM audit_event ORDER BY id"
        )
    ).all()
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        content = (_utc(row.at), *row[2:])
        digest = digest_of("audit_event", seq, prev, content)
        bind.execute(
            sa.text(
                "UPDATE audit_event SET chain_seq = :s, prev_digest = :p, digest = :d WHERE id = :i"
            ),
            {"s": seq, "p": prev, "d": digest, "i": row.id},
        )
        prev = digest


def _seal_sent_lines(bind: sa.Connection) -> None:
    """Lines sent before this step get their seal now, as they are (db/seals.py)."""
    columns = ", ".join(SEALED_COLUMNS)
    rows = bind.execute(
        sa.text(f"SELECT {columns} FROM order_line WHERE send_id IS NOT NULL ORDER BY id")
    ).all()
    at = datetime.now(UTC)
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        values = tuple(
            _utc(v) if name in ("added_at", "voided_at") else v
            for name, v in zip(SEALED_COLUMNS, row, strict=True)
        )
        what = "voided" if row.voided_at is not None else "sent"
        sealed = line_digest(values)
        digest = digest_of("line_seal", seq, prev, (at, row.id, what, sealed))
        bind.execute(
            sa.text(
                "INSERT INTO line_seal (at, line_id, event, line_digest, chain_seq, "
                "prev_digest, digest) VALUES (:at, :line, :event, :sealed, :seq, :prev, :d)"
            ),
            {
                "at": at if bind.dialect.name == "postgresql" else at.replace(tzinfo=None),
                "line": row.id,
                "event": what,
                "sealed": sealed,
                "seq": seq,
                "prev": prev,
                "d": digest,
            },
        )
        prev = digest


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"

    # Wrong manager PINs are counted per person asking, apart from sign-in's count.
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_approval_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("approvals_locked_until", sa.DateTime(timezone=True), nullable=True)
        )

    # The audit hash chain. Events written before this step are chained now, in id order.
    if postgresql:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
    _chain_existing_events(bind)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("chain_seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_digest", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("digest", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_chain_seq"), ["chain_seq"])
    if postgresql:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update")
    else:
        # The batch copy of the table left its triggers behind: put them back.
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        for statement in AUDIT_TRIGGERS_SQLITE:
            op.execute(statement)

    # 第7条 ⑤: a sent line changes only by its void, once; every other column is frozen.
    protect_sent_lines(bind)

    # And each sent or voided line is sealed, so that verify finds one changed by force.
    op.create_table(
        "line_seal",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("line_digest", sa.String(length=64), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("prev_digest", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_seal")),
        sa.UniqueConstraint("chain_seq", name=op.f("uq_line_seal_chain_seq")),
    )
    op.create_index(op.f("ix_line_seal_line_id"), "line_seal", ["line_id"])
    _seal_sent_lines(bind)
    protect_seals(bind)

    # Last, so it covers every table of the schema: the app's role and its privileges.
    grant_app_role(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION line_seal_append_only() CASCADE")
    op.drop_index(op.f("ix_line_seal_line_id"), table_name="line_seal")
    op.drop_table("line_seal")
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_chain_seq"), type_="unique")
        batch_op.drop_column("digest")
        batch_op.drop_column("prev_digest")
        batch_op.drop_column("chain_seq")
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        for statement in AUDIT_TRIGGERS_SQLITE:
            op.execute(statement)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("approvals_locked_until")
        batch_op.drop_column("failed_approval_attempts")
    # The sent-line triggers and the role's grants stay: they are no weaker than before.
