"""change notices for book settings and teammates' display names

Migration 0008 announced every row an account's page or line shows, but not the book's
settings (auto-confirm, the feature aliases, …) nor the names shown for teammates'
database roles: a teammate changing either was seen only at the next whole read. Both may
show on any account, so a change announces ``*`` (every account), as a playbook change does.

SQLite has no other windows to tell: the migration does nothing there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("setting", "team_member")


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER csm_desktop_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION csm_desktop_notify_changes()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER csm_desktop_notify ON {table}")
