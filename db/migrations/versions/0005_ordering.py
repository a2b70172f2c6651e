"""Ordering: order lines and sends, and the triggers that keep a sent line from being erased.

Revision ID: 0005_ordering
Revises: 0004_printing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_ordering"
# A merge point: lines hang on parties (seating) and sends queue print jobs (printing).
down_revision: str | None = "0004_printing"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "order_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_send_id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("rush", sa.Boolean(), nullable=False),
        sa.Column("table_label", sa.String(length=64), nullable=False),
        sa.Column("guests", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_order_send_number_positive")),
        _fk("order_send", "party_id", "party"),
        _fk("order_send", "sent_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_send")),
        sa.UniqueConstraint("client_send_id", name=op.f("uq_order_send_client_send_id")),
        sa.UniqueConstraint("party_id", "number", name="uq_order_send_party_id_number"),
    )
    op.create_index(op.f("ix_order_send_party_id"), "order_send", ["party_id"])

    op.create_table(
        "order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_line_id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("station", sa.String(length=32), nullable=False),
        sa.Column("unit_price_minor", sa.Integer(), nullable=False),
        sa.Column("modifiers", sa.Text(), nullable=False),
        sa.Column("allergens", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("send_id", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_approved_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=False),
        sa.Column("client_void_id", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "quantity >= 1 AND quantity <= 99", name=op.f("ck_order_line_quantity_in_range")
        ),
        sa.CheckConstraint("seat IS NULL OR seat >= 1", name=op.f("ck_order_line_seat_positive")),
        sa.CheckConstraint("unit_price_minor >= 0", name=op.f("ck_order_line_price_not_negative")),
        sa.CheckConstraint(
            "voided_at IS NULL OR send_id IS NOT NULL", name=op.f("ck_order_line_void_only_sent")
        ),
        sa.CheckConstraint(
            "voided_at IS NULL OR (voided_by_id IS NOT NULL AND void_approved_by_id IS NOT NULL)",
            name=op.f("ck_order_line_void_signed"),
        ),
        _fk("order_line", "party_id", "party"),
        _fk("order_line", "item_id", "menu_item"),
        _fk("order_line", "course_id", "course"),
        _fk("order_line", "added_by_id", "staff"),
        _fk("order_line", "send_id", "order_send"),
        _fk("order_line", "voided_by_id", "staff"),
        _fk("order_line", "void_approved_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_line")),
        sa.UniqueConstraint("client_line_id", name=op.f("uq_order_line_client_line_id")),
        sa.UniqueConstraint("client_void_id", name=op.f("uq_order_line_client_void_id")),
    )
    op.create_index(op.f("ix_order_line_party_id"), "order_line", ["party_id"])
    op.create_index(op.f("ix_order_line_send_id"), "order_line", ["send_id"])

    _protect_sent_lines()


# 第7条 ⑤: a sent line is never erased. It may only be voided, once: everything the kitchen
# was told stays as it was. The app never tries otherwise; these guard every other client
# of the database too (a console, a script, a future bug).
SENT_LINE_GUARD_PG = """
CREATE FUNCTION order_line_keep_sent() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.send_id IS NOT NULL THEN
            RAISE EXCEPTION 'order_line %: a sent line is never deleted; void it', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.send_id IS NOT NULL AND (
        NEW.send_id IS DISTINCT FROM OLD.send_id
        OR NEW.party_id IS DISTINCT FROM OLD.party_id
        OR NEW.item_id IS DISTINCT FROM OLD.item_id
        OR NEW.course_id IS DISTINCT FROM OLD.course_id
        OR NEW.seat IS DISTINCT FROM OLD.seat
        OR NEW.quantity IS DISTINCT FROM OLD.quantity
        OR NEW.name_en IS DISTINCT FROM OLD.name_en
        OR NEW.name_zh IS DISTINCT FROM OLD.name_zh
        OR NEW.station IS DISTINCT FROM OLD.station
        OR NEW.unit_price_minor IS DISTINCT FROM OLD.unit_price_minor
        OR NEW.modifiers IS DISTINCT FROM OLD.modifiers
        OR NEW.note IS DISTINCT FROM OLD.note
        OR NEW.allergens IS DISTINCT FROM OLD.allergens
        OR NEW.added_at IS DISTINCT FROM OLD.added_at
        OR NEW.added_by_id IS DISTINCT FROM OLD.added_by_id
        OR NEW.client_line_id IS DISTINCT FROM OLD.client_line_id
        OR (OLD.voided_at IS NOT NULL AND (
            NEW.voided_at IS DISTINCT FROM OLD.voided_at
            OR NEW.voided_by_id IS DISTINCT FROM OLD.voided_by_id
            OR NEW.void_approved_by_id IS DISTINCT FROM OLD.void_approved_by_id
            OR NEW.void_reason IS DISTINCT FROM OLD.void_reason
            OR NEW.client_void_id IS DISTINCT FROM OLD.client_void_id))
    ) THEN
        RAISE EXCEPTION 'order_line %: a sent line is never rewritten; void it', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER order_line_sent_no_delete BEFORE DELETE ON order_line
    FOR EACH ROW EXECUTE FUNCTION order_line_keep_sent();
CREATE TRIGGER order_line_sent_no_rewrite BEFORE UPDATE ON order_line
    FOR EACH ROW EXECUTE FUNCTION order_line_keep_sent();
CREATE FUNCTION order_line_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'order_line: sent lines are never erased; TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER order_line_no_truncate BEFORE TRUNCATE ON order_line
    FOR EACH STATEMENT EXECUTE FUNCTION order_line_no_truncate();
"""

SENT_LINE_GUARD_SQLITE = [
    """CREATE TRIGGER order_line_sent_no_delete BEFORE DELETE ON order_line
    WHEN OLD.send_id IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'order_line: a sent line is never deleted; void it'); END""",
    """CREATE TRIGGER order_line_sent_no_rewrite BEFORE UPDATE ON order_line
    WHEN OLD.send_id IS NOT NULL AND (
        NEW.send_id IS NOT OLD.send_id
        OR NEW.party_id IS NOT OLD.party_id
        OR NEW.item_id IS NOT OLD.item_id
        OR NEW.course_id IS NOT OLD.course_id
        OR NEW.seat IS NOT OLD.seat
        OR NEW.quantity IS NOT OLD.quantity
        OR NEW.name_en IS NOT OLD.name_en
        OR NEW.name_zh IS NOT OLD.name_zh
        OR NEW.station IS NOT OLD.station
        OR NEW.unit_price_minor IS NOT OLD.unit_price_minor
        OR NEW.modifiers IS NOT OLD.modifiers
        OR NEW.note IS NOT OLD.note
        OR NEW.allergens IS NOT OLD.allergens
        OR NEW.added_at IS NOT OLD.added_at
        OR NEW.added_by_id IS NOT OLD.added_by_id
        OR NEW.client_line_id IS NOT OLD.client_line_id
        OR (OLD.voided_at IS NOT NULL AND (
            NEW.voided_at IS NOT OLD.voided_at
            OR NEW.voided_by_id IS NOT OLD.voided_by_id
            OR NEW.void_approved_by_id IS NOT OLD.void_approved_by_id
            OR NEW.void_reason IS NOT OLD.void_reason
            OR NEW.client_void_id IS NOT OLD.client_void_id)))
    BEGIN SELECT RAISE(ABORT, 'order_line: a sent line is never rewritten; void it'); END""",
]


def _protect_sent_lines() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SENT_LINE_GUARD_PG)
    else:
        for statement in SENT_LINE_GUARD_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION order_line_keep_sent() CASCADE")
        op.execute("DROP FUNCTION order_line_no_truncate() CASCADE")
    else:
        op.execute("DROP TRIGGER order_line_sent_no_delete")
        op.execute("DROP TRIGGER order_line_sent_no_rewrite")
    op.drop_index(op.f("ix_order_line_send_id"), table_name="order_line")
    op.drop_index(op.f("ix_order_line_party_id"), table_name="order_line")
    op.drop_table("order_line")
    op.drop_index(op.f("ix_order_send_party_id"), table_name="order_send")
    op.drop_table("order_send")
