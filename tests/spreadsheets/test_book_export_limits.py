"""A book too big for Excel is refused from row counts, before any row is loaded (issue 17)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csm_desktop.errors import BadFile
from csm_desktop.services import book_export
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account
from csm_desktop.store.queries.usage_rows import store_usage_rows


def test_usage_beyond_the_sheet_limit_is_refused_before_loading(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a limit of 3 data rows (Excel's is 1,048,575), 4 usage rows cannot be exported:
    the message names the sheet and both numbers, no workbook is written, and the rows were
    never read (loading them is made to fail)."""
    with book.session() as session:
        account = Account(name="Acme")
        session.add(account)
        session.flush()
        days = [dt.date(2026, 1, d) for d in (5, 6, 7, 8)]
        store_usage_rows(session, [(account.id, d, "login", 1, None) for d in days])
    monkeypatch.setattr(book_export, "MAX_DATA_ROWS", 3)

    def loading(*_args: object) -> None:
        raise AssertionError("rows were loaded before the limit was checked")

    monkeypatch.setattr(book_export, "book_from_database", loading)
    target = tmp_path / "book.xlsx"
    with pytest.raises(
        BadFile, match=r"^The Usage sheet would need 4 rows; an Excel sheet holds 3\."
    ):
        book_export.export_book(book, target)
    assert not target.exists()
