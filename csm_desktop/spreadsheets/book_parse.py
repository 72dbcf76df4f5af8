"""Reading one sheet of a book workbook: find its header row, parse its rows into the
format's row types, and list each bad cell with its reason (``RejectedRow``).

``book_workbook`` decides which sheets a file has and reads them; here one sheet's rows are
parsed as they come, ``BLOCK`` rows at a time, so a 600,000-row sheet is never held as cells
(issue 17). Every distinct cell of a column is parsed once (``_Remembered``): a usage sheet
repeats the same account, day and feature thousands of times. A block is parsed a column at
a time (``_SheetOut.add_block``) unless a row of it has a problem or a date as text; those
blocks go row by row, which says which cell is bad and lets a text date wait for its order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, islice, repeat
from operator import itemgetter
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


def _is_blank_row(values: Sequence[Any]) -> bool:
    head = values[0] if values else None  # a filled first cell: no need to look further
    blank_head = head is None or (isinstance(head, str) and not head.strip())
    return blank_head and all(map(_is_blank, values))


def _none_blank(block: list[tuple[int, Sequence[Any]]]) -> bool:
    """Whether every row of ``block`` has a filled first cell (so none is blank), told from
    the distinct first cells: a Python call per row cost more than the test."""
    rows = list(map(itemgetter(1), block))
    if not rows or not min(map(len, rows)):
        return False
    try:
        heads = set(map(itemgetter(0), rows))
    except TypeError:  # an unhashable cell: the rows are looked at one by one
        return False
    return None not in heads and all(not isinstance(h, str) or h.strip() for h in heads)


HEADER_SCAN_ROWS = 30  # a tracker may have a title and notes above its header
BLOCK = 2_000  # rows parsed a column at a time (``_SheetOut.add_block``)


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
    numbered = enumerate(chain(top[start + 1 :], rows), start=start + 2)
    while block := list(islice(numbered, BLOCK)):
        if waiting is None and out.add_block(block, present):
            continue
        for number, values in block:
            if _is_blank_row(values):
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
# Cells of these kinds are equal only to cells of their kind; numbers are equal across
# kinds (True == 1 == 1.0).
_OTHER_KINDS = frozenset({type(None), str, dt.date, dt.datetime, dt.time, dt.timedelta})
_NUMBER_KINDS = frozenset({bool, int, float})


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
        # The row type's fields in order, with their defaults (a required one has none).
        self.fields = [
            (f.name, None if f.default is dataclasses.MISSING else f.default)
            for f in dataclasses.fields(sheet.row_type)
        ]

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

    def add_block(
        self,
        block: list[tuple[int, Sequence[Any]]],
        present: list[tuple[Column, int, _Remembered]],
    ) -> bool:
        """Add a block of (row number, cells) parsed a column at a time: each distinct cell
        of a column parsed once, the rows made by ``map`` (a Python call per cell was most of
        reading a 5,000-account book). False, having added nothing, when a row of the block
        needs ``parse``: a bad or missing cell, a date as text (its order is not known yet).
        """
        filled = (
            block
            if _none_blank(block)
            else [(number, values) for number, values in block if not _is_blank_row(values)]
        )
        if not filled:
            return True
        rows = [values for _number, values in filled]
        width = min(map(len, rows))
        parsed: dict[str, list[Any]] = {}
        for column, position, parse in present:
            if position < width:
                raws = list(map(itemgetter(position), rows))
            else:
                raws = [values[position] if position < len(values) else None for values in rows]
            values = parse.column(raws)
            if values is None or (column.required and None in values):
                return False
            parsed[column.field] = values
        self.reading.rows_read += len(rows)
        count = len(rows)
        arguments: list[Iterable[Any]] = []
        for name, default in self.fields:
            given = parsed.get(name)
            if name == "row":
                arguments.append([number for number, _values in filled])
            elif name == "sheet" and self.part:
                arguments.append(repeat(self.part, count))
            elif given is None:
                arguments.append(repeat(default, count))
            elif default is not None and None in given:  # an empty cell keeps the default
                arguments.append([default if value is None else value for value in given])
            else:
                arguments.append(given)
        self.target.extend(map(self.sheet.row_type, *arguments))
        return True

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

    __slots__ = ("_parse", "parsed", "seen")

    def __init__(self, parse: Parse) -> None:
        self._parse = parse
        self.seen: dict[tuple[type, Any], tuple[Any, str | None]] = {}
        # The good cells' values by the cell, per kind of number in the column (``column``).
        self.parsed: dict[type | None, dict[Any, Any]] = {}

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

    def column(self, raws: list[Any]) -> list[Any] | None:
        """The parsed values of a column's cells; None when one is bad or waits (``_WAIT``),
        or is not a plain cell value (the row-by-row path deals with those). Looked up by
        the cell itself, no (type, cell) key made per cell: a column holds one kind of
        number at most here, and no other kinds of cell are equal."""
        kinds = set(map(type, raws))
        numbers = kinds & _NUMBER_KINDS
        if len(numbers) > 1 or not kinds <= _OTHER_KINDS | numbers:
            return None
        parsed = self.parsed.setdefault(next(iter(numbers), None), {})
        for raw in set(raws).difference(parsed):
            value, error = self(raw)
            if error is not None or value is _WAIT:
                return None
            parsed[raw] = value
        return list(map(parsed.__getitem__, raws))

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
