"""experiment read date: when the results of an experiment are planned to be read

Issue 18: before starting an experiment the app advises how many accounts each arm needs and
warns against reading the results before the planned date (no peeking: stopping on a lucky
streak makes chance look like a result). The planned date is the CSM's own commitment, so it
is stored. Only a new nullable column: old experiments simply have no planned date.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 15:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("experiment") as batch:
        batch.add_column(sa.Column("read_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("experiment") as batch:
        batch.drop_column("read_on")
