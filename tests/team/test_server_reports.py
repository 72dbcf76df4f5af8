"""QBR batches on a team server's book (issue 16): the worker processes open the server book
with the window's login, including a password typed at the prompt (never written down).

Before, every worker opened ``database.file_path``, which a server book does not have: a batch
of four or more reports on a team book failed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_team_book, open_team_book_for_window
from csm_desktop.services.reports import write_qbr_batch
from tests.reports.hand_book import pdf_text
from tests.team.test_team_window import PASSWORD, signing_in_as

pytestmark = pytest.mark.postgresql

TODAY = dt.date(2026, 11, 26)


def test_a_batch_of_qbrs_on_a_team_book_runs_in_workers_with_the_typed_password(
    team_book_url: str, tmp_path: Path
) -> None:
    """Ravi signs in with a password (SCRAM; no keychain, no ~/.pgpass) and writes the QBRs
    of accounts 1-4 with two worker processes: four PDFs, each telling its account's story."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
        names = {1: "", 2: "", 3: "", 4: ""}
        for account_id in names:
            with book.engine.connect() as connection:
                names[account_id] = connection.exec_driver_sql(
                    f"SELECT name FROM account WHERE id = {account_id}"
                ).scalar_one()
    address = signing_in_as(team_book_url, "ravi_reports")
    database = open_team_book_for_window(address, PASSWORD)
    try:
        written = write_qbr_batch(database, list(names), TODAY, tmp_path, workers=2)
    finally:
        database.close()
    assert len(written) == 4
    for path, name in zip(written, names.values(), strict=True):
        assert path.name.startswith(name[:20]) and path.suffix == ".pdf"
        assert f"{name} has achieved" in pdf_text(path)
