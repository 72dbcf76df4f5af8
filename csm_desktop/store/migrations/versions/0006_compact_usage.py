"""compact usage rows: day numbers, feature ids, no rowid (issue 17, DESIGN §9 ≤ 60 B a row)

A usage row stored its day and feature as text three times (table, unique index, used-days
index): 125 bytes a row. Now the day is a day number (days since 1970-01-01), the feature an
id into the new ``usage_feature`` table, and on SQLite the table has no rowid: its primary
key (account, day, feature) is the only copy. Existing rows are converted in place, in one
statement each, inside the migration's transaction (the book was copied aside first).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 16:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "usage_feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_feature")),
        sa.UniqueConstraint("key", name=op.f("uq_usage_feature_key")),
    )
    op.execute("INSERT INTO usage_feature (key) SELECT DISTINCT feature FROM usage_event")
    if not sqlite:
        # PostgreSQL names a primary key's index schema-wide: free the name for the new table.
        op.execute("ALTER TABLE usage_event RENAME CONSTRAINT pk_usage_event TO pk_usage_event_old")
    _create_usage_table("usage_event_compact")
    day = (
        "CAST(julianday(e.day) - 2440587.5 AS INTEGER)" if sqlite else "(e.day - DATE '1970-01-01')"
    )
    op.execute(
        "INSERT INTO usage_event_compact (account_id, day, feature_id, count, active_users) "
        f"SELECT e.account_id, {day}, f.id, e.count, e.active_users "
        "FROM usage_event e JOIN usage_feature f ON f.key = e.feature"
    )
    op.drop_table("usage_event")
    op.rename_table("usage_event_compact", "usage_event")


def _create_usage_table(name: str) -> None:
    # Constraint names are those of the final table (usage_event), since it is renamed.
    op.create_table(
        name,
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("active_users", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name="fk_usage_event_account_id_account",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["feature_id"],
            ["usage_feature.id"],
            name="fk_usage_event_feature_id_usage_feature",
        ),
        sa.PrimaryKeyConstraint("account_id", "day", "feature_id", name="pk_usage_event"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.execute("ALTER TABLE usage_event RENAME CONSTRAINT pk_usage_event TO pk_usage_event_old")
    op.create_table(
        "usage_event_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("feature", sa.String(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("active_users", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name="fk_usage_event_account_id_account",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_usage_event"),
        sa.UniqueConstraint(
            "account_id", "day", "feature", name="uq_usage_event_account_id_day_feature"
        ),
    )
    day = "date(e.day + 2440587.5)" if sqlite else "(DATE '1970-01-01' + e.day)"
    op.execute(
        "INSERT INTO usage_event_text (account_id, day, feature, count, active_users) "
        f"SELECT e.account_id, {day}, f.key, e.count, e.active_users "
        "FROM usage_event e JOIN usage_feature f ON f.id = e.feature_id"
    )
    op.drop_table("usage_event")
    op.rename_table("usage_event_text", "usage_event")
    op.create_index(
        "ix_usage_event_used_days",
        "usage_event",
        ["account_id", "day", "feature", "count"],
        sqlite_where=sa.text("count > 0"),
    )
    op.drop_table("usage_feature")
