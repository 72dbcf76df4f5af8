"""Optional row-level security (store/row_security.py) on the test cluster: a CSM reads the
whole team's book but writes only the accounts they own and what hangs off them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_team_book
from csm_desktop.store.row_security import row_level_security_off_sql, row_level_security_sql
from csm_desktop.store.server import data_role_grants

pytestmark = pytest.mark.postgresql


@pytest.fixture
def as_maya(team_book_url: str) -> Iterator[Engine]:
    """The demo book with row-level security on, and an engine signed in as ``maya_rls``,
    whom team_member names "Maya Chen" (owner of 16 of the 48 demo accounts). A role name
    of its own: roles are cluster-wide, shared by the tests of one process."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=dt.date(2026, 6, 30))
    admin = create_engine(team_book_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(
            "DO $$ BEGIN CREATE ROLE maya_rls LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ))  # fmt: skip
        for statement in [*data_role_grants("maya_rls"), *row_level_security_sql()]:
            connection.execute(text(statement))
        connection.execute(
            text("INSERT INTO team_member (role, name) VALUES ('maya_rls', 'Maya Chen')")
        )
    maya = create_engine(make_url(team_book_url).set(username="maya_rls"))
    yield maya
    maya.dispose()
    with admin.connect() as connection:
        for statement in row_level_security_off_sql():
            connection.execute(text(statement))
    admin.dispose()


def test_a_csm_reads_the_team_but_cannot_update_another_owners_account(as_maya: Engine) -> None:
    with as_maya.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM account")) == 48
        others = connection.execute(
            text("UPDATE account SET arr = 1 WHERE owner = 'Jonas Keller'")
        ).rowcount
        mine = connection.execute(text("UPDATE account SET arr = 1 WHERE owner = 'Maya Chen'"))
        assert (others, mine.rowcount) == (0, 16)
        milestones = connection.execute(text(
            "UPDATE account_milestone SET cue = 'x' WHERE account_id IN "
            "(SELECT id FROM account WHERE owner = 'Jonas Keller')"
        )).rowcount  # fmt: skip
        assert milestones == 0
        assert connection.scalar(text("SELECT count(*) FROM account WHERE arr = 1")) == 16


def test_a_csm_cannot_add_a_row_to_another_owners_account_or_give_theirs_away(
    as_maya: Engine,
) -> None:
    with pytest.raises(ProgrammingError, match="row-level security"), as_maya.begin() as c:
        c.execute(text(
            "INSERT INTO contact (account_id, name) SELECT id, 'Spy' FROM account "
            "WHERE owner = 'Jonas Keller' LIMIT 1"
        ))  # fmt: skip
    with pytest.raises(ProgrammingError, match="row-level security"), as_maya.begin() as c:
        c.execute(text("UPDATE account SET owner = 'Jonas Keller' WHERE owner = 'Maya Chen'"))
