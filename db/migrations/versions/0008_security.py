"""Security: approval attempts, the sent-line guard on every column, hash chains.

Revision ID: 0008_security
Revises: 0007_billing
"""

from __future__ import annotations

revision: str = "0008_security"
down_revision: str | None = "0007_billing"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
