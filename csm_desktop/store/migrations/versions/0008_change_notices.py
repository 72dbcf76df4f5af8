"""change notices: a team server tells every open window which accounts changed

Issue 16 (team mode, "live"): when a teammate changes an account that is on someone's
screen, that window refreshes within seconds. On PostgreSQL every change to an account's
rows sends ``NOTIFY csm_desktop_changes`` with the ids of the accounts it touched (``*`` for
a change that may touch every account: a playbook, a feature name, or more ids than a notice
holds). Statement-level triggers with transition tables fire once per statement, not per
row (psycopg's executemany is still one statement per row: see docs/team_mode.md);
PostgreSQL delivers a transaction's notices only when it commits, and drops identical ones
within a transaction.

SQLite has no other windows to tell: the migration does nothing there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 03:00:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CHANNEL = "csm_desktop_changes"

# A notice's payload is capped at 8,000 bytes: past this many characters of ids it says "*".
MAX_IDS_TEXT = 7000

# Each table whose rows belong to one account: the query naming those accounts from the
# statement's changed rows (the transition table ``changed``).
ACCOUNT_OF = {
    "account": "SELECT id FROM changed",
    "contact": "SELECT account_id FROM changed",
    "kickoff": "SELECT account_id FROM changed",
    "kickoff_answer": ("SELECT k.account_id FROM changed c JOIN kickoff k ON k.id = c.kickoff_id"),
    "done_criterion": ("SELECT k.account_id FROM changed c JOIN kickoff k ON k.id = c.kickoff_id"),
    "account_milestone": "SELECT account_id FROM changed",
    "status_change": (
        "SELECT m.account_id FROM changed c JOIN account_milestone m ON m.id = c.milestone_id"
    ),
    "touchpoint": "SELECT account_id FROM changed",
    "account_ask": "SELECT account_id FROM changed",
    "feedback": "SELECT account_id FROM changed",
    "renewal": "SELECT account_id FROM changed",
    "advocacy": "SELECT account_id FROM changed",
    "account_event": "SELECT account_id FROM changed",
    "value_metric": "SELECT account_id FROM changed",
    "measurement": "SELECT v.account_id FROM changed c JOIN value_metric v ON v.id = c.metric_id",
    "usage_event": "SELECT account_id FROM changed",
}

# Shared rows a change of which may show on any account's page or line.
EVERY_ACCOUNT = (
    "playbook",
    "milestone_template",
    "playbook_step",
    "experiment",
    "variant",
    "role",
    "usage_feature",
    "feature",
)

FUNCTION = f"""
CREATE FUNCTION csm_desktop_notify_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    IF TG_NARGS = 0 THEN
        PERFORM pg_notify('{CHANNEL}', '*');
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT string_agg(DISTINCT x::text, '','') FROM (' || TG_ARGV[0] || ') AS s(x)'
        INTO ids;
    IF ids IS NOT NULL THEN
        IF length(ids) > {MAX_IDS_TEXT} THEN
            ids := '*';
        END IF;
        PERFORM pg_notify('{CHANNEL}', ids);
    END IF;
    RETURN NULL;
END
$$
"""


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for table, query in ACCOUNT_OF.items():
        # A trigger with a transition table handles one event: three per table.
        for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER csm_desktop_notify_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
                f"EXECUTE FUNCTION csm_desktop_notify_changes({_quoted(query)})"
            )
    for table in EVERY_ACCOUNT:
        op.execute(
            f"CREATE TRIGGER csm_desktop_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION csm_desktop_notify_changes()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION csm_desktop_notify_changes() CASCADE")
