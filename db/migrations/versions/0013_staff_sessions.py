"""Signed-in sessions: the services act for a session, not for a bare staff id.

A session ends at sign-out, idle sign-out, lockout, PIN reset or deactivation; a command
under an ended one is refused (services/people/sessions.py). Rows are updated once (when
the session ends) and never deleted, so the app's PostgreSQL role gets the common grants.

Revision ID: 0013_staff_sessions
Revises: 0012_audit_by_object
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.guards import grant_app_role
from models.base import UTCDateTime

revision: str = "0013_staff_sessions"
down_revision: str | None = "0012_audit_by_object"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "staff_id",
            sa.Integer(),
            sa.ForeignKey("staff.id", name="fk_staff_session_staff_id_staff"),
            nullable=False,
        ),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
        sa.UniqueConstraint("token_digest", name="uq_staff_session_token_digest"),
    )
    op.create_index("ix_staff_session_staff_id", "staff_session", ["staff_id"])
    grant_app_role(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_staff_session_staff_id", table_name="staff_session")
    op.drop_table("staff_session")
