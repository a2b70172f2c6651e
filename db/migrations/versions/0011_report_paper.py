"""Printing: the end-of-day report on the cashier's desk printer.

Revision ID: 0011_report_paper
Revises: 0010_moved_ticket
"""

from __future__ import annotations

from alembic import op

revision: str = "0011_report_paper"
down_revision: str | None = "0010_moved_ticket"
branch_labels: str | None = None
depends_on: str | None = None

OLD_KINDS = "kind IN ('kitchen_ticket', 'dispatch_slip', 'void_ticket', 'receipt', 'moved_ticket')"
NEW_KINDS = (
    "kind IN ('kitchen_ticket', 'dispatch_slip', 'void_ticket', 'receipt', 'moved_ticket',"
    " 'day_report')"
)


def upgrade() -> None:
    # print_job has no triggers, so SQLite's batch copy of the table loses nothing.
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_print_job_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_print_job_kind_known"), NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM print_job WHERE kind = 'day_report'")
    with op.batch_alter_table("print_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_print_job_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_print_job_kind_known"), OLD_KINDS)
