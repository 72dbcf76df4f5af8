"""The schema revisions this version of the app knows, readable without importing alembic.

Start-up compares the database's ``alembic_version`` with ``SCHEMA_HEAD``; alembic itself is
only imported when a migration is due (DESIGN §7). A test checks this list against the
migration scripts, so adding a migration without listing it here fails CI.
"""

SCHEMA_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
)
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
