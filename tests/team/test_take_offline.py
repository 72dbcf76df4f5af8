"""``csm-desktop take-offline``: one owner's accounts from the team server into a read-only
book file, for a flight.

Against the real test cluster, on the demo book made there (48 accounts: 40 in their first
year, owner i mod 3 of Maya Chen, Jonas Keller, Priya Raman, so Maya has 14 of them, and 8 of
last year's cohort, 2 of them hers: 16).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csm_desktop.errors import DatabaseReadOnly
from csm_desktop.services.opening import open_book_for_reading, open_for_window, open_team_book
from csm_desktop.store.models import Account, UsageEvent
from csm_desktop.store.transfer import row_counts

pytestmark = pytest.mark.postgresql
TODAY = "2026-06-30"
MAYA = "Maya Chen"
# Rows that hang on accounts; every other table is shared and copied whole.
PER_ACCOUNT = {"account", "account_event", "account_milestone", "advocacy", "contact",
               "kickoff", "renewal", "usage_event", "value_metric", "account_ask",
               "done_criterion", "feedback", "kickoff_answer", "measurement",
               "status_change", "touchpoint"}  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def team_demo(pg_cluster: object, pg_book_template: str) -> Iterator[str]:
    """The demo book on the server, made once: taking it offline only reads it."""
    from tests.conftest import _pg_database

    with _pg_database(pg_cluster, pg_book_template) as url:
        made = run("demo", "--db", url, "--today", TODAY)
        assert made.returncode == 0, made.stderr
        yield url


def test_the_copy_holds_the_owners_accounts_and_every_shared_row_and_gives_their_metrics(
    team_demo: str, tmp_path: Path
) -> None:
    """16 accounts, all Maya's; every shared table as on the server; usage rows as many as
    the server holds for her accounts; her portfolio metrics on the server (--owner) equal
    the copy's, number for number."""
    target = tmp_path / "flight.sqlite3"
    done = run("take-offline", "--db", team_demo, "--owner", MAYA, "-o", str(target))
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    with open_team_book(team_demo) as team, team.engine.connect() as connection:
        server = row_counts(connection)
        mine = connection.scalar(
            select(func.count())
            .select_from(UsageEvent)
            .join(Account, Account.id == UsageEvent.account_id)
            .where(Account.owner == MAYA)
        )
    with open_book_for_reading(target) as copy, copy.engine.connect() as connection:
        copied = row_counts(connection)
        owners = connection.scalars(select(Account.owner).distinct()).all()
    assert copied["account"] == 16
    assert owners == [MAYA]
    assert copied["usage_event"] == mine > 0
    for table, count in server.items():
        if table == "advocacy":  # Maya's Lakeside Veterinary gave 1 of the demo's 5
            assert (copied[table], count) == (1, 5)
        elif table in PER_ACCOUNT:
            assert 0 < copied[table] <= count or count == 0, table
        else:
            assert copied[table] == count + (table == "setting"), table  # + the mark
    assert done.stdout.splitlines() == [  # rows copied: the mark is not one of them
        f"Wrote {target}: 16 accounts of {MAYA}, {mine:,} usage rows "
        f"({sum(copied.values()) - 1:,} rows in all). It opens read-only: make changes on the "
        "team server."
    ]
    metrics = ["metrics", "--today", TODAY, "--json"]
    on_server = run(*metrics, "--owner", MAYA, "--db", team_demo)
    on_copy = run(*metrics, "--db", str(target))
    assert on_server.returncode == on_copy.returncode == 0, on_copy.stderr
    assert json.loads(on_copy.stdout) == json.loads(on_server.stdout)


def test_the_copy_opens_read_only_saying_why(team_demo: str, tmp_path: Path) -> None:
    """A writing command is refused in one line, exit 2; a window opening it for writing
    gets DatabaseReadOnly (the app then opens it read-only with the reason in its banner),
    and read-only it opens."""
    target = tmp_path / "flight.sqlite3"
    assert (
        run("take-offline", "--db", team_demo, "--owner", MAYA, "-o", str(target)).returncode == 0
    )
    before = target.read_bytes()
    refused = run("features", "set", "login", "--name", "Sign in", "--db", str(target))
    assert refused.returncode == 2
    (line,) = refused.stderr.splitlines()
    assert line.startswith(f"error: flight.sqlite3 is {MAYA}'s accounts taken off the team ")
    assert line.endswith(
        ": it opens read-only, since changes made in it would never reach the team server. "
        "Make them on the team book."
    )
    with pytest.raises(DatabaseReadOnly):
        open_for_window(target)
    opened = open_for_window(target, read_only=True)
    assert opened.database.read_only and opened.lock is None
    opened.database.close()
    assert target.read_bytes() == before


def test_an_unknown_owner_or_an_existing_file_is_refused_and_writes_nothing(
    team_demo: str, tmp_path: Path
) -> None:
    target = tmp_path / "flight.sqlite3"
    unknown = run("take-offline", "--db", team_demo, "--owner", "Nobody", "-o", str(target))
    assert unknown.returncode == 2
    assert unknown.stderr == (
        f"error: No account on {team_demo} is owned by 'Nobody'. "
        "Owners: Jonas Keller, Maya Chen, Priya Raman.\n"
    )
    assert list(tmp_path.iterdir()) == []
    target.write_text("mine")
    taken = run("take-offline", "--db", team_demo, "--owner", MAYA, "-o", str(target))
    assert taken.returncode == 2
    assert taken.stderr == (
        f"error: {target} already exists: take-offline writes a new book file.\n"
    )
    assert target.read_text() == "mine"
    not_a_server = run("take-offline", "--db", str(tmp_path / "b.sqlite3"), "--owner", MAYA,
                       "-o", str(tmp_path / "c.sqlite3"))  # fmt: skip
    assert not_a_server.returncode == 2
    assert "is not a team server's address" in not_a_server.stderr
