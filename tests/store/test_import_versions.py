"""import-book and team mode: an import changes versions only where it changes values, and
names who made the change, like an edit in the window does (issue 16, no lost updates)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from csm_desktop.errors import ConflictError
from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.store.authorship import sign_as
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account, AccountMilestone

TODAY = dt.date(2026, 3, 1)

pytestmark = pytest.mark.file_book


def versions(path: Path) -> tuple[int, int]:
    database = open_database(path)
    try:
        with database.session() as session:
            accounts = session.scalar(select(func.sum(Account.version)))
            milestones = session.scalar(select(func.sum(AccountMilestone.version)))
            assert accounts is not None and milestones is not None
            return accounts, milestones
    finally:
        database.close()


def test_reimporting_an_unchanged_export_changes_no_version(
    tmp_path: Path, demo_template: Callable[[dt.date], Path]
) -> None:
    path = tmp_path / "book.sqlite3"
    shutil.copyfile(demo_template(TODAY), path)
    before = versions(path)
    database = open_database(path)
    try:
        export_book(database, tmp_path / "book.xlsx")
        import_book(database, tmp_path / "book.xlsx", today=TODAY)
    finally:
        database.close()
    assert versions(path) == before


def test_an_import_that_changes_an_account_names_the_importer(
    tmp_path: Path, demo_template: Callable[[dt.date], Path]
) -> None:
    """Bob imports a workbook with Northwind's ARR changed: only that account moves on one
    version, stamped Bob; a save over the version before is refused naming Bob."""
    from csm_desktop.services.account_edits import AccountFields, update_account

    path = tmp_path / "book.sqlite3"
    shutil.copyfile(demo_template(TODAY), path)
    database = open_database(path)
    try:
        export_book(database, tmp_path / "book.xlsx")
        workbook = openpyxl.load_workbook(tmp_path / "book.xlsx")
        sheet = workbook["Accounts"]
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[header.index("Account")].value == "Northwind Traders":
                row[header.index("ARR")].value = 123_456
        workbook.save(tmp_path / "book.xlsx")
        with database.session() as session:
            northwind = session.scalars(
                select(Account).where(Account.name == "Northwind Traders")
            ).one()
            seen, others = northwind.version, session.scalar(select(func.sum(Account.version)))
        sign_as(database.engine, "Bob")
        import_book(database, tmp_path / "book.xlsx", today=TODAY)
        with database.session() as session:
            northwind = session.get(Account, northwind.id)
            assert northwind is not None
            assert (northwind.version, northwind.changed_by, northwind.arr) == (
                seen + 1,
                "Bob",
                123_456,
            )
            assert session.scalar(select(func.sum(Account.version))) == (others or 0) + 1
        with pytest.raises(ConflictError, match=r"changed by you \(Bob\) at .*, after this screen"):
            update_account(database, northwind.id, AccountFields("Northwind Traders"), seen=seen)
    finally:
        database.close()
