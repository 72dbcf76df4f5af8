"""account events: value metric changes in the account timeline

Value metrics are edited in the app (issue 11): adding, measuring, editing, deleting and
undoing one must show in the account's timeline, which so far held only status changes and
touchpoints. A touchpoint would be wrong (Today counts touchpoints as reaching the customer),
so these changes get a table of their own. Only a new table: old rows keep their meaning.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_event_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_event")),
    )
    op.create_index(op.f("ix_account_event_account_id"), "account_event", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_account_event_account_id"), table_name="account_event")
    op.drop_table("account_event")
