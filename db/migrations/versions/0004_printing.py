"""Printing: the print_job queue for kitchen tickets, dispatch slips, void tickets, receipts.

Revision ID: 0004_printing
Revises: 0003_seating
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_printing"
down_revision: str | None = "0003_seating"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "print_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sending_by", sa.String(length=80), nullable=True),
        sa.Column("sending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("reprint_of", sa.Integer(), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_print_job_attempts_not_negative")),
        sa.CheckConstraint(
            "kind IN ('kitchen_ticket', 'dispatch_slip', 'void_ticket', 'receipt')",
            name=op.f("ck_print_job_kind_known"),
        ),
        sa.CheckConstraint(
            "state IN ('queued', 'sending', 'printed', 'uncertain', 'reprinted')",
            name=op.f("ck_print_job_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_print_job_created_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["reprint_of"], ["print_job.id"], name=op.f("fk_print_job_reprint_of_print_job")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["staff.id"], name=op.f("fk_print_job_resolved_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_job")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_print_job_idempotency_key")),
    )
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_job_station"), ["station"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_job_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_job_reprint_of"), ["reprint_of"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_job_reprint_of"))
        batch_op.drop_index(batch_op.f("ix_print_job_state"))
        batch_op.drop_index(batch_op.f("ix_print_job_station"))
    op.drop_table("print_job")
