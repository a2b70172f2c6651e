"""Printing: the "moved" paper, telling a station its tickets now belong to another table.

Revision ID: 0010_moved_ticket
Revises: 0009_cash
"""

from __future__ import annotations

from alembic import op

revision: str = "0010_moved_ticket"
down_revision: str | None = "0009_cash"
branch_labels: str | None = None
depends_on: str | None = None

OLD_KINDS = "kind IN ('kitchen_ticket', 'dispatch_slip', 'void_ticket', 'receipt')"
NEW_KINDS = "kind IN ('kitchen_ticket', 'dispatch_slip', 'void_ticket', 'receipt', 'moved_ticket')"


def upgrade() -> None:
    # print_job has no triggers, so SQLite's batch copy of the table loses nothing.
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_print_job_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_print_job_kind_known"), NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM print_job WHERE kind = 'moved_ticket'")
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_print_job_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_print_job_kind_known"), OLD_KINDS)
