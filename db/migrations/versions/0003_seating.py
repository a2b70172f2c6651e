"""Seating: parties, table occupancy, out-of-service tables, section assignments, lost and found.

Revision ID: 0003_seating
Revises: 0002_checklists
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_seating"
down_revision: str | None = "0002_checklists"
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported from models: a migration must keep meaning what it meant
# the day it was written.
PARTY_STAGES = (
    "waiting",
    "seated",
    "ordered",
    "eating",
    "bill_requested",
    "paid",
    "left",
    "left_waitlist",
)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _partial_unique(name: str, table: str, column: str, where: str) -> None:
    # The same WHERE for both dialects: SQLite (3.8+) and PostgreSQL both have partial indexes.
    op.create_index(
        op.f(name),
        table,
        [column],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    stages = ", ".join(f"'{s}'" for s in PARTY_STAGES)
    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("high_chair", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiter_id", sa.Integer(), nullable=True),
        sa.Column("greeted_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_party_size_positive")),
        sa.CheckConstraint(
            "children >= 0 AND children <= size", name=op.f("ck_party_children_in_party")
        ),
        sa.CheckConstraint(f"stage IN ({stages})", name=op.f("ck_party_stage_known")),
        _fk("party", "waiter_id", "staff"),
        _fk("party", "greeted_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
    )
    op.create_index(op.f("ix_party_stage"), "party", ["stage"])
    op.create_index(op.f("ix_party_waiter_id"), "party", ["waiter_id"])

    op.create_table(
        "table_occupancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seated_by_id", sa.Integer(), nullable=False),
        sa.Column("vacated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reset_by_id", sa.Integer(), nullable=True),
        _fk("table_occupancy", "party_id", "party"),
        _fk("table_occupancy", "table_id", "dining_table"),
        _fk("table_occupancy", "seated_by_id", "staff"),
        _fk("table_occupancy", "reset_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_occupancy")),
    )
    op.create_index(op.f("ix_table_occupancy_party_id"), "table_occupancy", ["party_id"])
    op.create_index(op.f("ix_table_occupancy_reset_at"), "table_occupancy", ["reset_at"])
    # No table ever holds two parties, whichever tablets race for it.
    _partial_unique(
        "uq_table_occupancy_one_party_per_table", "table_occupancy", "table_id", "reset_at IS NULL"
    )

    op.create_table(
        "table_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_id", sa.Integer(), nullable=True),
        _fk("table_closure", "table_id", "dining_table"),
        _fk("table_closure", "closed_by_id", "staff"),
        _fk("table_closure", "reopened_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_closure")),
    )
    _partial_unique(
        "uq_table_closure_one_open_per_table", "table_closure", "table_id", "reopened_at IS NULL"
    )

    op.create_table(
        "section_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("service_period_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("waiter_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("section_assignment", "service_period_id", "service_period"),
        _fk("section_assignment", "section_id", "section"),
        _fk("section_assignment", "waiter_id", "staff"),
        _fk("section_assignment", "assigned_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_assignment")),
        sa.UniqueConstraint(
            "service_date",
            "service_period_id",
            "section_id",
            name="uq_section_assignment_service_section",
        ),
    )
    op.create_index(op.f("ix_section_assignment_waiter_id"), "section_assignment", ["waiter_id"])

    op.create_table(
        "found_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("found_where", sa.String(length=120), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by_id", sa.Integer(), nullable=False),
        sa.Column("handed_to_id", sa.Integer(), nullable=False),
        sa.Column("returned_to", sa.String(length=120), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("found_item", "table_id", "dining_table"),
        _fk("found_item", "found_by_id", "staff"),
        _fk("found_item", "handed_to_id", "staff"),
        _fk("found_item", "returned_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_found_item")),
    )
    op.create_index(op.f("ix_found_item_found_at"), "found_item", ["found_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_found_item_found_at"), table_name="found_item")
    op.drop_table("found_item")
    op.drop_index(op.f("ix_section_assignment_waiter_id"), table_name="section_assignment")
    op.drop_table("section_assignment")
    op.drop_index(op.f("uq_table_closure_one_open_per_table"), table_name="table_closure")
    op.drop_table("table_closure")
    op.drop_index(op.f("uq_table_occupancy_one_party_per_table"), table_name="table_occupancy")
    op.drop_index(op.f("ix_table_occupancy_reset_at"), table_name="table_occupancy")
    op.drop_index(op.f("ix_table_occupancy_party_id"), table_name="table_occupancy")
    op.drop_table("table_occupancy")
    op.drop_index(op.f("ix_party_waiter_id"), table_name="party")
    op.drop_index(op.f("ix_party_stage"), table_name="party")
    op.drop_table("party")
