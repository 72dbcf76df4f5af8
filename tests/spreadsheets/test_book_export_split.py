"""Usage too big for one Excel sheet: split over Usage, Usage 2… or written to a CSV beside
the workbook, and read back (issue 17). The sheet limit is a parameter, so a limit of 10 rows
stands in for Excel's 1,048,575."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.errors import BadFile, Cancelled, OutputNotWritten
from csm_desktop.services.book_export import UsageChoice
from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.services.import_usage import import_usage
from csm_desktop.services.progress import progress_of
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountMilestone, Role
from csm_desktop.store.queries.usage_rows import store_usage_rows, usage_rows

FIRST = dt.date(2026, 1, 5)


def fill(database: Database, usage: int = 25) -> None:
    """Acme and Globex (kicked off on FIRST, one milestone due then), with ``usage`` rows:
    day d of Acme's "login" counts d, and every third day Globex's "report" counts 1."""
    with database.session() as session:
        acme = Account(name="Acme", kickoff_on=FIRST)
        globex = Account(name="Globex", kickoff_on=FIRST)
        role = Role(name="CSM")
        session.add_all([acme, globex, role])
        session.flush()
        session.add_all(
            AccountMilestone(
                account_id=account.id,
                position=1,
                title="Kickoff",
                role_id=role.id,
                target_day=0,
                due_on=FIRST,
            )
            for account in (acme, globex)
        )
        rows = []
        for d in range(usage):
            if d % 3 == 2:
                rows.append((globex.id, FIRST + dt.timedelta(d), "report", 1, None))
            else:
                rows.append((acme.id, FIRST + dt.timedelta(d), "login", d, 2))
        store_usage_rows(session, rows)


def named_usage(database: Database) -> list[tuple[str, dt.date, str, int, int | None]]:
    with database.session() as session:
        names = {id_: name for id_, name in session.execute(select(Account.id, Account.name))}
        return [(names[a], day, f, c, u) for a, day, f, c, u in usage_rows(session)]


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


@pytest.fixture
def second(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "second.sqlite3")
    yield database
    database.close()


def test_usage_is_split_over_sheets_of_the_limit(book: Database, tmp_path: Path) -> None:
    """25 usage rows, 10 a sheet: Usage holds rows 1–10, Usage 2 rows 11–20, Usage 3 rows
    21–25 (ordered by account then day: Acme's 17 rows on days d = 0, 1, 3, 4, 6, … 24, then
    Globex's 8 on d = 2, 5, … 23), right after Usage in the workbook; the report says so in
    one line."""
    fill(book)
    target = tmp_path / "book.xlsx"
    report = export_book(book, target, usage="split", max_rows=10)
    cells = sheets(target)
    names = list(cells)
    at = names.index("Usage")
    assert names[at : at + 3] == ["Usage", "Usage 2", "Usage 3"]
    assert [len(cells[n]) - 1 for n in ("Usage", "Usage 2", "Usage 3")] == [10, 10, 5]
    assert cells["Usage 2"][0] == cells["Usage"][0]  # each part has the header
    assert cells["Usage 2"][1][:2] == ("Acme", dt.datetime(2026, 1, 20))  # 11th: d = 15
    assert cells["Usage 3"][-1][:2] == ("Globex", dt.datetime(2026, 1, 28))  # d = 23
    assert report.rows_by_sheet["Usage"] == 25
    assert report.usage_sheets == ["Usage", "Usage 2", "Usage 3"]
    assert report.usage_note == (
        "Usage (25 rows) is more than one Excel sheet holds (10): it is split over the "
        "sheets Usage, Usage 2, Usage 3."
    )


def test_usage_that_fits_stays_one_sheet(book: Database, tmp_path: Path) -> None:
    fill(book, usage=10)
    report = export_book(book, tmp_path / "book.xlsx", usage="split", max_rows=10)
    assert report.usage_sheets == ["Usage"] and report.usage_note is None
    assert "Usage 2" not in sheets(tmp_path / "book.xlsx")


def test_a_split_workbook_round_trips(book: Database, second: Database, tmp_path: Path) -> None:
    """Importing the split workbook gives the same 25 usage rows; exported again (split the
    same way) every sheet's cells are the same."""
    fill(book)
    first, again = tmp_path / "first.xlsx", tmp_path / "again.xlsx"
    export_book(book, first, usage="split", max_rows=10)
    report = import_book(second, first)
    assert report.rejected_rows == [] and report.rows_by_sheet["Usage"] == 25
    assert report.ignored == []  # Usage 2 and 3 are read, not ignored
    assert named_usage(second) == named_usage(book)
    export_book(second, again, usage="split", max_rows=10)
    assert sheets(again) == sheets(first)


def test_a_bad_row_of_a_usage_part_is_named_by_its_sheet(
    book: Database, second: Database, tmp_path: Path
) -> None:
    """A negative count in row 3 of Usage 2 is rejected as "Usage 2", row 3, after the rows
    of Usage; the other 24 rows are stored."""
    fill(book)
    path = tmp_path / "book.xlsx"
    export_book(book, path, usage="split", max_rows=10)
    workbook = openpyxl.load_workbook(path)
    workbook["Usage 2"]["D3"] = -4
    workbook.save(path)
    report = import_book(second, path)
    assert [(r.sheet, r.row, r.column, r.reason) for r in report.rejected_rows] == [
        ("Usage 2", 3, "Count", "cannot be negative")
    ]
    assert report.rows_by_sheet["Usage"] == 24


def test_a_usage_row_repeated_in_another_part_is_rejected_there(
    book: Database, second: Database, tmp_path: Path
) -> None:
    """Row 3 of Usage copied over row 3 of Usage 2 (same account, day and feature, and the
    same row number in its own sheet): the copy is rejected as "Usage 2", row 3, naming
    row 3 of the first; the file's other 25 - 1 = 24 usage rows are stored."""
    fill(book)
    path = tmp_path / "book.xlsx"
    export_book(book, path, usage="split", max_rows=10)
    workbook = openpyxl.load_workbook(path)
    for column in "ABCDE":
        workbook["Usage 2"][f"{column}3"] = workbook["Usage"][f"{column}3"].value
    workbook.save(path)
    report = import_book(second, path)
    assert [(r.sheet, r.row, r.column, r.reason) for r in report.rejected_rows] == [
        ("Usage 2", 3, "Feature", "appears twice (row 3)")
    ]
    assert report.rows_by_sheet["Usage"] == 24


def test_usage_csv_beside_the_workbook_reads_back_with_import_usage(
    book: Database, second: Database, tmp_path: Path
) -> None:
    """``usage="csv"``: book.usage.csv holds the header and the 25 rows, the workbook's Usage
    sheet only its header; import-book then import-usage of the CSV give the same usage."""
    fill(book)
    target = tmp_path / "book.xlsx"
    report = export_book(book, target, usage="csv", max_rows=10)
    assert report.usage_csv == tmp_path / "book.usage.csv"
    assert report.rows_by_sheet["Usage"] == 25
    assert report.usage_note == f"Usage (25 rows) was written to {tmp_path / 'book.usage.csv'}."
    assert len(sheets(target)["Usage"]) == 1
    with report.usage_csv.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Account", "Date", "Feature", "Count", "Active users"]
    assert lines[1] == ["Acme", "2026-01-05", "login", "0", "2"]
    assert len(lines) == 26
    import_book(second, target)
    imported = import_usage(second, report.usage_csv)
    assert imported.rows_stored == 25
    assert named_usage(second) == named_usage(book)


def test_without_a_choice_too_much_usage_is_refused_naming_both_ways(
    book: Database, tmp_path: Path
) -> None:
    fill(book)
    target = tmp_path / "book.xlsx"
    with pytest.raises(BadFile) as refused:
        export_book(book, target, max_rows=10)
    assert str(refused.value) == (
        "The Usage sheet would need 25 rows; an Excel sheet holds 10. Export again splitting "
        "usage over several sheets (Usage, Usage 2, …) or writing it to a CSV beside the "
        "workbook."
    )
    assert not target.exists()


def test_other_sheets_too_big_are_refused_even_when_usage_is_split(
    book: Database, tmp_path: Path
) -> None:
    """Two accounts with a limit of one row: the Accounts sheet cannot be split."""
    fill(book)
    with pytest.raises(BadFile, match=r"^The Accounts sheet would need 2 rows; .* holds 1\."):
        export_book(book, tmp_path / "book.xlsx", usage="split", max_rows=1)
    assert not (tmp_path / "book.xlsx").exists()


@pytest.mark.parametrize("usage", ["split", "csv"])
def test_cancel_writes_no_file(book: Database, tmp_path: Path, usage: UsageChoice) -> None:
    """Cancel pressed once the export reported its first progress: Cancelled, and neither
    the workbook, nor the usage CSV (written before the workbook), nor a temporary file is
    left in the folder."""
    fill(book)
    heard: list[int] = []
    progress = progress_of(lambda done, _total, _text: heard.append(done), lambda: bool(heard))
    with pytest.raises(Cancelled, match="no file was written"):
        export_book(book, tmp_path / "book.xlsx", usage=usage, progress=progress)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("book.sqlite3")] == []


def test_the_command_says_where_usage_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command on a book file (on every backend)."""
    path = tmp_path / "cli.sqlite3"
    database = open_database(path)
    try:
        fill(database)
    finally:
        database.close()
    target = tmp_path / "out.xlsx"
    assert main(["export-book", str(target), "--usage-csv", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"Usage (25 rows) was written to {tmp_path / 'out.usage.csv'}."
    assert (tmp_path / "out.usage.csv").exists()


def test_a_full_disk_under_the_deflate_thread_writes_no_file(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheets' bytes are deflated and written by a thread: when its write fails (the
    disk fills on the Usage sheet) the export says the disk is full, leaves neither the
    workbook nor a temporary file, and no deflate thread is left running."""
    fill(book)
    calls = [0]
    write = zipfile._ZipWriteFile.write  # type: ignore[attr-defined]

    def filling(part: Any, data: Any) -> int:
        calls[0] += 1
        if threading.current_thread().name == "xlsx deflate" and calls[0] > 6:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(part, data)  # type: ignore[no-any-return]

    monkeypatch.setattr(zipfile._ZipWriteFile, "write", filling)
    with pytest.raises(OutputNotWritten, match="the disk is full"):
        export_book(book, tmp_path / "book.xlsx", usage="split", max_rows=10)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("book.sqlite3")] == []
    assert not [t for t in threading.enumerate() if t.name == "xlsx deflate"]
