"""A book workbook is read sheet by sheet, row by row (``book_parse``, issue 17: a 50,000-account
file held as cells took 1.2 GiB). These tests pin what must not change: a text date waits for
its column's day/month order without reordering rows or problems, a sheet whose data starts
in column C keeps its column letters, and the row-by-row reading gives exactly what reading
every cell first gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from csm_desktop.spreadsheets.book_workbook import (
    RejectedRow,
    read_book_workbook,
    read_sheets,
    read_sheets_as_book,
)


def workbook(path: Path, sheets: dict[str, list[list[Any]]], *, at: str = "A1") -> Path:
    """Each sheet's rows written from cell ``at`` on (rows and columns before it empty)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    first_row = int(at[1:])
    first_column = ord(at[0]) - ord("A") + 1
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(first_row + r, first_column + c, value)
    book.save(path)
    book.close()
    return path


def test_a_text_date_waits_for_its_column_order_and_rows_keep_their_order(
    tmp_path: Path,
) -> None:
    """Kickoff of Beta (row 4) is "03/04/2026": only row 7's "25/04/2026" (25 > 12: day
    first) says it is 3 April, so Beta waits; Gamma (row 5, a date cell) comes after it.
    Problems stay in row order: Seats "many" of row 3 (before the wait), Kickoff "soon" of
    row 8 (after it); the rejected accounts name their rows."""
    source = workbook(
        tmp_path / "t.xlsx",
        {
            "Accounts": [
                ["Account", "Kickoff on", "Seats"],
                ["Acme", dt.datetime(2026, 3, 1), 10],
                ["Broken", dt.datetime(2026, 3, 2), "many"],
                ["Beta", "03/04/2026", 20],
                ["Gamma", dt.datetime(2026, 5, 6), None],
                [None, None, None],
                ["Delta", "25/04/2026", 30],
                ["Late", "soon", 40],
            ]
        },
    )
    reading = read_book_workbook(source)
    assert [(a.name, a.kickoff_on, a.seats, a.row) for a in reading.book.accounts] == [
        ("Acme", dt.date(2026, 3, 1), 10, 2),
        ("Beta", dt.date(2026, 4, 3), 20, 4),
        ("Gamma", dt.date(2026, 5, 6), None, 5),
        ("Delta", dt.date(2026, 4, 25), 30, 7),
    ]
    assert [(r.row, r.column, r.value) for r in reading.rejected] == [
        (3, "Seats", "many"),
        (8, "Kickoff on", "soon"),
    ]
    assert reading.rejected_accounts == {"Broken": 3, "Late": 8}
    assert reading.rows_read == 6  # rows 2–5, 7 and 8: the blank row 6 is not a row


def test_a_sheet_whose_data_starts_in_column_c_keeps_its_letters(tmp_path: Path) -> None:
    """Header in C3:D3, rows below: ``--map C=Account D=ARR`` finds the columns by their real
    letters, and the rows are numbered as Excel shows them (4 and 5)."""
    source = workbook(
        tmp_path / "t.xlsx",
        {"Accounts": [["Customer", "Money"], ["Acme", 1200], ["Beta", "12k"]]},
        at="C3",
    )
    reading = read_book_workbook(source, column_map={"C": "Account", "D": "ARR"})
    assert [(a.name, a.arr, a.row) for a in reading.book.accounts] == [
        ("Acme", 1200.0, 4),
        ("Beta", 12000.0, 5),
    ]
    assert reading.rejected == []


def test_row_by_row_reads_what_reading_every_cell_first_reads(tmp_path: Path) -> None:
    """The same workbook through the lazy reader and through ``read_sheets`` (every cell of
    every sheet first, as the import wizard reads): equal readings, rows and problems."""
    source = workbook(
        tmp_path / "t.xlsx",
        {
            "Accounts": [
                ["Account", "Signed on", "ARR"],
                ["Acme", dt.datetime(2026, 1, 5), 1000],
                ["Beta", "2026-02-01", "oops"],
            ],
            "Milestones": [
                ["Account", "Milestone", "Role", "Target day", "Status", "Due on"],
                ["Acme", "Kickoff", "CSM", 0, "achieved", dt.datetime(2026, 1, 9)],
                ["Acme", "Go live", "CSM", 30, "not started", "02/13/2026"],
            ],
            "Usage": [
                ["Account", "Date", "Feature", "Count"],
                ["Acme", dt.datetime(2026, 1, 7), "export", 3],
                ["Acme", dt.datetime(2026, 1, 8), "export", "lots"],
            ],
            "Notes": [["anything"]],
        },
    )
    lazy = read_book_workbook(source)
    eager = read_sheets_as_book(str(source), read_sheets(source))
    assert lazy == eager
    assert [(m.milestone, m.due_on) for m in lazy.book.milestones] == [
        ("Kickoff", dt.date(2026, 1, 9)),
        ("Go live", dt.date(2026, 2, 13)),
    ]
    assert lazy.rejected[0] == RejectedRow("Accounts", 3, "ARR", "oops", lazy.rejected[0].reason)
    assert [(r.sheet, r.row, r.column) for r in lazy.rejected] == [
        ("Accounts", 3, "ARR"),
        ("Usage", 3, "Count"),
    ]
    assert lazy.ignored == ['sheet "Notes"']
