"""Reading one sheet of a book workbook: find its header row, parse its rows into the
format's row types, and list each bad cell with its reason (``RejectedRow``).

``book_workbook`` decides which sheets a file has and reads them; here one sheet's rows are
parsed as they come, so a 600,000-row sheet is never held as cells (issue 17). Every
distinct cell of a column is parsed once (``_Remembered``): a usage sheet repeats the same
account, day and feature thousands of times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, islice
from typing import Any

from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.book_cells import CellError, DateColumn, Parse
from csm_desktop.spreadsheets.book_headers import locate_columns
from csm_desktop.spreadsheets.book_sheets import (
    DATE,
    AccountRow,
    BookReading,
    Column,
    RejectedRow,
    Sheet,
)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


HEADER_SCAN_ROWS = 30  # a tracker may have a title and notes above its header


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
    cells: Iterable[Sequence[Any]],
    reading: BookReading,
    column_map: Mapping[str, str] | None = None,
    name: str | None = None,
    part: str | None = None,
) -> None:
    """Add the sheet's usable rows to ``reading.book`` and its bad cells to ``rejected``.
    ``part`` names a continuation of the sheet (``Usage 2``): its rows say they come from it.

    ``cells`` is read once, row by row (a 600,000-row sheet is never held as cells). A date
    column's day/month order is decided by its slashed texts (``DateColumn.for_values``),
    which can only be known at the end; so a row with a text in a date column waits, and
    from the first such row on, rows are kept in order until the order is known. An export's
    dates are date cells, so its rows never wait."""
    rows = iter(cells)
    top = list(islice(rows, HEADER_SCAN_ROWS))
    start, positions, unused = header_row(where, sheet, top, column_map, name)
    reading.columns_read[sheet.name] = frozenset(positions)
    reading.ignored.extend(f'{name or sheet.name}: column "{h}"' for h in unused)
    present = [
        (column, positions[column.field], _Remembered(_WaitForText()))
        if column.parse is DATE
        else (column, positions[column.field], _Remembered(column.parse))
        for column in sheet.columns
        if column.field in positions
    ]
    out = _SheetOut(reading, sheet, part)
    waiting: list[tuple[int, Sequence[Any] | None, Any]] | None = None
    for number, values in enumerate(chain(top[start + 1 :], rows), start=start + 2):
        head = values[0] if values else None  # a filled first cell: no need to look further
        blank_head = head is None or (isinstance(head, str) and not head.strip())
        if blank_head and all(map(_is_blank, values)):
            continue
        reading.rows_read += 1
        parsed = out.parse(number, values, present)
        if parsed is _WAIT:
            waiting = waiting if waiting is not None else []
            waiting.append((number, values, None))
        elif waiting is not None:
            waiting.append((number, None, parsed))
        else:
            out.add(number, parsed)
    if waiting is None:
        return
    dated = [  # the order of each date column, from the rows with a text in one
        (
            column,
            position,
            _Remembered(
                DateColumn.for_values(
                    [v[position] for _n, v, _p in waiting if v is not None and position < len(v)],
                    f"{where}, column {column.header}",
                )
            )
            if column.parse is DATE
            else parse,
        )
        for column, position, parse in present
    ]
    for number, kept, parsed in waiting:
        out.add(number, parsed if kept is None else out.parse(number, kept, dated))


_WAIT: Any = object()  # a row with a date as text: parsed once its column's order is known


class _WaitForText:
    """A date column's parser before its day/month order is known: date cells and blanks
    (which no order changes) are parsed; a text says ``_WAIT``."""

    __slots__ = ("_parse",)

    def __init__(self) -> None:
        self._parse = DateColumn(None)

    def __call__(self, raw: Any) -> Any:
        if isinstance(raw, str) and raw.strip():
            return _WAIT
        return self._parse(raw)


class _SheetOut:
    """One sheet's rows parsed into ``reading``: the row objects, or the row's bad cells."""

    def __init__(self, reading: BookReading, sheet: Sheet, part: str | None) -> None:
        self.reading = reading
        self.sheet = sheet
        self.part = part
        self.shown = part or sheet.name
        self.target: list[Any] = getattr(reading.book, sheet.attribute)

    def parse(
        self, number: int, values: Sequence[Any], present: list[tuple[Column, int, _Remembered]]
    ) -> Any:
        """(the row's fields, its problems), or ``_WAIT``."""
        kwargs: dict[str, Any] = {"sheet": self.part} if self.part else {}
        problems: list[RejectedRow] = []
        width = len(values)
        for column, position, parse in present:
            raw = values[position] if position < width else None
            try:  # ``parse(raw)``, its look-up written out: 1.2 million cells at 5,000 accounts
                value, error = parse.seen[(raw.__class__, raw)]
            except (KeyError, TypeError):
                value, error = parse(raw)
            if value is _WAIT:
                return _WAIT
            if error is not None:
                problems.append(RejectedRow(self.shown, number, column.header, _shown(raw), error))
                continue
            if value is None and column.required:
                problems.append(
                    RejectedRow(self.shown, number, column.header, "", "is required but empty")
                )
            elif value is not None:
                kwargs[column.field] = value
        return kwargs, problems

    def add(self, number: int, parsed: tuple[dict[str, Any], list[RejectedRow]]) -> None:
        kwargs, problems = parsed
        if not problems:
            self.target.append(self.sheet.row_type(row=number, **kwargs))
            return
        self.reading.rejected.extend(problems)
        if self.sheet.row_type is AccountRow and "name" in kwargs:
            self.reading.rejected_accounts.setdefault(kwargs["name"], number)


class _Remembered:
    """A column's parser that parses each distinct cell once: a usage sheet repeats the same
    account, day and feature thousands of times. Keys carry the type, so True, 1 and 1.0
    (equal in Python) stay apart."""

    __slots__ = ("_parse", "seen")

    def __init__(self, parse: Parse) -> None:
        self._parse = parse
        self.seen: dict[tuple[type, Any], tuple[Any, str | None]] = {}

    def __call__(self, raw: Any) -> tuple[Any, str | None]:
        key = (raw.__class__, raw)
        try:
            return self.seen[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell: parse it every time
            return self._outcome(raw)
        outcome = self.seen[key] = self._outcome(raw)
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
