"""Writing a book workbook (DESIGN §5): one .xlsx, replaced only once fully written.

Split from ``book_workbook`` (which reads the format and re-exports these names): writing
has its own failure modes: Excel's row and cell limits. Sheets are streamed by ``xlsx_stream``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadFile
from csm_desktop.safe_output import check_output_target, write_output_file
from csm_desktop.spreadsheets import book_cells as cell
from csm_desktop.spreadsheets.book_cells import CellOut
from csm_desktop.spreadsheets.book_sheets import MAX_DATA_ROWS, SHEETS, BookWorkbook, Sheet
from csm_desktop.spreadsheets.guards import column_letters
from csm_desktop.spreadsheets.xlsx_stream import (
    DATE_STYLE,
    XlsxStream,
    date_serial,
    row_xml,
    text_cell,
)


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
    for record in records:  # empty fields skip the call (half a milestone row's are)
        yield [None if value is None else render(value) for value in fields(record)]


@dataclass(frozen=True)
class UsageCodes:
    """Usage rows as a book stores them: (account id, day number, feature id, count, active
    users), the texts of the ids in ``accounts`` and ``features``, ``day_of(number)`` the
    date of a day number (consecutive numbers, consecutive days). Written without a record
    per row: a 50,000-account book has 10 million usage rows (issue 17)."""

    rows: Iterable[tuple[int, int, int, Any, Any]]
    accounts: Mapping[int, str]
    features: Mapping[int, str]
    day_of: Callable[[int], dt.date]


SheetPart = tuple[str, Sheet, "Iterable[Any] | UsageCodes"]
"""One sheet to write: its name (``Usage 2`` for a part of a split sheet), what it holds and
its rows (records of ``sheet.row_type``, or the Usage sheet's ``UsageCodes``), which may be a
stream."""


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
) -> dict[str, int]:
    """Write ``parts`` in order as the sheets of an .xlsx at ``path``, streamed row by row
    (``xlsx_stream``: nothing but a batch of XML text is held), replacing ``path`` only once
    fully written; the data rows written per sheet (``Usage 2`` counted as Usage).
    ``written(rows)`` hears at each sheet and every ``PROGRESS_ROWS`` rows and may raise
    (``Cancelled``): the half-written file is then dropped and nothing replaced."""
    rows = 0
    by_sheet = {sheet.name: 0 for sheet in SHEETS}

    def heard(more: int) -> None:
        nonlocal rows
        rows += more
        if written is not None:
            written(rows)

    def checked(name: str, sheet: Sheet, records: Iterable[Any]) -> Iterator[list[CellOut]]:
        nonlocal rows
        for row, cells in enumerate(sheet_cells(sheet, records), start=2):
            _check_cells(name, sheet, row, cells)
            yield cells
            rows += 1
            by_sheet[sheet.name] += 1
            if written is not None and not rows % PROGRESS_ROWS:
                written(rows)

    def write(target: Path) -> None:
        with XlsxStream(target) as workbook:
            for name, sheet, records in parts:
                heard(0)
                widths = [max(12, len(column.header) + 4) for column in sheet.columns]
                if isinstance(records, UsageCodes):
                    usage = _UsageXml(name, sheet, records, heard)
                    workbook.add_sheet_xml(name, sheet.headers, widths, usage)
                    by_sheet[sheet.name] += usage.rows
                else:
                    workbook.add_sheet(name, sheet.headers, widths, checked(name, sheet, records))

    write_output_file(path, write)
    return by_sheet


class _UsageXml:
    """The Usage sheet's rows as XML chunks of ``PROGRESS_ROWS`` rows, from ``UsageCodes``:
    one f-string a row. An account's name and a feature's key are rendered (neutralised,
    escaped, checked against Excel's cell limit) once per distinct id; the date's serial is
    the day number plus the serial of day 0. A row whose texts render to no cell, or whose
    numbers are not ints, is written by ``row_xml`` from its rendered cells, as any sheet's.
    ``rows`` counts the rows written; ``heard(rows)`` hears each chunk (and may raise)."""

    def __init__(
        self, name: str, sheet: Sheet, codes: UsageCodes, heard: Callable[[int], None]
    ) -> None:
        self.name, self.sheet, self.codes, self.heard = name, sheet, codes, heard
        self.letters = [column_letters(i) for i in range(1, len(sheet.columns) + 1)]
        self.rows = 0

    def __iter__(self) -> Iterator[str]:
        codes, names = self.codes, self.codes.accounts
        day0 = date_serial(codes.day_of(0))
        date = f'" s="{DATE_STYLE}"><v>'  # a date cell after its reference
        tails = {id_: self._tail(key) for id_, key in codes.features.items()}
        rows = iter(codes.rows)
        n = 1
        current, name = None, None
        while True:
            out: list[str] = []
            for account, day, feature, count, users in islice(rows, PROGRESS_ROWS):
                n += 1
                if account != current:
                    current, name = account, self._tail(names[account])
                key = tails[feature]
                if name is None or key is None or type(count) is not int:
                    out.append(self._row(n, account, day, feature, count, users))
                elif users is None:
                    r = str(n)
                    out.append(
                        f'<row r="{r}"><c r="A{r}{name}<c r="B{r}{date}{day + day0}</v></c>'
                        f'<c r="C{r}{key}<c r="D{r}"><v>{count}</v></c></row>'
                    )
                elif type(users) is int:
                    r = str(n)
                    out.append(
                        f'<row r="{r}"><c r="A{r}{name}<c r="B{r}{date}{day + day0}</v></c>'
                        f'<c r="C{r}{key}<c r="D{r}"><v>{count}</v></c>'
                        f'<c r="E{r}"><v>{users}</v></c></row>'
                    )
                else:  # not the common shape: as any sheet's row
                    out.append(self._row(n, account, day, feature, count, users))
            if not out:
                return
            yield "".join(out)
            self.rows = n - 1
            self.heard(len(out))

    def _cells(self, account: int, day: int, feature: int, count: Any, users: Any) -> list[Any]:
        values = (self.codes.accounts[account], self.codes.day_of(day),
                  self.codes.features[feature], count, users)  # fmt: skip
        return [cell.render(value) for value in values]

    def _tail(self, text: str) -> str | None:
        """The XML after the reference of ``text``'s cell; None when it renders to no cell or
        to more than Excel keeps (its rows are then written, or refused, by ``_row``)."""
        value = cell.render(text)
        if not isinstance(value, str) or len(value) > EXCEL_CELL_CHARS:
            return None
        return text_cell(value)

    def _row(self, n: int, *codes: Any) -> str:
        cells = self._cells(*codes)
        _check_cells(self.name, self.sheet, n, cells)
        return row_xml(n, self.letters, cells)


PROGRESS_ROWS = 10_000


EXCEL_CELL_CHARS = 32_767  # Excel keeps no more of a cell's text: the rest would be lost


def _check_cells(name: str, sheet: Sheet, row: int, cells: list[CellOut]) -> None:
    """Refuse (``BadFile``) a row with a text Excel would cut."""
    for value in cells:
        if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
            raise _too_long(name, sheet, row, cells)


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
