"""Writing a book workbook (DESIGN §5): one .xlsx, replaced only once fully written.

Split from ``book_workbook`` (which reads the format and re-exports these names): writing
has its own failure modes: Excel's row and cell limits. Sheets are streamed by ``xlsx_stream``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadFile
from csm_desktop.safe_output import check_output_target, write_output_file
from csm_desktop.spreadsheets import book_cells as cell
from csm_desktop.spreadsheets.book_cells import CellOut
from csm_desktop.spreadsheets.book_sheets import MAX_DATA_ROWS, SHEETS, BookWorkbook, Sheet
from csm_desktop.spreadsheets.xlsx_stream import XlsxStream


def book_rows(book: BookWorkbook, sheet: Sheet) -> Iterator[list[CellOut]]:
    """The cells of ``sheet``'s data rows, ready to write (text neutralised)."""
    return sheet_cells(sheet, getattr(book, sheet.attribute))


def sheet_cells(sheet: Sheet, records: Iterable[Any]) -> Iterator[list[CellOut]]:
    """The cells of ``records`` (rows of ``sheet``), ready to write (text neutralised)."""
    fields = operator.attrgetter(*(column.field for column in sheet.columns))
    render = cell.render
    if len(sheet.columns) == 1:  # attrgetter of one name gives the value, not a tuple
        for record in records:
            yield [render(fields(record))]
        return
    for record in records:
        yield list(map(render, fields(record)))


SheetPart = tuple[str, Sheet, Iterable[Any]]
"""One sheet to write: its name (``Usage 2`` for a part of a split sheet), what it holds and
its rows (records of ``sheet.row_type``), which may be a stream."""


def write_book_workbook(book: BookWorkbook, path: Path) -> None:
    """Write ``book`` to ``path`` as an .xlsx, replacing it only once fully written.

    The target is checked (never the open book, never a missing folder) before the workbook
    is built, so nothing is half-made when the file cannot be written.
    """
    path = Path(path)
    check_output_target(path)
    for sheet in SHEETS:
        count = len(getattr(book, sheet.attribute))
        if count > MAX_DATA_ROWS:
            raise BadFile(
                f"The {sheet.name} sheet would need {count:,} rows; an Excel sheet holds "
                f"{MAX_DATA_ROWS:,}. Archive old usage before exporting the book."
            )
    write_book_sheets(path, [(s.name, s, getattr(book, s.attribute)) for s in SHEETS])


def write_book_sheets(
    path: Path, parts: Iterable[SheetPart], written: Callable[[int], None] | None = None
) -> None:
    """Write ``parts`` in order as the sheets of an .xlsx at ``path``, streamed row by row
    (``xlsx_stream``: nothing but a batch of XML text is held), replacing ``path`` only once
    fully written. ``written(rows)`` hears at each sheet and every ``PROGRESS_ROWS`` rows and
    may raise (``Cancelled``): the half-written file is then dropped and nothing replaced."""
    rows = 0

    def checked(name: str, sheet: Sheet, records: Iterable[Any]) -> Iterator[list[CellOut]]:
        nonlocal rows
        for row, cells in enumerate(sheet_cells(sheet, records), start=2):
            for value in cells:
                if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                    raise _too_long(name, sheet, row, cells)
            yield cells
            rows += 1
            if written is not None and not rows % PROGRESS_ROWS:
                written(rows)

    def write(target: Path) -> None:
        with XlsxStream(target) as workbook:
            for name, sheet, records in parts:
                if written is not None:
                    written(rows)
                widths = [max(12, len(column.header) + 4) for column in sheet.columns]
                workbook.add_sheet(name, sheet.headers, widths, checked(name, sheet, records))

    write_output_file(path, write)


PROGRESS_ROWS = 10_000


EXCEL_CELL_CHARS = 32_767  # Excel keeps no more of a cell's text: the rest would be lost


def _too_long(name: str, sheet: Sheet, row: int, cells: list[CellOut]) -> BadFile:
    """The refusal naming the cell whose text Excel would cut (nothing is written)."""
    index = next(i for i, c in enumerate(cells) if isinstance(c, str) and len(c) > EXCEL_CELL_CHARS)
    text = cells[index]
    owner = f" ({cells[0]})" if index and isinstance(cells[0], str) else ""
    return BadFile(
        f"Not exported: the {name} sheet, row {row}, column {sheet.headers[index]}{owner} "
        f"holds {len(str(text)):,} characters and an Excel cell keeps at most "
        f"{EXCEL_CELL_CHARS:,}, so the rest would be lost. Shorten that text in the app and "
        "export again."
    )
