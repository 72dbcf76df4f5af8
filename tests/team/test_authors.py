"""Who made a change on a team server (issue 16): the signed-in role's name.

Roles are cluster-wide, so each test makes its own with a random suffix.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from csm_desktop.store.models import Account
from csm_desktop.store.server import data_role_grants, open_server_database, upgrade_server


def _role(pg_url: str, base: str) -> str:
    role = f"{base}_{uuid.uuid4().hex[:8]}"
    owner = create_engine(pg_url)
    with owner.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        for statement in data_role_grants(role):
            connection.execute(text(statement))
    owner.dispose()
    return role


@pytest.mark.postgresql
def test_a_role_is_named_by_team_member_then_by_the_owner_it_spells_then_as_itself(
    pg_url: str,
) -> None:
    """maya_… is listed in team_member as Maya Chen; ravi_patel_<x> spells the owner
    "Ravi Patel <x>"; sam_… is neither and is shown as the role."""
    url = make_url(pg_url)
    upgrade_server(url)
    maya, ravi, sam = (_role(pg_url, base) for base in ("maya", "ravi_patel", "sam"))
    suffix = ravi.rsplit("_", 1)[1]
    owner = create_engine(url)
    with owner.begin() as connection:
        connection.execute(
            text("INSERT INTO team_member (role, name) VALUES (:r, 'Maya Chen')"), {"r": maya}
        )
    owner.dispose()
    names = []
    for role, account in ((maya, "A"), (ravi, "B"), (sam, "C")):
        database = open_server_database(url.set(username=role).render_as_string(False))
        try:
            with database.session() as session:
                session.add(Account(name=account, owner=f"Ravi Patel {suffix}"))
            with database.session() as session:
                names.append(
                    session.scalar(select(Account.changed_by).where(Account.name == account))
                )
        finally:
            database.close()
    assert names == ["Maya Chen", f"Ravi Patel {suffix}", sam]
