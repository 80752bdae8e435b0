"""decided: each open deal's last rendered write-back, kept for runs that change nothing

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 22:40:00.000000

Every run decides every open deal, though on a scheduled run almost none changed: a
10,000-deal org's idle run spent half its time deciding and rendering the same write-backs
again.  A run now keeps each deal's rendered write-back with the key of what it was made
from (rules, deal, the time class of ``now``) and the next run uses it when the key is the
same.  The table starts empty: the first run after the upgrade decides every deal, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decided",
        sa.Column("connection", sa.String(length=64), nullable=False),
        sa.Column("deal_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("parked", sa.Boolean(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("connection", "deal_id"),
    )


def downgrade() -> None:
    op.drop_table("decided")
