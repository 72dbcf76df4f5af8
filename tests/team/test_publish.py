"""``csm-desktop publish``: a laptop book copied whole into an empty team database.

Against the real test cluster: after publishing the demo book, the server gives the same
portfolio metrics as the file, number for number, and the same rows per table; a second
publish is refused and changes nothing; a cancel part-way leaves the team database empty;
the next account added on the server gets a fresh id.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csm_desktop.errors import Cancelled
from csm_desktop.services.opening import open_book, open_book_for_reading, open_team_book
from csm_desktop.services.progress import progress_of
from csm_desktop.services.team_transfer import publish_book
from csm_desktop.store.models import Account
from csm_desktop.store.queries.usage_rows import store_usage, usage_rows
from csm_desktop.store.transfer import row_counts

pytestmark = pytest.mark.postgresql
TODAY = dt.date(2026, 6, 30)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def demo_file(tmp_path: Path, demo_template: Callable[[dt.date], Path]) -> Path:
    """The demo book, plus usage rows with no active users (NULL) and a count of 0."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template(TODAY), path)
    with open_book(path) as book, book.session() as session:
        first = session.scalar(select(func.min(Account.id)))
        assert first is not None
        days = [TODAY + dt.timedelta(days=n) for n in (1, 2)]
        store_usage(session, [first, first], days, ["late.feature"] * 2, [0, 3], [None, None])
    return path


def counts_of_file(path: Path) -> dict[str, int]:
    with open_book_for_reading(path) as book, book.engine.connect() as connection:
        return row_counts(connection)


def counts_of_server(url: str) -> dict[str, int]:
    with open_team_book(url) as book, book.engine.connect() as connection:
        return row_counts(connection)


def test_publish_copies_every_row_and_the_metrics_agree(
    demo_file: Path, pg_url: str, pg_book_template: str
) -> None:
    assert run("admin", "upgrade", "--db", pg_url).returncode == 0
    done = run("publish", str(demo_file), "--to", pg_url)
    assert (done.returncode, done.stderr) == (0, "")
    expected = counts_of_file(demo_file)
    assert done.stdout.startswith(f"Published demo.sqlite3 to {pg_url.split('://')[0]}")
    assert f"{expected['account']} accounts, {expected['account_milestone']:,} milestones" in (
        done.stdout
    )
    assert counts_of_server(pg_url) == expected
    # Analyzed at once: the server plans for the rows it holds (-1: never analyzed).
    with open_team_book(pg_url) as book, book.engine.connect() as connection:
        planned = connection.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE relname = 'account_milestone'"
        ).scalar_one()
    assert planned == expected["account_milestone"]
    with open_book_for_reading(demo_file) as book, book.session() as session:
        file_usage = usage_rows(session)
    with open_team_book(pg_url) as book, book.session() as session:
        assert usage_rows(session) == file_usage  # the CSV path: every count and NULL kept
    assert any(users is None for *_row, users in file_usage)
    assert any(users is not None for *_row, users in file_usage)
    on_file = run("metrics", "--db", str(demo_file), "--today", TODAY.isoformat(), "--json")
    on_server = run("metrics", "--db", pg_url, "--today", TODAY.isoformat(), "--json")
    assert (on_server.returncode, on_server.stderr) == (0, "")
    assert json.loads(on_server.stdout) == json.loads(on_file.stdout)
    with open_team_book(pg_url) as book, book.session() as session:
        newest = session.scalar(select(func.max(Account.id)))
        added = Account(name="Added on the server")
        session.add(added)
        session.flush()
        assert newest is not None and added.id == newest + 1


def test_a_second_publish_is_refused_in_one_line_and_changes_nothing(
    demo_file: Path, pg_url: str
) -> None:
    assert run("admin", "upgrade", "--db", pg_url).returncode == 0
    assert run("publish", str(demo_file), "--to", pg_url).returncode == 0
    before = counts_of_server(pg_url)
    again = run("publish", str(demo_file), "--to", pg_url)
    assert again.returncode == 2
    assert again.stderr.startswith("error: The team database ")
    assert f"already holds {before['account']} accounts" in again.stderr
    assert again.stderr.count("\n") == 1
    assert counts_of_server(pg_url) == before


def test_a_cancel_part_way_leaves_the_team_database_empty(demo_file: Path, pg_url: str) -> None:
    """Cancelled after the first tables were copied: the one transaction is rolled back, so
    the server holds only the three roles its schema starts with."""
    assert run("admin", "upgrade", "--db", pg_url).returncode == 0
    empty = counts_of_server(pg_url)
    reports: list[str] = []
    progress = progress_of(
        lambda _done, _total, text: reports.append(text), lambda: len(reports) >= 5
    )
    with pytest.raises(Cancelled):
        publish_book(demo_file, pg_url, progress)
    assert len(reports) == 5
    assert counts_of_server(pg_url) == empty
    assert empty["role"] == 3 and sum(empty.values()) == 3


def test_publish_refuses_a_file_target_and_a_missing_book(tmp_path: Path) -> None:
    missing = run("publish", str(tmp_path / "none.sqlite3"), "--to", "postgresql://x@h/db")
    assert (missing.returncode, missing.stderr.count("\n")) == (2, 1)
    assert "No book at" in missing.stderr
    book = tmp_path / "b.sqlite3"
    assert run("demo", "--db", str(book), "--today", TODAY.isoformat()).returncode == 0
    to_file = run("publish", str(book), "--to", str(tmp_path / "other.sqlite3"))
    assert to_file.returncode == 2
    assert "is not a team server's address" in to_file.stderr
    assert not (tmp_path / "other.sqlite3").exists()
