"""A book-workbook import honours the one ``Progress``: Cancel before the commit stores nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from csm_desktop.errors import Cancelled
from csm_desktop.services.book_workbook import import_book
from csm_desktop.services.progress import progress_of
from csm_desktop.spreadsheets.book_workbook import SHEET_HEADERS
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, ImportRecord


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(headers))
        if name == "Accounts":
            sheet.append(["Northwind Traders"])
            sheet.append(["Contoso Health"])
    book.save(path)
    return path


def count(book: Database, model: type) -> int:
    with book.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_cancel_at_the_last_stage_rolls_the_whole_import_back(
    book: Database, tmp_path: Path
) -> None:
    """Stages 0 (check), 1 (store), 2 (evidence) are reported; Cancel pressed once stage 2 is
    heard stops before the commit: no account and no import record stay."""
    heard: list[tuple[int, int, str]] = []
    progress = progress_of(
        lambda done, total, text: heard.append((done, total, text)),
        lambda: any(done == 2 for done, _total, _text in heard),
    )
    with pytest.raises(Cancelled, match="nothing was changed"):
        import_book(book, workbook(tmp_path / "book.xlsx"), progress=progress)
    assert [done for done, _total, _text in heard] == [0, 1, 2]
    assert count(book, Account) == count(book, ImportRecord) == 0


def test_without_cancel_the_same_file_is_stored(book: Database, tmp_path: Path) -> None:
    report = import_book(book, workbook(tmp_path / "book.xlsx"))
    assert report.stored and report.accounts_created == 2
    assert count(book, Account) == 2
