"""The "Import tracker…" wizard's steps over the book workbook import: read, map, preview.

The wizard and ``csm-desktop import-book`` are one import: the wizard reads the file once
(``open_tracker``), shows each column of the accounts sheet with the field the headers
suggest (``tracker_columns``), lets the CSM change any guess, previews what would be stored
(``preview_tracker``) and commits with ``services.book_workbook.import_book`` given the same
reading, sheet and column map (``--sheet``, ``--map`` on the command line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.book_headers import IGNORE, header_key, locate_columns
from csm_desktop.spreadsheets.book_workbook import (
    ACCOUNTS,
    SHEETS,
    BookReading,
    accounts_sheet_name,
    header_row,
    read_sheets,
    read_sheets_as_book,
)
from csm_desktop.spreadsheets.usage_headers import column_letter

ACCOUNTS_SHEET = next(sheet for sheet in SHEETS if sheet.name == ACCOUNTS)
# What a column may be read as, in the order the wizard offers them (the §5 headers).
ACCOUNT_FIELDS: tuple[str, ...] = tuple(column.header for column in ACCOUNTS_SHEET.columns)
SAMPLE_ROWS = 3


@dataclass(frozen=True)
class TrackerFile:
    """A workbook read once: every sheet's cells, and the sheet that looks like accounts."""

    path: Path
    sheets: dict[str, list[list[Any]]]
    suggested_sheet: str | None  # None when no sheet can be told apart: the CSM chooses


@dataclass(frozen=True, slots=True)
class TrackerColumn:
    """One column of the accounts sheet: its header, letter, a few values, and the field
    (a §5 header such as "ARR") its header suggests, or None."""

    header: str
    letter: str
    samples: tuple[str, ...]
    guess: str | None


def open_tracker(path: Path) -> TrackerFile:
    """Read the workbook (``BadFile`` for what is not one)."""
    path = Path(path)
    sheets = read_sheets(path)
    try:
        suggested: str | None = accounts_sheet_name(str(path), list(sheets))
    except BadFile:
        suggested = None
    return TrackerFile(path, sheets, suggested)


def tracker_columns(tracker: TrackerFile, sheet: str) -> list[TrackerColumn]:
    """The columns of ``sheet``'s header row with the guessed field of each."""
    cells = tracker.sheets[sheet]
    lenient = replace(
        ACCOUNTS_SHEET,
        columns=tuple(replace(column, required=False) for column in ACCOUNTS_SHEET.columns),
    )
    try:
        start, positions, _unused = header_row(str(tracker.path), ACCOUNTS_SHEET, cells)
    except BadFile:  # no row names an account column: offer the first row, nothing guessed
        start = next((i for i, row in enumerate(cells) if any(_shown(v) for v in row)), 0)
        fields = [column.named for column in lenient.columns]
        header = cells[start] if cells else []
        positions = locate_columns(str(tracker.path), sheet, fields, header).positions
    header = cells[start] if cells else []
    by_index = {index: field for field, index in positions.items()}
    headers = {column.field: column.header for column in ACCOUNTS_SHEET.columns}
    body = [row for row in cells[start + 1 :] if any(_shown(v) for v in row)][:SAMPLE_ROWS]
    columns = []
    for index, cell in enumerate(header):
        shown = _shown(cell)
        if not shown:
            continue
        samples = tuple(_shown(row[index]) if index < len(row) else "" for row in body)
        field = by_index.get(index)
        columns.append(
            TrackerColumn(shown, column_letter(index), samples, headers[field] if field else None)
        )
    return columns


def column_map_of(
    columns: list[TrackerColumn], choices: Mapping[str, str | None]
) -> dict[str, str]:
    """The wizard's choices (column letter → §5 header or None) as a ``--map``: keyed by
    header text, which finds the header row below a title, or by letter for a header that
    appears twice."""
    texts = [header_key(column.header) for column in columns]
    mapping: dict[str, str] = {}
    for column in columns:
        key = column.header if texts.count(header_key(column.header)) == 1 else column.letter
        mapping[key] = choices.get(column.letter) or IGNORE
    return mapping


def preview_tracker(tracker: TrackerFile, sheet: str, column_map: Mapping[str, str]) -> BookReading:
    """What importing with these choices would read: accounts, other sheets, rejected rows.
    ``BadFile`` when a required column (Account) is still not chosen."""
    return read_sheets_as_book(
        str(tracker.path), tracker.sheets, sheet=sheet, column_map=column_map
    )


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value).strip()
