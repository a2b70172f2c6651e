"""Foundation: settings, staff, floor, menu and the append-only audit log.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-28 19:40:59.404237
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
        sa.UniqueConstraint("code", name=op.f("uq_course_code")),
    )
    op.create_table(
        "menu_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_category")),
        sa.UniqueConstraint("code", name=op.f("uq_menu_category_code")),
    )
    op.create_table(
        "modifier_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("min_choices", sa.Integer(), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "max_choices >= min_choices AND max_choices >= 1",
            name=op.f("ck_modifier_group_max_fits_min"),
        ),
        sa.CheckConstraint("min_choices >= 0", name=op.f("ck_modifier_group_min_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modifier_group")),
        sa.UniqueConstraint("code", name=op.f("uq_modifier_group_code")),
    )
    op.create_table(
        "restaurant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("currency_exponent", sa.Integer(), nullable=False),
        sa.Column("tax_rate_bp", sa.Integer(), nullable=False),
        sa.Column("service_charge_bp", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("pin_max_attempts", sa.Integer(), nullable=False),
        sa.Column("pin_lockout_seconds", sa.Integer(), nullable=False),
        sa.Column("idle_logout_seconds", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_restaurant_single_row")),
        sa.CheckConstraint(
            "service_charge_bp >= 0 AND service_charge_bp <= 10000",
            name=op.f("ck_restaurant_service_charge_range"),
        ),
        sa.CheckConstraint(
            "tax_rate_bp >= 0 AND tax_rate_bp <= 10000",
            name=op.f("ck_restaurant_tax_rate_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restaurant")),
    )
    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section")),
        sa.UniqueConstraint("code", name=op.f("uq_section_code")),
    )
    op.create_table(
        "service_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_period")),
        sa.UniqueConstraint("code", name=op.f("uq_service_period_code")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_pin_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("number", name=op.f("uq_staff_number")),
    )
    op.create_table(
        "audit_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=40), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff.id"], name=op.f("fk_audit_event_actor_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["approver_id"], ["staff.id"], name=op.f("fk_audit_event_approver_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)

    op.create_table(
        "dining_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("shape", sa.String(length=8), nullable=False),
        sa.Column("x", sa.Integer(), nullable=False),
        sa.Column("y", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "shape IN ('round', 'square', 'rect')",
            name=op.f("ck_dining_table_shape_known"),
        ),
        sa.CheckConstraint("seats > 0", name=op.f("ck_dining_table_seats_positive")),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["section.id"],
            name=op.f("fk_dining_table_section_id_section"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dining_table")),
        sa.UniqueConstraint("number", name=op.f("uq_dining_table_number")),
    )
    with op.batch_alter_table("dining_table", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dining_table_section_id"), ["section_id"], unique=False
        )

    op.create_table(
        "menu_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("price_minor", sa.Integer(), nullable=False),
        sa.Column("allergens", sa.String(length=200), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("price_minor >= 0", name=op.f("ck_menu_item_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["menu_category.id"],
            name=op.f("fk_menu_item_category_id_menu_category"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_menu_item_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_item")),
        sa.UniqueConstraint("code", name=op.f("uq_menu_item_code")),
    )
    with op.batch_alter_table("menu_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_menu_item_category_id"), ["category_id"], unique=False)

    op.create_table(
        "modifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("price_delta_minor", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["modifier_group.id"],
            name=op.f("fk_modifier_group_id_modifier_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_modifier")),
        sa.UniqueConstraint("group_id", "code", name="uq_modifier_group_id_code"),
    )
    with op.batch_alter_table("modifier", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_modifier_group_id"), ["group_id"], unique=False)

    op.create_table(
        "staff_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_role_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_role")),
        sa.UniqueConstraint("staff_id", "role", name="uq_staff_role_staff_role"),
    )
    with op.batch_alter_table("staff_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_role_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "menu_item_modifier_group",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["modifier_group.id"],
            name=op.f("fk_menu_item_modifier_group_group_id_modifier_group"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["menu_item.id"],
            name=op.f("fk_menu_item_modifier_group_item_id_menu_item"),
        ),
        sa.PrimaryKeyConstraint("item_id", "group_id", name=op.f("pk_menu_item_modifier_group")),
    )

    _protect_audit_log()


AUDIT_GUARD_PG = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""

AUDIT_GUARD_SQLITE = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END""",
]


def _protect_audit_log() -> None:
    """Triggers make the audit log append-only for every client, not just this app."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_GUARD_PG)
    else:
        for statement in AUDIT_GUARD_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_event_append_only() CASCADE")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
    op.drop_table("menu_item_modifier_group")
    with op.batch_alter_table("staff_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_role_staff_id"))

    op.drop_table("staff_role")
    with op.batch_alter_table("modifier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_modifier_group_id"))

    op.drop_table("modifier")
    with op.batch_alter_table("menu_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_menu_item_category_id"))

    op.drop_table("menu_item")
    with op.batch_alter_table("dining_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dining_table_section_id"))

    op.drop_table("dining_table")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("staff")
    op.drop_table("service_period")
    op.drop_table("section")
    op.drop_table("restaurant")
    op.drop_table("modifier_group")
    op.drop_table("menu_category")
    op.drop_table("course")
