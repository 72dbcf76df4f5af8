"""index the days an account used a feature (usage rows with a count > 0)

Every usage metric of DESIGN §3 asks about counts > 0 in a window of days of one account
(health, adoption after unlock, repeat usage). A partial index on exactly those rows,
holding (account, day, feature, count), answers each window with an index seek that never
touches the table, which keeps portfolio metrics over millions of rows within the §7 target.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_event_used_days",
            ["account_id", "day", "feature", "count"],
            unique=False,
            sqlite_where=sa.text("count > 0"),
            postgresql_where=sa.text("count > 0"),
        )


def downgrade() -> None:
    with op.batch_alter_table("usage_event", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_event_used_days")
