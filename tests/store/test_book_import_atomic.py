"""A book-workbook import that fails or is cancelled after it began writing leaves the book
byte-for-byte as it was: the SQL dump of the book before and after is the same.

The bulk import writes accounts, contacts, milestones, status changes, kickoffs, value
metrics and usage with many-row statements in one transaction; these tests stop it at two
late points on the demo book (a book with data, so the merge path runs): the database
refusing a status-change row (a SQLite trigger, as a full disk or a constraint would), and
Cancel heard at the evidence stage.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy.exc import DBAPIError

from csm_desktop.errors import Cancelled
from csm_desktop.services.book_workbook import import_book
from csm_desktop.services.progress import progress_of
from csm_desktop.spreadsheets.book_workbook import SHEET_HEADERS
from csm_desktop.store.database import open_database

# Each test reads the SQLite file itself (sqlite3 triggers, iterdump): no server book here.
pytestmark = pytest.mark.file_book

TODAY = dt.date(2026, 6, 30)


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def first_account(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("SELECT name FROM account ORDER BY id").fetchone()[0])
    finally:
        connection.close()


def workbook(path: Path, existing: str) -> Path:
    """An update of ``existing`` and a new account with a contact, two milestones (one
    achieved: a status change is logged), a kickoff, a measurement and usage."""
    rows: dict[str, list[list[Any]]] = {
        "Accounts": [[existing], ["Fabrikam Bulk"]],
        "Contacts": [["Fabrikam Bulk", "Ana Ruiz"]],
        "Milestones": [
            ["Fabrikam Bulk", "Kickoff held", "CSM", 0],
            ["Fabrikam Bulk", "First report", "Admin", 14],
        ],
        "Kickoffs": [["Fabrikam Bulk", dt.date(2026, 6, 1)]],
        "Usage": [["Fabrikam Bulk", dt.date(2026, 6, 2), "report_run", 3]],
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(headers))
        for row in rows.get(name, []):
            sheet.append(row)
    milestones = book["Milestones"]
    status = list(SHEET_HEADERS["Milestones"]).index("Status") + 1
    achieved = list(SHEET_HEADERS["Milestones"]).index("Achieved on") + 1
    milestones.cell(2, status, "achieved")
    milestones.cell(2, achieved, dt.date(2026, 6, 1))
    book.save(path)
    return path


def run(path: Path, source: Path, **options: Any) -> None:
    database = open_database(path)
    try:
        import_book(database, source, today=TODAY, **options)
    finally:
        database.close()


def test_the_workbook_is_stored_when_nothing_stops_it(
    demo_copy: Callable[[dt.date], Path], tmp_path: Path
) -> None:
    """The control: without the trigger or Cancel the same file changes the book (one new
    account, its two milestones and one status change)."""
    path = demo_copy(TODAY)
    before = dump(path)
    run(path, workbook(tmp_path / "in.xlsx", first_account(path)))
    after = dump(path)
    assert after != before
    kept = set(before)  # once: a set per line made this test quadratic (7 minutes)
    added = [line for line in after if line not in kept]
    assert any("Fabrikam Bulk" in line for line in added)
    assert sum(line.startswith('INSERT INTO "status_change"') for line in added) == 1


def test_a_write_refused_midway_leaves_the_book_as_it_was(
    demo_copy: Callable[[dt.date], Path], tmp_path: Path
) -> None:
    path = demo_copy(TODAY)
    source = workbook(tmp_path / "in.xlsx", first_account(path))
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON status_change "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    connection.commit()
    connection.close()
    before = dump(path)
    with pytest.raises(DBAPIError, match="refused"):
        run(path, source)
    assert dump(path) == before


def test_cancel_at_the_evidence_stage_leaves_the_book_as_it_was(
    demo_copy: Callable[[dt.date], Path], tmp_path: Path
) -> None:
    path = demo_copy(TODAY)
    source = workbook(tmp_path / "in.xlsx", first_account(path))
    before = dump(path)
    heard: list[int] = []
    progress = progress_of(lambda done, _total, _text: heard.append(done), lambda: 2 in heard)
    with pytest.raises(Cancelled):
        run(path, source, progress=progress)
    assert heard == [0, 1, 2]
    assert dump(path) == before
