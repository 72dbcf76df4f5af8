"""Optional row-level security on a team server: a CSM writes only the accounts they own,
and what hangs off them, while reading the whole team's book.

``row_level_security_sql()`` prints the SQL the schema owner runs once (and again after an
upgrade that adds a table; docs/team_mode.md). Who "I" am is ``csm_name()``: the signed-in
role's name in ``team_member`` (the same table that names who made a change), else the
role itself. An account is mine when its owner is my name; a row of a table that hangs off
the accounts (a milestone, a contact, a usage row, a kickoff answer…) is mine when the row
it hangs from is, following one non-empty foreign key up to the account. Every table keeps
a policy that lets everyone read every row. The schema owner (and a superuser) is not bound
by the policies: imports of the whole team's usage run as them, or as a role given
``BYPASSRLS``.
"""

from __future__ import annotations

from sqlalchemy import Table

from csm_desktop.store.models import Base

CSM_NAME_FUNCTION = (
    "CREATE OR REPLACE FUNCTION csm_name() RETURNS text LANGUAGE sql STABLE AS $$ "
    "SELECT coalesce((SELECT name FROM team_member WHERE role = current_user::text), "
    "current_user::text) $$"
)


def _mine(table: Table, mine: dict[str, str]) -> str | None:
    """The condition that a row of ``table`` is mine, or None when it hangs off no account."""
    if table.name == "account":
        return "owner = csm_name()"
    keys = sorted(
        (key for key in table.foreign_keys if key.column.table.name in mine),
        key=lambda key: (key.parent.nullable, key.column.table.name != "account"),
    )
    if not keys or keys[0].parent.nullable:
        return None
    key = keys[0]
    parent = key.column.table.name
    return (
        f'"{key.parent.name}" IN (SELECT "{key.column.name}" FROM "{parent}" WHERE {mine[parent]})'
    )


def _conditions() -> dict[str, str]:
    """Each table hanging off the accounts, parents first, with its "mine" condition."""
    mine: dict[str, str] = {}
    for table in Base.metadata.sorted_tables:
        condition = _mine(table, mine)
        if condition is not None:
            mine[table.name] = condition
    return mine


def row_level_security_sql() -> list[str]:
    """The statements that turn row-level security on (run by the schema owner)."""
    statements = [CSM_NAME_FUNCTION]
    for table, condition in _conditions().items():
        name = f'"{table}"'
        statements += [
            f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS team_reads ON {name}",
            f"CREATE POLICY team_reads ON {name} FOR SELECT USING (true)",
            f"DROP POLICY IF EXISTS owner_writes ON {name}",
            f"CREATE POLICY owner_writes ON {name} FOR ALL USING ({condition}) "
            f"WITH CHECK ({condition})",
        ]
    return statements


def row_level_security_off_sql() -> list[str]:
    """The statements that turn it off again (every CSM writes every account)."""
    return [f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY' for table in _conditions()]
