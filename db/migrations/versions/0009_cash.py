"""Cash: the drawers, their paid-in / paid-out entries, and the blind-count setting.

Revision ID: 0009_cash
Revises: 0008_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.guards import grant_app_role

revision: str = "0009_cash"
down_revision: str | None = "0008_security"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "cash_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blind_count", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_cash_setting_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_setting")),
    )
    op.create_table(
        "cash_drawer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_drawer_id", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("float_counts", sa.Text(), nullable=False),
        sa.Column("float_minor", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("counted_counts", sa.Text(), nullable=False),
        sa.Column("counted_minor", sa.Integer(), nullable=True),
        sa.Column("expected_minor", sa.Integer(), nullable=True),
        sa.Column("variance_minor", sa.Integer(), nullable=True),
        sa.Column("close_note", sa.String(length=500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f("ck_cash_drawer_state_known")),
        sa.CheckConstraint("float_minor >= 0", name=op.f("ck_cash_drawer_float_not_negative")),
        sa.CheckConstraint(
            "state <> 'closed' OR (closed_at IS NOT NULL AND counted_minor IS NOT NULL"
            " AND expected_minor IS NOT NULL AND variance_minor IS NOT NULL)",
            name=op.f("ck_cash_drawer_closed_is_counted"),
        ),
        _fk("cash_drawer", "staff_id", "staff"),
        _fk("cash_drawer", "closed_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_drawer")),
        sa.UniqueConstraint("client_drawer_id", name=op.f("uq_cash_drawer_client_drawer_id")),
    )
    op.create_index(op.f("ix_cash_drawer_staff_id"), "cash_drawer", ["staff_id"])
    op.create_index(op.f("ix_cash_drawer_opened_at"), "cash_drawer", ["opened_at"])
    op.create_index(op.f("ix_cash_drawer_closed_at"), "cash_drawer", ["closed_at"])
    op.create_index(
        "uq_cash_drawer_one_open_per_staff",
        "cash_drawer",
        ["staff_id"],
        unique=True,
        sqlite_where=sa.text("state = 'open'"),
        postgresql_where=sa.text("state = 'open'"),
    )
    op.create_table(
        "cash_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_movement_id", sa.String(length=40), nullable=False),
        sa.Column("drawer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('paid_in', 'paid_out')", name=op.f("ck_cash_movement_kind_known")
        ),
        sa.CheckConstraint(
            "amount_minor >= 1 AND amount_minor <= 10000000",
            name=op.f("ck_cash_movement_amount_in_range"),
        ),
        _fk("cash_movement", "drawer_id", "cash_drawer"),
        _fk("cash_movement", "by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movement")),
        sa.UniqueConstraint("client_movement_id", name=op.f("uq_cash_movement_client_movement_id")),
    )
    op.create_index(op.f("ix_cash_movement_drawer_id"), "cash_movement", ["drawer_id"])
    grant_app_role(op.get_bind())


def downgrade() -> None:
    op.drop_table("cash_movement")
    op.drop_index("uq_cash_drawer_one_open_per_staff", table_name="cash_drawer")
    op.drop_table("cash_drawer")
    op.drop_table("cash_setting")
