"""second round: feature vocabulary, value money, re-plan, risks and asks, feedback, renewals

DESIGN §9 adds meanings the first schema had no place for: a feature vocabulary (key,
display name, aliases), money per unit of a value metric, a re-planned date that keeps the
original due date, risks and asks for the customer, the customer's feedback, renewal
outcomes and advocacy, experiment variants that change more than the order, and who made a
status change. Every change only adds tables or nullable/defaulted columns, so SQLite adds
the columns in place (no table copy) and old rows keep their meaning.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NEW_TABLES = ("feedback", "account_ask", "renewal", "advocacy", "feature")


def upgrade() -> None:
    op.create_table(
        "feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature")),
        sa.UniqueConstraint("key", name=op.f("uq_feature_key")),
    )
    op.create_table(
        "advocacy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_advocacy_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advocacy")),
    )
    op.create_index(op.f("ix_advocacy_account_id"), "advocacy", ["account_id"])
    op.create_table(
        "renewal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("renewal_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("arr_before", sa.Float(), nullable=True),
        sa.Column("arr_after", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_renewal_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renewal")),
        sa.UniqueConstraint(
            "account_id", "renewal_on", name=op.f("uq_renewal_account_id_renewal_on")
        ),
    )
    op.create_table(
        "account_ask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_account_ask_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["account_milestone.id"],
            name=op.f("fk_account_ask_milestone_id_account_milestone"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_ask")),
    )
    op.create_index(op.f("ix_account_ask_account_id"), "account_ask", ["account_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("sentiment", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quotable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_feedback_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_feedback_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["account_milestone.id"],
            name=op.f("fk_feedback_milestone_id_account_milestone"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_account_id"), "feedback", ["account_id"])

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_path", sa.String(), nullable=True))
    with op.batch_alter_table("account_milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replanned_on", sa.Date(), nullable=True))
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_by", sa.String(), nullable=True))
    with op.batch_alter_table("value_metric", schema=None) as batch_op:
        batch_op.add_column(sa.Column("money_per_unit", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("rate_per", sa.String(length=8), nullable=True))
    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="order", nullable=False)
        )
        batch_op.add_column(sa.Column("change", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("variant", schema=None) as batch_op:
        batch_op.drop_column("change")
        batch_op.drop_column("kind")
    with op.batch_alter_table("value_metric", schema=None) as batch_op:
        batch_op.drop_column("rate_per")
        batch_op.drop_column("money_per_unit")
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_column("changed_by")
    with op.batch_alter_table("account_milestone", schema=None) as batch_op:
        batch_op.drop_column("replanned_on")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("logo_path")
    for table in _NEW_TABLES:
        op.drop_table(table)
