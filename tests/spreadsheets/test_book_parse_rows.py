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
import pytest

from csm_desktop.domain.vocabulary import Status
from csm_desktop.spreadsheets import book_parse
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


def test_blocks_of_two_rows_read_what_one_block_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are parsed a block at a time, a column at a time; a block with a bad or missing
    cell, a text date or two kinds of number in a column is read row by row. Blocks of two
    rows (rows 2–7 read by columns, the rest row by row) give the reading of one block: the
    same rows, defaults for empty cells (Status → not started), problems in row order, the
    blank row skipped, the text dates' order found, and External ID True ("yes") kept apart
    from 1 (equal in Python) though each came in a block of its own."""
    rows: list[list[Any]] = [
        ["Account", "External ID", "Seats", "Kickoff on"],
        ["Acme", 1, 10, dt.datetime(2026, 3, 1)],
        ["Beta", "7", 11, dt.datetime(2026, 3, 2)],
        ["Gamma", 7.0, None, None],
        [None, None, None, None],
        ["Zeta", "z", 5, dt.datetime(2026, 3, 6)],
        ["Theta", True, 6, dt.datetime(2026, 3, 7)],
        ["Delta", 7.5, "many", dt.datetime(2026, 3, 4)],
        [None, "no name", 4, None],
        ["Eta", "e", 6, "25/04/2026"],
        ["Iota", "i", 2, "03/04/2026"],
    ]
    milestones: list[list[Any]] = [
        ["Account", "Milestone", "Role", "Target day", "Status"],
        *(["Acme", f"Step {n}", "CSM", n, None if n % 2 else "achieved"] for n in range(5)),
    ]
    sheets = {"Accounts": rows, "Milestones": milestones}
    whole = read_sheets_as_book("t.xlsx", sheets)
    monkeypatch.setattr(book_parse, "BLOCK", 2)
    blocks = read_sheets_as_book("t.xlsx", sheets)
    assert blocks == whole
    assert [(a.row, a.external_id) for a in blocks.book.accounts] == [
        (2, "1"),
        (3, "7"),
        (4, "7"),
        (6, "z"),
        (7, "yes"),
        (10, "e"),
        (11, "i"),
    ]
    assert [a.row for a in blocks.book.accounts] == [a.row for a in whole.book.accounts]
    assert blocks.book.accounts[-1].kickoff_on == dt.date(2026, 4, 3)
    assert [m.status for m in blocks.book.milestones] == [
        Status.ACHIEVED if n % 2 == 0 else Status.NOT_STARTED for n in range(5)
    ]
    assert [(r.row, r.column) for r in blocks.rejected] == [(8, "Seats"), (9, "Account")]
    assert blocks.rows_read == whole.rows_read == 14


def test_every_row_type_has_plain_defaults() -> None:
    """A block of rows is parsed a column at a time, each missing cell taking its field's
    default read once from ``dataclasses.fields``; a ``default_factory`` would give None
    there and a fresh value row by row, so the two paths would read a sheet differently.
    No row type of the book's sheets may have one (review 15 #10)."""
    import dataclasses

    from csm_desktop.spreadsheets.book_sheets import SHEETS

    for sheet in SHEETS:
        for field in dataclasses.fields(sheet.row_type):
            assert field.default_factory is dataclasses.MISSING, (sheet.name, field.name)
