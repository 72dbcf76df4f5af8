"""``spreadsheets.xlsx_stream``: the book workbook's own streaming .xlsx writer reads back
cell for cell with openpyxl (full load: styles, frozen header, widths) and python-calamine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from csm_desktop.spreadsheets.xlsx_stream import XlsxStream

ROWS = [
    ["Acme & Sons <Ltd>", dt.date(2026, 1, 5), 3, 2.5, None],
    ["  spaced  ", dt.date(1999, 12, 31), -4, 1e-05, "tab\there\x07bell"],
    ["quote \" and '", None, 0, None, "line\nbreak"],
]


def write(path: Path) -> None:
    with XlsxStream(path) as book:
        assert book.add_sheet("Usage", ["Account", "Date", "Count", "Share", "Note"],
                              [12, 12, 9, 9, 20], ROWS) == 3  # fmt: skip
        assert book.add_sheet("Usage 2", ["Account"], [12], []) == 0


def test_openpyxl_reads_every_cell_style_and_view(tmp_path: Path) -> None:
    """Text escaped and kept with its spaces, the bell (not allowed in XML) dropped; dates
    as dates in yyyy-mm-dd; numbers as numbers; empty cells empty; a bold header frozen
    above the data; the widths given."""
    path = tmp_path / "out.xlsx"
    write(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Usage", "Usage 2"]
    sheet = book["Usage"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Account", "Date", "Count", "Share", "Note"]
    assert values[1] == ["Acme & Sons <Ltd>", dt.datetime(2026, 1, 5), 3, 2.5, None]
    assert values[2] == ["  spaced  ", dt.datetime(1999, 12, 31), -4, 1e-05, "tab\therebell"]
    assert values[3] == ["quote \" and '", None, 0, None, "line\nbreak"]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width == 20
    assert [list(r) for r in book["Usage 2"].iter_rows(values_only=True)] == [["Account"]]


def test_calamine_reads_the_same_values(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write(path)
    with CalamineWorkbook.from_path(str(path)) as book:
        rows = book.get_sheet_by_name("Usage").to_python(skip_empty_area=False)
    assert rows[1] == ["Acme & Sons <Ltd>", dt.date(2026, 1, 5), 3.0, 2.5, ""]
    assert rows[2][:3] == ["  spaced  ", dt.date(1999, 12, 31), -4.0]
