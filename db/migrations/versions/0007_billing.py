"""Billing: bills and their versions, splits, payments, house accounts, invoices.

Revision ID: 0007_billing
Revises: 0006_serving
"""

from __future__ import annotations

revision: str = "0007_billing"
down_revision: str | None = "0006_serving"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
