"""Course-by-course serving: course states, kitchen tickets, bumps, rushes, the waiter's marks.

Revision ID: 0006_serving
Revises: 0005_ordering
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_serving"
down_revision: str | None = "0005_ordering"
branch_labels: str | None = None
depends_on: str | None = None

# The roles are not limited by a CHECK constraint (0001_foundation): Role.KITCHEN needs no
# schema change.


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy of menu_item, a parent of order_line).
    op.add_column(
        "menu_item", sa.Column("hot", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "party_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fired_by_id", sa.Integer(), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("served_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('held', 'fired', 'ready', 'served')",
            name=op.f("ck_party_course_state_known"),
        ),
        _fk("party_course", "party_id", "party"),
        _fk("party_course", "course_id", "course"),
        _fk("party_course", "fired_by_id", "staff"),
        _fk("party_course", "served_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_course")),
        sa.UniqueConstraint("party_id", "course_id", name="uq_party_course_party_id_course_id"),
    )
    op.create_index(op.f("ix_party_course_party_id"), "party_course", ["party_id"])

    op.create_table(
        "station_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_course_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.Column("order_ref", sa.String(length=32), nullable=False),
        sa.Column("table_label", sa.String(length=64), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_by_id", sa.Integer(), nullable=False),
        sa.Column("rush", sa.Boolean(), nullable=False),
        sa.Column("rush_by", sa.String(length=80), nullable=False),
        sa.Column("rush_by_id", sa.Integer(), nullable=True),
        sa.Column("rush_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bumped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bumped_by_id", sa.Integer(), nullable=True),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("print_job_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("station_ticket", "party_course_id", "party_course"),
        _fk("station_ticket", "party_id", "party"),
        _fk("station_ticket", "fired_by_id", "staff"),
        _fk("station_ticket", "rush_by_id", "staff"),
        _fk("station_ticket", "bumped_by_id", "staff"),
        _fk("station_ticket", "print_job_id", "print_job"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_ticket")),
    )
    for column in ("party_course_id", "party_id", "station", "bumped_at"):
        op.create_index(op.f(f"ix_station_ticket_{column}"), "station_ticket", [column])

    op.create_table(
        "station_ticket_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_by_id", sa.Integer(), nullable=True),
        _fk("station_ticket_line", "ticket_id", "station_ticket"),
        _fk("station_ticket_line", "line_id", "order_line"),
        _fk("station_ticket_line", "ready_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_ticket_line")),
        sa.UniqueConstraint("line_id", name=op.f("uq_station_ticket_line_line_id")),
    )
    op.create_index(op.f("ix_station_ticket_line_ticket_id"), "station_ticket_line", ["ticket_id"])

    op.create_table(
        "station_timing",
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.Column("amber_seconds", sa.Integer(), nullable=False),
        sa.Column("red_seconds", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amber_seconds > 0 AND red_seconds > amber_seconds",
            name=op.f("ck_station_timing_in_order"),
        ),
        sa.PrimaryKeyConstraint("station", name=op.f("pk_station_timing")),
    )
    op.create_table(
        "kitchen_marker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kitchen_marker")),
    )
    # The one row every kitchen change counts up: there from the start, so no writer
    # ever has to insert it (two first writers would collide).
    op.execute("INSERT INTO kitchen_marker (id, value) VALUES (1, 0)")

    op.create_table(
        "table_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('refill', 'visit', 'high_chair')", name=op.f("ck_table_mark_kind_known")
        ),
        _fk("table_mark", "party_id", "party"),
        _fk("table_mark", "done_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_table_mark")),
    )
    op.create_index(op.f("ix_table_mark_party_id"), "table_mark", ["party_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_table_mark_party_id"), table_name="table_mark")
    op.drop_table("table_mark")
    op.drop_table("kitchen_marker")
    op.drop_table("station_timing")
    op.drop_index(op.f("ix_station_ticket_line_ticket_id"), table_name="station_ticket_line")
    op.drop_table("station_ticket_line")
    for column in ("party_course_id", "party_id", "station", "bumped_at"):
        op.drop_index(op.f(f"ix_station_ticket_{column}"), table_name="station_ticket")
    op.drop_table("station_ticket")
    op.drop_index(op.f("ix_party_course_party_id"), table_name="party_course")
    op.drop_table("party_course")
    with op.batch_alter_table("menu_item", schema=None) as batch_op:
        batch_op.drop_column("hot")
