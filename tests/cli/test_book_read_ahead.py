"""``import-book`` reads the workbook in a background thread while it loads the book code
(``services.book_import_read.BookReadAhead``): the reading handed over is the one reading
the file gives, a refused file is refused as before and leaves no new book behind, and the
read-ahead's module loads no database code (or the overlap is lost)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from csm_desktop.cli import main
from csm_desktop.errors import BadFile
from csm_desktop.services.book_import_read import BookReadAhead
from csm_desktop.spreadsheets.book_workbook import read_book_workbook


def tracker(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Accounts"
    sheet.append(["Account", "Seats", "Notes"])
    sheet.append(["Acme", 10, "first"])
    sheet.append(["Beta", "many", None])
    workbook.save(path)
    workbook.close()
    return path


def test_the_read_ahead_hands_over_what_reading_the_file_gives_once(tmp_path: Path) -> None:
    source = tracker(tmp_path / "tracker.xlsx")
    read_ahead = BookReadAhead(source, None, {"Notes": "ignore"})
    reading = read_ahead.result()
    assert reading == read_book_workbook(source, column_map={"Notes": "ignore"})
    assert [a.name for a in reading.book.accounts] == ["Acme"]
    assert [(r.row, r.column) for r in reading.rejected] == [(3, "Seats")]
    with pytest.raises(RuntimeError, match="already handed over"):
        read_ahead.result()


def test_a_file_the_read_ahead_refuses_is_refused_and_leaves_no_new_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.xlsx"
    source.write_bytes(b"%PDF-1.7 definitely not a spreadsheet")
    with pytest.raises(BadFile, match="not an Excel workbook"):
        BookReadAhead(source).result()
    target = tmp_path / "new.sqlite3"
    assert main(["import-book", str(source), "--db", str(target)]) == 2
    assert capsys.readouterr().err.startswith("error: notes.xlsx is not an Excel workbook")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.xlsx"]


def test_the_read_ahead_loads_no_database_code() -> None:
    probe = (
        "import sys, csm_desktop.services.book_import_read;"
        "print(sorted(m for m in ('sqlalchemy', 'csm_desktop.store') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_checks_are_reported_done_before_the_read_and_when_they_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command loads the book code once ``checked`` is set (not beside the checks): set
    after the checks pass and before a sheet is read, and set when they refuse the file."""
    import csm_desktop.spreadsheets.book_workbook as book_workbook

    source = tracker(tmp_path / "tracker.xlsx")
    events: list[str] = []
    checks, rows = book_workbook.check_workbook_file, book_workbook._SheetRows.__getitem__
    monkeypatch.setattr(
        book_workbook, "check_workbook_file", lambda p: (events.append("check"), checks(p))[1]
    )
    monkeypatch.setattr(
        book_workbook._SheetRows,
        "__getitem__",
        lambda self, name: (events.append("read"), rows(self, name))[1],
    )
    read_ahead = BookReadAhead(source)
    assert read_ahead.checked.wait(30)
    read_ahead.result()
    assert events[:2] == ["check", "read"]
    read_book_workbook(source, checked=lambda: events.append("checked"))
    assert events[2:5] == ["check", "checked", "read"]

    refused = tmp_path / "notes.xlsx"
    refused.write_bytes(b"%PDF-1.7 definitely not a spreadsheet")
    read_ahead = BookReadAhead(refused)
    assert read_ahead.checked.wait(30)
    with pytest.raises(BadFile):
        read_ahead.result()
