"""File → Import book workbook…: the dialog over real workbooks and a real book, with qtbot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from csm_desktop.services.book_workbook import export_book
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.queries.usage_rows import READABLE_USAGE_SQL, store_usage_rows
from csm_desktop.ui.dialogs.book_import_dialog import BookImportDialog

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def small_book(tmp_path: Path) -> Iterator[Database]:
    """Two accounts (one with a name that needs Unicode) and one day of usage."""
    database = open_database(tmp_path / "small.sqlite3")
    with database.session() as session:
        session.execute(
            text(
                "INSERT INTO account (name, external_id, segment, seats, signed_on, archived) "
                "VALUES ('Acme', 'ACC-1', 'SMB', 40, '2026-01-05', 0), "
                "('Zoë Ødegård AS', NULL, 'Enterprise', 900, '2026-02-01', 0)"
            )
        )
        acme = session.execute(text("SELECT id FROM account WHERE name = 'Acme'")).scalar_one()
        store_usage_rows(session, [(acme, dt.date(2026, 1, 10), "login", 3, None)])
    yield database
    database.close()


@pytest.fixture
def workbook(small_book: Database, tmp_path: Path) -> Path:
    return export_book(small_book, tmp_path / "book.xlsx").path


def accounts(database: Database) -> list[tuple[Any, ...]]:
    with database.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                text("SELECT name, external_id, segment, seats FROM account ORDER BY name")
            )
        ]


def usage(database: Database) -> list[tuple[Any, ...]]:
    with database.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                text(
                    f"SELECT a.name, u.day, u.feature, u.count FROM ({READABLE_USAGE_SQL}) u "
                    "JOIN account a ON a.id = u.account_id"
                )
            )
        ]


def open_dialog(qtbot: Any, book: Database, path: Path | None = None) -> BookImportDialog:
    dialog = BookImportDialog(book, lambda: TODAY, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def table_rows(model: Any) -> list[list[str]]:
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_a_good_workbook_is_imported_into_an_empty_book(
    qtbot: Any, book: Database, workbook: Path, message_boxes: Any
) -> None:
    dialog = open_dialog(qtbot, book)
    assert not dialog.import_button.isEnabled()
    qtbot.keyClicks(dialog.path_edit, str(workbook))
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10000) as signal:
        dialog.import_button.click()
        assert dialog.busy.isVisible()
        assert not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    report = signal.args[0]
    assert (report.rows_read, report.rows_stored, report.accounts_created) == (3, 3, 2)
    assert accounts(book) == [
        ("Acme", "ACC-1", "SMB", 40),
        ("Zoë Ødegård AS", None, "Enterprise", 900),
    ]
    assert usage(book) == [("Acme", "2026-01-10", "login", 3)]
    assert dialog.status.text() == (
        "Imported book.xlsx: <b>3</b> rows read, <b>3</b> stored, <b>0</b> rejected.<br>"
        "Accounts created: 2; updated: 0."
    )
    assert not dialog.table.isVisibleTo(dialog)
    assert dialog.rejected_file.text() == "No rows were rejected."
    assert not dialog.busy.isVisible()
    assert dialog.import_button.isEnabled()
    assert message_boxes.shown == []


def test_strict_mode_refuses_a_workbook_with_a_bad_row_and_lists_it(
    qtbot: Any, book: Database, workbook: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xlsx"
    sheets = openpyxl.load_workbook(workbook)
    sheets["Accounts"].cell(row=3, column=5).value = "lots"  # Seats of the second account
    sheets.save(bad)
    dialog = open_dialog(qtbot, book, bad)
    dialog.strict.setChecked(True)
    imported: list[object] = []
    dialog.imported.connect(imported.append)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert accounts(book) == []
    assert imported == []
    assert dialog.status.text() == (
        "<b>Nothing was imported</b> from bad.xlsx: strict mode refuses the whole workbook "
        "because 1 of its 3 rows cannot be used. Fix the rows listed below and import again, "
        "or import without strict mode."
    )
    assert dialog.table.isVisibleTo(dialog)
    assert table_rows(dialog.model) == [["Accounts", "3", "Seats", "lots", "is not a whole number"]]
    rejected_file = tmp_path / "bad.rejected-rows.csv"
    assert dialog.rejected_file.text() == f"The rejected rows were saved to {rejected_file}."
    assert rejected_file.exists()

    dialog.strict.setChecked(False)  # the same file without strict: the good rows go in
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert accounts(book) == [("Acme", "ACC-1", "SMB", 40)]
    assert "<b>1</b> rejected" in dialog.status.text()


def test_a_file_that_is_not_a_book_workbook_is_explained(
    qtbot: Any, book: Database, tmp_path: Path, message_boxes: Any
) -> None:
    notes = tmp_path / "notes.xlsx"
    notes.write_text("not a workbook", encoding="utf-8")
    dialog = open_dialog(qtbot, book, notes)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert "notes.xlsx" in dialog.status.text()
    assert dialog.status.text().endswith("Nothing was imported.")
    assert accounts(book) == []
    assert message_boxes.shown == []

    dialog.path_edit.setText(str(tmp_path / "missing.xlsx"))
    dialog.import_button.click()
    assert dialog.task is None
    assert dialog.status.text() == (
        f"There is no file at {tmp_path / 'missing.xlsx'}. Check the path or choose the file."
    )
