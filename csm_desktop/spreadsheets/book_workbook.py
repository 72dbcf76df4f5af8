"""The book workbook format (DESIGN §5): how a book leaves and enters the app as one .xlsx.

A CSM moves from a spreadsheet tracker into the app with it, backs a book up, or hands it
over. This module only knows the format: six sheets with fixed headers, typed rows as plain
dataclasses, and the reasons a row cannot be used. It never touches the database; the
service decides what a row means for the book.

Conventions: dates are real date cells on export and date cells or ISO text on import;
yes/no flags are ``yes``/``no``; an empty cell means "none"; every text is neutralised
against formula injection on export and restored on import (``safe_cells``). Surrounding
whitespace of a text is trimmed on import. Header names and sheet names are matched ignoring
case and surrounding space; columns may come in any order and extra columns are ignored.

This module reads; the sheets, row types and headers live in ``book_sheets`` and writing in
``book_writer``. Every name of the format stays importable from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.book_cells import CellError, DateColumn, Parse
from csm_desktop.spreadsheets.book_headers import locate_columns
from csm_desktop.spreadsheets.book_sheets import (
    ACCOUNTS,
    DATE,
    MAX_DATA_ROWS,
    SHEET_HEADERS,
    SHEETS,
    USAGE,
    AccountRow,
    BookReading,
    BookWorkbook,
    Column,
    ContactRow,
    FeatureRow,
    KickoffRow,
    MilestoneRow,
    RejectedRow,
    Sheet,
    UsageRow,
    ValueMetricRow,
    sheet_order,
    usage_part,
)
from csm_desktop.spreadsheets.book_writer import EXCEL_CELL_CHARS, book_rows, write_book_workbook
from csm_desktop.spreadsheets.guards import check_not_encrypted, check_workbook
from csm_desktop.spreadsheets.learning_sheets import FeedbackRow, RenewalRow

ZIP_MAGIC = b"PK\x03\x04"

# The format's names stay importable from here (callers and tests import this module).
__all__ = [
    "ACCOUNTS",
    "DATE",
    "EXCEL_CELL_CHARS",
    "HEADER_SCAN_ROWS",
    "MAX_DATA_ROWS",
    "SHEETS",
    "SHEET_HEADERS",
    "ZIP_MAGIC",
    "AccountRow",
    "BookReading",
    "BookWorkbook",
    "Column",
    "ContactRow",
    "FeatureRow",
    "FeedbackRow",
    "KickoffRow",
    "MilestoneRow",
    "RejectedRow",
    "RenewalRow",
    "Sheet",
    "UsageRow",
    "ValueMetricRow",
    "accounts_sheet_name",
    "book_rows",
    "check_workbook_file",
    "header_row",
    "parse_sheet",
    "read_book_workbook",
    "read_sheets",
    "read_sheets_as_book",
    "rejected_rows_table",
    "sheet_order",
    "usage_part",
    "write_book_workbook",
]


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def check_workbook_file(path: Path) -> None:
    """Refuse, before parsing, a file that is missing, not an .xlsx, or hostile.

    The zip and XML bomb checks are those of ``guards`` (shared with the usage import).
    """
    path = Path(path)
    if not path.is_file():
        raise BadFile(f"{path} does not exist or is not a file. Choose a book workbook (.xlsx).")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(ZIP_MAGIC))
    except OSError as exc:
        raise BadFile(f"Cannot read {path}: {exc.strerror}. Check the file.") from None
    if magic != ZIP_MAGIC:
        check_not_encrypted(path)
        raise BadFile(
            f"{path.name} is not an Excel workbook (.xlsx). A book workbook is the .xlsx that "
            "File → Export book workbook writes; save yours from Excel as .xlsx."
        )
    check_workbook(path)


def read_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells by sheet name, in workbook order (after ``check_workbook_file``)."""
    path = Path(path)
    check_workbook_file(path)
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is slower
        return _read_sheets_openpyxl(path)
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            return {
                name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in workbook.sheet_names
            }
    except CalamineError:
        return _read_sheets_openpyxl(path)


def _read_sheets_openpyxl(path: Path) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise BadFile(
            f"{path} cannot be read as an Excel workbook ({exc}). Save it from Excel as .xlsx "
            "and try again."
        ) from None
    try:
        return {
            worksheet.title: [list(row) for row in worksheet.iter_rows(values_only=True)]
            for worksheet in workbook.worksheets
        }
    finally:
        workbook.close()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


HEADER_SCAN_ROWS = 30  # a tracker may have a title and notes above its header


def accounts_sheet_name(where: str, names: Sequence[str], wanted: str | None = None) -> str:
    """The sheet holding the accounts: ``wanted`` (``--sheet``), the only sheet, or the one
    named Accounts; ``BadFile`` naming the sheets there are otherwise."""
    listed = ", ".join(f'"{n}"' for n in names) or "none"
    if wanted is not None:
        found = next((n for n in names if _normal(n) == _normal(wanted)), None)
        if found is None:
            raise BadFile(f'{where} has no sheet "{wanted}". Its sheets are: {listed}.')
        return found
    if len(names) == 1:
        return names[0]
    found = next((n for n in names if _normal(n) == _normal(ACCOUNTS)), None)
    if found is None:
        raise BadFile(
            f'{where} has no sheet "{ACCOUNTS}" and {len(names)} sheets ({listed}). Rename the '
            "sheet that lists your accounts to Accounts, or name it with --sheet NAME."
        )
    return found


def header_row(
    where: str,
    sheet: Sheet,
    cells: Sequence[Sequence[Any]],
    column_map: Mapping[str, str] | None = None,
    name: str | None = None,
) -> tuple[int, dict[str, int], tuple[str, ...]]:
    """(0-based header row, field → column, unused headers): the first of the top rows whose
    headers name every required column; the error of the first non-blank row otherwise."""
    shown = name or sheet.name
    fields = [column.named for column in sheet.columns]
    candidates = [
        i for i, row in enumerate(cells[:HEADER_SCAN_ROWS]) if not all(map(_is_blank, row))
    ]
    problems: list[BadFile | BadInput] = []
    for index in candidates:
        try:
            match = locate_columns(where, shown, fields, cells[index], column_map)
        except (BadFile, BadInput) as exc:  # a title row above the header: try the next row
            problems.append(exc)
            continue
        return index, match.positions, match.unused
    if not problems:
        locate_columns(where, shown, fields, [], column_map)  # raises: no header at all
    # The row where every --map column was found says best what is missing.
    raise next((p for p in problems if isinstance(p, BadFile)), problems[0])


def parse_sheet(
    where: str,
    sheet: Sheet,
    cells: list[list[Any]],
    reading: BookReading,
    column_map: Mapping[str, str] | None = None,
    name: str | None = None,
    part: str | None = None,
) -> None:
    """Add the sheet's usable rows to ``reading.book`` and its bad cells to ``rejected``.
    ``part`` names a continuation of the sheet (``Usage 2``): its rows say they come from it."""
    start, positions, unused = header_row(where, sheet, cells, column_map, name)
    reading.columns_read[sheet.name] = frozenset(positions)
    reading.ignored.extend(f'{name or sheet.name}: column "{h}"' for h in unused)
    rows = [(n, values) for n, values in enumerate(cells[start + 1 :], start=start + 2)]
    rows = [(n, values) for n, values in rows if not all(map(_is_blank, values))]
    parsers: dict[str, Parse] = {}
    for column in sheet.columns:
        if column.field not in positions:
            continue
        parse = column.parse
        if parse is DATE:  # day/month order decided per column, as the usage import does
            index = positions[column.field]
            values = [v[index] for _n, v in rows if index < len(v)]
            parse = DateColumn.for_values(values, f"{where}, column {column.header}")
        parsers[column.field] = parse
    present = [
        (column, positions[column.field], _Remembered(parsers[column.field]))
        for column in sheet.columns
        if column.field in positions
    ]
    target: list[Any] = getattr(reading.book, sheet.attribute)
    shown = part or sheet.name
    for number, values in rows:
        reading.rows_read += 1
        kwargs: dict[str, Any] = {"sheet": part} if part else {}
        problems: list[RejectedRow] = []
        width = len(values)
        for column, position, parse in present:
            raw = values[position] if position < width else None
            value, error = parse(raw)
            if error is not None:
                problems.append(RejectedRow(shown, number, column.header, _shown(raw), error))
                continue
            if value is None and column.required:
                problems.append(
                    RejectedRow(shown, number, column.header, "", "is required but empty")
                )
            elif value is not None:
                kwargs[column.field] = value
        if not problems:
            target.append(sheet.row_type(row=number, **kwargs))
            continue
        reading.rejected.extend(problems)
        if sheet.row_type is AccountRow and "name" in kwargs:
            reading.rejected_accounts.setdefault(kwargs["name"], number)


class _Remembered:
    """A column's parser that parses each distinct cell once: a usage sheet repeats the same
    account, day and feature thousands of times. Keys carry the type, so True, 1 and 1.0
    (equal in Python) stay apart."""

    __slots__ = ("_parse", "_seen")

    def __init__(self, parse: Parse) -> None:
        self._parse = parse
        self._seen: dict[tuple[type, Any], tuple[Any, str | None]] = {}

    def __call__(self, raw: Any) -> tuple[Any, str | None]:
        key = (type(raw), raw)
        try:
            return self._seen[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell: parse it every time
            return self._outcome(raw)
        outcome = self._seen[key] = self._outcome(raw)
        return outcome

    def _outcome(self, raw: Any) -> tuple[Any, str | None]:
        try:
            return self._parse(raw), None
        except CellError as exc:
            return None, str(exc)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_book_workbook(
    path: Path,
    *,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
) -> BookReading:
    """Read a book workbook or a CSM's tracker; bad rows are listed, not raised.

    Only the accounts sheet is required (``accounts_sheet_name``); the other sheets of
    DESIGN §5 are read when present, by name. ``column_map`` (``--map``) applies to the
    accounts sheet. Raises ``BadFile`` for a file that is not a workbook, or a sheet that
    lacks a required column (the message names the headers found and those expected).
    """
    path = Path(path)
    sheets = read_sheets(path)
    return read_sheets_as_book(str(path), sheets, sheet=sheet, column_map=column_map)


def read_sheets_as_book(
    where: str,
    sheets: Mapping[str, list[list[Any]]],
    *,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
) -> BookReading:
    """``read_book_workbook`` on sheets already read (the wizard reads the file once)."""
    accounts = accounts_sheet_name(where, list(sheets), sheet)
    reading = BookReading(BookWorkbook(), [], 0)
    by_name = {_normal(name): name for name in sheets if name != accounts}
    for book_sheet in SHEETS:
        if book_sheet.name == ACCOUNTS:
            parse_sheet(where, book_sheet, sheets[accounts], reading, column_map, accounts)
            continue
        name = by_name.pop(_normal(book_sheet.name), None)
        if name is not None:
            parse_sheet(where, book_sheet, sheets[name], reading)
        if book_sheet.name == USAGE:  # a split export continues in Usage 2, Usage 3…
            parts = sorted((usage_part(n) or 0, n) for n in by_name.values() if usage_part(n))
            for _number, part in parts:
                by_name.pop(_normal(part))
                parse_sheet(where, book_sheet, sheets[part], reading, name=part, part=part)
    reading.ignored[:0] = [f'sheet "{name}"' for name in by_name.values()]
    return reading


def rejected_rows_table(rejected: Iterable[RejectedRow]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a rejected-rows file."""
    header = [f.name.capitalize() for f in fields(RejectedRow)]
    return header, [[r.sheet, r.row, r.column, r.value, r.reason] for r in rejected]
