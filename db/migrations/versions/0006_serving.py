"""Course-by-course serving: course states, kitchen tickets, bumps, rushes, the waiter's marks.

Revision ID: 0006_serving
Revises: 0005_ordering
"""

from __future__ import annotations

revision: str = "0006_serving"
down_revision: str | None = "0005_ordering"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
