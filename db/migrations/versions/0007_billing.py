"""Billing: bills and their versions, splits, payments, house accounts, invoices.

Revision ID: 0007_billing
Revises: 0006_serving
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_billing"
down_revision: str | None = "0006_serving"
branch_labels: str | None = None
depends_on: str | None = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _settings() -> None:
    # Existing rows get the defaults: prices include tax, service after discounts, no 抹零.
    with op.batch_alter_table("restaurant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prices_include_tax", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "service_charge_after_discounts",
                sa.Boolean(),
                nullable=False,
                server_default=sa.true(),
            )
        )
        batch_op.add_column(
            sa.Column("cash_rounding", sa.String(length=8), nullable=False, server_default="none")
        )
        batch_op.create_check_constraint(
            op.f("ck_restaurant_cash_rounding_known"), "cash_rounding IN ('none', 'tenth', 'unit')"
        )
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_charge_bp", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_section_service_charge_range"),
            "service_charge_bp IS NULL OR (service_charge_bp >= 0 AND service_charge_bp <= 10000)",
        )


def upgrade() -> None:
    _settings()
    op.create_table(
        "bill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("made_for", sa.String(length=32), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("split", sa.Text(), nullable=False),
        sa.Column("total_minor", sa.Integer(), nullable=False),
        sa.Column("carried_minor", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("presented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("presented_by_id", sa.Integer(), nullable=True),
        sa.Column("copies", sa.Integer(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by_id", sa.Integer(), nullable=True),
        sa.Column("invoice_number", sa.Integer(), nullable=True),
        sa.Column("invoice_title", sa.String(length=120), nullable=False),
        sa.Column("invoice_tax_id", sa.String(length=32), nullable=False),
        sa.Column("invoice_email", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_bill_number_positive")),
        sa.CheckConstraint(
            "state IN ('current', 'superseded', 'settled')", name=op.f("ck_bill_state_known")
        ),
        sa.CheckConstraint("copies >= 0", name=op.f("ck_bill_copies_not_negative")),
        sa.CheckConstraint("carried_minor >= 0", name=op.f("ck_bill_carried_not_negative")),
        sa.CheckConstraint(
            "state <> 'settled' OR invoice_number IS NOT NULL",
            name=op.f("ck_bill_settled_has_invoice"),
        ),
        _fk("bill", "party_id", "party"),
        _fk("bill", "created_by_id", "staff"),
        _fk("bill", "presented_by_id", "staff"),
        _fk("bill", "settled_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill")),
        sa.UniqueConstraint("party_id", "number", name="uq_bill_party_id_number"),
        sa.UniqueConstraint("invoice_number", name=op.f("uq_bill_invoice_number")),
    )
    op.create_index(op.f("ix_bill_party_id"), "bill", ["party_id"])
    op.create_index(
        "uq_bill_one_live_per_party",
        "bill",
        ["party_id"],
        unique=True,
        sqlite_where=sa.text("state <> 'superseded'"),
        postgresql_where=sa.text("state <> 'superseded'"),
    )

    op.create_table(
        "bill_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_bill_part_number_positive")),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_bill_part_amount_not_negative")),
        _fk("bill_part", "bill_id", "bill"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_part")),
        sa.UniqueConstraint("bill_id", "number", name="uq_bill_part_bill_id_number"),
    )
    op.create_index(op.f("ix_bill_part_bill_id"), "bill_part", ["bill_id"])

    op.create_table(
        "discount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_discount_id", sa.String(length=40), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("percent_bp", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('percent', 'amount', 'comp', 'waive_service')",
            name=op.f("ck_discount_kind_known"),
        ),
        sa.CheckConstraint(
            "kind <> 'percent' OR (percent_bp >= 1 AND percent_bp <= 10000)",
            name=op.f("ck_discount_percent_in_range"),
        ),
        sa.CheckConstraint(
            "kind <> 'amount' OR (amount_minor >= 1 AND amount_minor <= 10000000)",
            name=op.f("ck_discount_amount_in_range"),
        ),
        sa.CheckConstraint(
            "kind <> 'comp' OR line_id IS NOT NULL", name=op.f("ck_discount_comp_on_a_line")
        ),
        _fk("discount", "party_id", "party"),
        _fk("discount", "line_id", "order_line"),
        _fk("discount", "given_by_id", "staff"),
        _fk("discount", "approved_by_id", "staff"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount")),
        sa.UniqueConstraint("client_discount_id", name=op.f("uq_discount_client_discount_id")),
    )
    op.create_index(op.f("ix_discount_party_id"), "discount", ["party_id"])

    op.create_table(
        "invoice_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_invoice_counter_single_row")),
        sa.CheckConstraint("next_number >= 1", name=op.f("ck_invoice_counter_next_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_counter")),
    )
    # The counter row is made by the first settlement (services.billing.invoices).

    op.create_table(
        "payment_method",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("counts_as_takings", sa.Boolean(), nullable=False),
        sa.Column("needs_reference", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('cash', 'card', 'wallet', 'account', 'other')",
            name=op.f("ck_payment_method_kind_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_method")),
        sa.UniqueConstraint("code", name=op.f("uq_payment_method_code")),
    )

    op.create_table(
        "house_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("limit_minor", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('company', 'room')", name=op.f("ck_house_account_kind_known")),
        sa.CheckConstraint("limit_minor >= 0", name=op.f("ck_house_account_limit_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house_account")),
        sa.UniqueConstraint("code", name=op.f("uq_house_account_code")),
    )

    op.create_table(
        "account_signer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("account_signer", "account_id", "house_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_signer")),
        sa.UniqueConstraint("account_id", "name", name="uq_account_signer_account_id"),
    )
    op.create_index(op.f("ix_account_signer_account_id"), "account_signer", ["account_id"])

    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_payment_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("method_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("tendered_minor", sa.Integer(), nullable=True),
        sa.Column("change_minor", sa.Integer(), nullable=False),
        sa.Column("tip_minor", sa.Integer(), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("approval_code", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("taken_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refund_of_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint("kind IN ('payment', 'refund')", name=op.f("ck_payment_kind_known")),
        sa.CheckConstraint(
            "amount_minor >= 1 AND amount_minor <= 10000000",
            name=op.f("ck_payment_amount_in_range"),
        ),
        sa.CheckConstraint("change_minor >= 0", name=op.f("ck_payment_change_not_negative")),
        sa.CheckConstraint("tip_minor >= 0", name=op.f("ck_payment_tip_not_negative")),
        sa.CheckConstraint(
            "kind <> 'refund' OR refund_of_id IS NOT NULL",
            name=op.f("ck_payment_refund_of_payment"),
        ),
        _fk("payment", "party_id", "party"),
        _fk("payment", "bill_id", "bill"),
        _fk("payment", "part_id", "bill_part"),
        _fk("payment", "method_id", "payment_method"),
        _fk("payment", "account_id", "house_account"),
        _fk("payment", "signer_id", "account_signer"),
        _fk("payment", "taken_by_id", "staff"),
        _fk("payment", "approved_by_id", "staff"),
        _fk("payment", "refund_of_id", "payment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("client_payment_id", name=op.f("uq_payment_client_payment_id")),
    )
    op.create_index(op.f("ix_payment_party_id"), "payment", ["party_id"])
    op.create_index(op.f("ix_payment_bill_id"), "payment", ["bill_id"])
    op.create_index(op.f("ix_payment_part_id"), "payment", ["part_id"])
    op.create_index(op.f("ix_payment_taken_at"), "payment", ["taken_at"])


def downgrade() -> None:
    op.drop_table("payment")
    op.drop_table("account_signer")
    op.drop_table("house_account")
    op.drop_table("payment_method")
    op.drop_table("invoice_counter")
    op.drop_table("discount")
    op.drop_table("bill_part")
    op.drop_index("uq_bill_one_live_per_party", table_name="bill")
    op.drop_table("bill")
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_section_service_charge_range"), type_="check")
        batch_op.drop_column("service_charge_bp")
    with op.batch_alter_table("restaurant", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_restaurant_cash_rounding_known"), type_="check")
        batch_op.drop_column("cash_rounding")
        batch_op.drop_column("service_charge_after_discounts")
        batch_op.drop_column("prices_include_tax")
