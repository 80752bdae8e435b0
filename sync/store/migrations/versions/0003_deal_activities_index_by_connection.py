"""deal_activities: index (connection, activity_id) instead of (activity_id)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 17:10:00.000000

Every query that finds links by activity also names the connection (``connection = ? AND
activity_id IN (...)``: the mirror's link deletes; the prospecting "linked" test).  SQLite's
planner never used the one-column index for them: it picked the primary key's
``(connection, ...)`` prefix and scanned every link of the connection per statement, which
made a ``--full`` resync quadratic (a 10k-deal resync spent ~15 % of its time there).  An
index on both columns is the one both backends use, and it replaces the old one (inserts
keep maintaining one index besides the primary key).
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deal_activities_activity", "deal_activities", ["connection", "activity_id"])
    op.drop_index("ix_deal_activities_activity_id", table_name="deal_activities")


def downgrade() -> None:
    op.create_index(
        "ix_deal_activities_activity_id", "deal_activities", ["activity_id"], unique=False
    )
    op.drop_index("ix_deal_activities_activity", table_name="deal_activities")
