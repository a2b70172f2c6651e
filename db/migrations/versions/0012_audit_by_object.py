"""The audit log found by what it is about: an index on (object_type, object_id).

"My tables" asks when each of the waiter's parties asked for the bill, from the party's
own events. Without this index the database walked every event of that kind in the year
(bench/README.md: 0.6–1 s a call on a year of a busy restaurant). Creating an index
changes no row, so the append-only triggers and the hash chain are untouched.

Revision ID: 0012_audit_by_object
Revises: 0011_report_paper
"""

from __future__ import annotations

from alembic import op

revision: str = "0012_audit_by_object"
down_revision: str | None = "0011_report_paper"
branch_labels: str | None = None
depends_on: str | None = None

INDEX = "ix_audit_event_object"


def upgrade() -> None:
    op.create_index(INDEX, "audit_event", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="audit_event")
