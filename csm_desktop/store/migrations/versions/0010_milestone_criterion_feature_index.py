"""index the features milestones' success criteria name

Every QBR, Today reading and usage import reads the book's feature vocabulary, which
includes each feature a milestone's criterion names: a DISTINCT over every milestone row
(600,000 in a 50,000-account book: 0.13-0.28 s each time). An index on the criterion's
feature, holding only the milestones that have one, lets the store jump from one feature to
the next (``store.queries.features.criterion_features``): a few index seeks.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_milestone", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_milestone_success_feature",
            ["success_feature"],
            unique=False,
            sqlite_where=sa.text("success_feature IS NOT NULL"),
            postgresql_where=sa.text("success_feature IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("account_milestone", schema=None) as batch_op:
        batch_op.drop_index("ix_account_milestone_success_feature")
