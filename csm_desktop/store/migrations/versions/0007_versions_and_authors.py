"""versions and authors: no lost updates, and every change says who made it

Issue 16 (team mode): two CSMs may edit the same account, milestone, kickoff or value
metric at once. Each of those rows gets a ``version`` (SQLAlchemy's ``version_id_col``: an
update only lands on the version it read), and ``changed_by`` / ``changed_at`` (UTC) naming
the last change, so a refused save can say "changed by Maya Chen at 14:02". Existing rows
start at version 1 with no author. ``account_event`` (value-metric lines of the timeline)
gets ``changed_by`` like ``status_change`` already has, and ``team_member`` maps a server's
database roles to the names people read.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

VERSIONED = ("account", "account_milestone", "kickoff", "value_metric")


# Plain ADD/DROP COLUMN (no batch): SQLite does both in place. A batch would rebuild the
# table, and dropping the old ``account`` table would cascade to every row that hangs off it.


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        op.add_column(table, sa.Column("changed_by", sa.String(), nullable=True))
        op.add_column(table, sa.Column("changed_at", sa.DateTime(), nullable=True))
    op.add_column("account_event", sa.Column("changed_by", sa.String(), nullable=True))
    op.create_table(
        "team_member",
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_team_member")),
    )


def downgrade() -> None:
    op.drop_table("team_member")
    op.drop_column("account_event", "changed_by")
    for table in reversed(VERSIONED):
        for column in ("changed_at", "changed_by", "version"):
            op.drop_column(table, column)
