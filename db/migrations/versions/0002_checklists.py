"""Checklists: runs, their items and ticks, escalations, and seating-gate overrides.

Revision ID: 0002_checklists
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_checklists"
down_revision: str | None = "0001_foundation"
branch_labels: str | None = None
depends_on: str | None = None


def _staff_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["staff.id"], name=op.f(f"fk_{table}_{column}_staff"))


def _period_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["service_period_id"],
        ["service_period.id"],
        name=op.f(f"fk_{table}_service_period_id_service_period"),
    )


def upgrade() -> None:
    op.create_table(
        "checklist_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title_en", sa.String(length=120), nullable=False),
        sa.Column("title_zh", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("service_period_id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("due_minutes_before_opening", sa.Integer(), nullable=True),
        sa.Column("due_minutes_after_closing", sa.Integer(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_tick_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _period_fk("checklist_run"),
        _staff_fk("checklist_run", "signed_by_id"),
        _staff_fk("checklist_run", "started_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_run")),
        sa.UniqueConstraint(
            "template_code",
            "service_date",
            "service_period_id",
            name="uq_checklist_run_template_day_service",
        ),
    )
    with op.batch_alter_table("checklist_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_run_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_checklist_run_service_date"), ["service_date"], unique=False
        )

    op.create_table(
        "seating_gate_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_period_id", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _staff_fk("seating_gate_override", "manager_id"),
        _staff_fk("seating_gate_override", "requested_by_id"),
        _period_fk("seating_gate_override"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seating_gate_override")),
        sa.UniqueConstraint(
            "service_date", "service_period_id", name="uq_seating_gate_override_day_service"
        ),
    )
    with op.batch_alter_table("seating_gate_override", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seating_gate_override_service_date"), ["service_date"], unique=False
        )

    op.create_table(
        "checklist_run_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("text_zh", sa.String(length=300), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("photo_on_fail", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["checklist_run.id"],
            name=op.f("fk_checklist_run_item_run_id_checklist_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_run_item")),
        sa.UniqueConstraint("run_id", "code", name="uq_checklist_run_item_run_code"),
    )
    with op.batch_alter_table("checklist_run_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_run_item_run_id"), ["run_id"], unique=False)

    op.create_table(
        "checklist_tick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("fail_action", sa.String(length=16), nullable=True),
        sa.Column("photo_path", sa.String(length=500), nullable=True),
        sa.Column("ticked_by_id", sa.Integer(), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaces_tick_id", sa.Integer(), nullable=True),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(result = 'fail' AND fail_action IN ('fixed', 'escalated')) "
            "OR (result <> 'fail' AND fail_action IS NULL)",
            name=op.f("ck_checklist_tick_fail_has_action"),
        ),
        sa.CheckConstraint(
            "result IN ('pass', 'fail', 'na')", name=op.f("ck_checklist_tick_result_known")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["checklist_run_item.id"],
            name=op.f("fk_checklist_tick_item_id_checklist_run_item"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_tick_id"],
            ["checklist_tick.id"],
            name=op.f("fk_checklist_tick_replaces_tick_id_checklist_tick"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["checklist_run.id"], name=op.f("fk_checklist_tick_run_id_checklist_run")
        ),
        _staff_fk("checklist_tick", "ticked_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_tick")),
    )
    with op.batch_alter_table("checklist_tick", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_tick_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checklist_tick_run_id"), ["run_id"], unique=False)

    op.create_table(
        "checklist_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("tick_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _staff_fk("checklist_escalation", "raised_by_id"),
        _staff_fk("checklist_escalation", "resolved_by_id"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["checklist_run.id"],
            name=op.f("fk_checklist_escalation_run_id_checklist_run"),
        ),
        sa.ForeignKeyConstraint(
            ["tick_id"],
            ["checklist_tick.id"],
            name=op.f("fk_checklist_escalation_tick_id_checklist_tick"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_escalation")),
        sa.UniqueConstraint("tick_id", name=op.f("uq_checklist_escalation_tick_id")),
    )
    with op.batch_alter_table("checklist_escalation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_escalation_run_id"), ["run_id"], unique=False
        )

    _protect_ticks()


# Ticks are the record of what was checked: a correction is a new tick, never an edit,
# for every client of the database and not only this app.
TICK_GUARD_PG = """
CREATE FUNCTION checklist_tick_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'checklist_tick is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER checklist_tick_no_update BEFORE UPDATE ON checklist_tick
    FOR EACH ROW EXECUTE FUNCTION checklist_tick_append_only();
CREATE TRIGGER checklist_tick_no_delete BEFORE DELETE ON checklist_tick
    FOR EACH ROW EXECUTE FUNCTION checklist_tick_append_only();
"""

TICK_GUARD_SQLITE = [
    """CREATE TRIGGER checklist_tick_no_update BEFORE UPDATE ON checklist_tick
    BEGIN SELECT RAISE(ABORT, 'checklist_tick is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER checklist_tick_no_delete BEFORE DELETE ON checklist_tick
    BEGIN SELECT RAISE(ABORT, 'checklist_tick is append-only: DELETE refused'); END""",
]


def _protect_ticks() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(TICK_GUARD_PG)
    else:
        for statement in TICK_GUARD_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION checklist_tick_append_only() CASCADE")
    else:
        op.execute("DROP TRIGGER checklist_tick_no_update")
        op.execute("DROP TRIGGER checklist_tick_no_delete")
    with op.batch_alter_table("checklist_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_escalation_run_id"))
    op.drop_table("checklist_escalation")
    with op.batch_alter_table("checklist_tick", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_tick_run_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_tick_item_id"))
    op.drop_table("checklist_tick")
    with op.batch_alter_table("checklist_run_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_run_item_run_id"))
    op.drop_table("checklist_run_item")
    with op.batch_alter_table("seating_gate_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seating_gate_override_service_date"))
    op.drop_table("seating_gate_override")
    with op.batch_alter_table("checklist_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_run_service_date"))
        batch_op.drop_index(batch_op.f("ix_checklist_run_kind"))
    op.drop_table("checklist_run")
