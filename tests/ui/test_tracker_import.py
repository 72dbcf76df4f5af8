"""File → Import tracker…: pick the sheet, map the columns, preview, import or cancel."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Base
from csm_desktop.ui.dialogs import tracker_import
from csm_desktop.ui.dialogs.tracker_import import NOT_READ, TrackerImportDialog

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    """A title line above the header, the CSM's own headers and formats, a notes column."""
    path = tmp_path / "Q3 tracker.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Q3"
    for row in (
        ["Maya's accounts, Q3"],
        [],
        ["Customer", "CSM", "ARR", "Kickoff", "Renewal", "Tier", "Notes"],
        ["Acme Freight", "Maya Chen", "$12,000", "15/10/2026", "15/10/2027", "SMB", "nice"],
        ["Beta GmbH", "Maya Chen", "12k", "03/11/2026", "03/11/2027", "Enterprise", ""],
    ):
        sheet.append(row)
    workbook.save(path)
    workbook.close()
    return path


def counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def to_preview(qtbot, dialog: TrackerImportDialog, path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.tracker is not None, timeout=10000)
    assert dialog.sheet.currentText() == "Q3"  # the only sheet, whatever its name
    dialog.next_button.click()
    guesses = {c.header: dialog.field_boxes[c.letter].currentText() for c in dialog.columns}
    assert guesses == {
        "Customer": "Account",
        "CSM": "Owner",
        "ARR": "ARR",
        "Kickoff": "Kickoff on",
        "Renewal": "Renewal on",
        "Tier": "Segment",
        "Notes": NOT_READ,
    }


def test_map_preview_and_import_a_tracker(qtbot, book: Database, tracker: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = TrackerImportDialog(book, lambda: TODAY)
    qtbot.addWidget(dialog)
    imported: list[Any] = []
    dialog.imported.connect(imported.append)
    to_preview(qtbot, dialog, tracker)
    dialog.choose("Tier", None)  # the CSM's tiers are not the book's segments
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=10000)
    assert [[dialog.preview.item(r, c).text() for c in range(6)] for r in range(2)] == [
        ["Acme Freight", "Maya Chen", "12,000", "2026-10-15", "2027-10-15", ""],
        ["Beta GmbH", "Maya Chen", "12,000", "2026-11-03", "2027-11-03", ""],
    ]
    assert dialog.summary.text().startswith("<b>2</b> accounts to import, <b>0</b> rows rejected")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.message.text().startswith("Imported Q3 tracker.xlsx")
    assert len(imported) == 1 and imported[0].ladders_added == 2
    assert dialog.close_button.text() == "Close"
    with book.session() as session:
        rows = session.execute(select(Account.name, Account.segment, Account.arr)).all()
        ladder = session.scalar(select(func.count()).select_from(AccountMilestone))
    assert sorted(rows) == [("Acme Freight", None, 12000.0), ("Beta GmbH", None, 12000.0)]
    assert ladder == 20  # the Standard playbook's 10 milestones each


def test_without_an_account_column_the_preview_says_what_is_missing(
    qtbot, book: Database, tracker: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = TrackerImportDialog(book, lambda: TODAY)
    qtbot.addWidget(dialog)
    to_preview(qtbot, dialog, tracker)
    dialog.choose("Customer", None)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: "has no column" in dialog.message.text(), timeout=10000)
    assert 'sheet "Q3" has no column "Account"' in dialog.message.text()
    assert not dialog.import_button.isEnabled()


def test_cancel_before_the_commit_stores_nothing(
    qtbot, book: Database, tracker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The import waits until Cancel was pressed, then reaches its first cancel check."""
    pressed = threading.Event()
    real = tracker_import.import_book

    def held(*args: Any, **kwargs: Any) -> Any:
        pressed.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(tracker_import, "import_book", held)
    before = counts(book)
    dialog = TrackerImportDialog(book, lambda: TODAY)
    qtbot.addWidget(dialog)
    to_preview(qtbot, dialog, tracker)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.reading is not None, timeout=10000)
    dialog.import_button.click()
    dialog.close_button.click()  # "Cancel" while importing
    pressed.set()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Import cancelled"), timeout=10000)
    assert dialog.message.text() == "Import cancelled; nothing was stored."
    assert counts(book) == before
