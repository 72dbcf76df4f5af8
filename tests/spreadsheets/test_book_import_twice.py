"""A row repeated in a book workbook's Milestones sheet is rejected, not stored twice.

The import decides "appears twice" for every sheet with one rule (the sheet and the row's
key seen before); the Milestones sheet spells that look-up out for speed (issue 17), so it
gets its own test: a milestone of the workbook copied to the end of its sheet.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.spreadsheets.book_workbook import RejectedRow
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import AccountMilestone
from tests.spreadsheets.test_book_workbook import build_book


def test_a_milestone_row_repeated_is_rejected_naming_the_first(
    book: Database, tmp_path: Path
) -> None:
    build_book(book)
    source = tmp_path / "book.xlsx"
    export_book(book, source)
    workbook = openpyxl.load_workbook(source)
    sheet = workbook["Milestones"]
    milestones = sheet.max_row - 1
    repeated = [cell.value for cell in sheet[2]]
    sheet.append(repeated)
    workbook.save(source)
    workbook.close()

    second = open_database(tmp_path / "second.sqlite3")
    try:
        report = import_book(second, source)
        with second.session() as session:
            stored = session.scalar(select(func.count()).select_from(AccountMilestone))
    finally:
        second.close()
    assert stored == milestones
    assert [r for r in report.rejected_rows if r.sheet == "Milestones"] == [
        RejectedRow("Milestones", milestones + 2, "Milestone", repeated[1], "appears twice (row 2)")
    ]
