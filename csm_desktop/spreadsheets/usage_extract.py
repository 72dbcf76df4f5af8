"""Turn the cells of a usage table into clean usage rows, and say why others cannot be used.

Given a ``UsageLayout``, this reads every data row: accounts, days (timestamps become days
in the book's time zone), features and counts (whole numbers in the file's decimal style;
an event log's rows count 1 each), in one of the four shapes. Lines that are not data
(totals, footers, comments, blank lines) are skipped without blocking; group labels left
blank by a grouped report are filled down; every other row it cannot use is listed with
row, column, value and reason. It works column by column with one cache per column, so a
180,000-row sheet costs a few dictionary look-ups per cell, not a parse per cell.

No SQL and no Qt: rows in, clean columns and problems out. Matching accounts and features
to the book is the service's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import itemgetter
from typing import Any

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits
from csm_desktop.spreadsheets.readers import Cell, SheetTable
from csm_desktop.spreadsheets.usage_cells import (
    BLANK,
    CellIssue,
    ColumnCache,
    cell_text,
    text_converter,
)
from csm_desktop.spreadsheets.usage_dates import DateReader, slash_order
from csm_desktop.spreadsheets.usage_headers import (
    ACCOUNT,
    COUNT,
    DATE,
    EXTERNAL_ID,
    FEATURE,
    USER_ID,
    USERS,
)
from csm_desktop.spreadsheets.usage_layout import UsageLayout
from csm_desktop.spreadsheets.usage_lines import SkippedLine, fill_down, find_skipped_lines
from csm_desktop.spreadsheets.usage_numbers import CountReader, Decimal, detect_decimal

MAX_FEATURE_CHARS = 255


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One row (or cell) the import cannot use, as listed in the rejected-rows file."""

    row: int  # row number in the sheet, as Excel shows it
    column: str  # header of the column at fault; "" when the whole row is at fault
    value: str
    reason: str
    blocking: bool = True  # False for blank, total and footer lines, which --strict tolerates


@dataclass(slots=True)
class UsageRows:
    """Clean usage, one entry per usage event in parallel lists (columns, for speed)."""

    rows_read: int
    rows: list[int] = field(default_factory=list)  # sheet row of each event
    external_ids: list[str] | None = None  # "" where the row gave none
    names: list[str] | None = None
    days: list[str] = field(default_factory=list)  # ISO dates, as the database stores them
    features: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    users: list[int | None] = field(default_factory=list)
    user_ids: list[str | None] | None = None  # event log: who did each event, when known
    rejected: list[RejectedRow] = field(default_factory=list)
    filled: dict[str, int] = field(default_factory=dict)  # column → group labels filled down
    filled_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → label
    decimal: Decimal | None = None  # the decimal separator the counts were read with

    @property
    def rows_rejected(self) -> int:
        """Rows with a problem that blocks (not the skipped lines)."""
        return len({problem.row for problem in self.rejected if problem.blocking})

    @property
    def lines_skipped(self) -> int:
        """Blank, total, footer and comment lines under the header."""
        blocking = {problem.row for problem in self.rejected if problem.blocking}
        return len({p.row for p in self.rejected if not p.blocking} - blocking)


_Converted = dict[str, tuple[int, ColumnCache, list[object]]]


def extract_usage(
    table: SheetTable,
    layout: UsageLayout,
    *,
    date_format: str | None = None,
    decimal: Decimal | None = None,
    default_decimal: Decimal | None = None,
    time_zone: str | dt.tzinfo | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> UsageRows:
    """The usable usage events of ``table`` and the rows it cannot use, with reasons.

    ``decimal`` is the CSM's choice; without it the file's own numbers decide, then
    ``default_decimal`` (the book's setting). ``time_zone`` is the book's: the day of each
    timestamp. Trailing blank rows are not part of the table. ``BadFile`` for absurd cells.
    """
    end = len(table.rows)
    while end > layout.header_row and not any(cell != "" for cell in table.rows[end - 1]):
        end -= 1
    data = table.rows[layout.header_row : end]
    if not data:
        raise BadFile(
            f"{table.where}: no data under the header (row {layout.header_row}). "
            "Export the usage data again."
        )
    if len(data) > limits.max_rows:
        raise BadFile(f"{table.where} has more than {limits.max_rows:,} rows; split the file.")
    first = layout.header_row + 1
    columns = layout.columns
    width = len(data[0])
    raw: list[list[Any]] = [list(map(itemgetter(p), data)) for p in range(width)]
    # Each column's distinct values, made once (a set of 180,000 cells costs ~6 ms) and
    # kept true to ``raw``: a column filled down below gets its set made again.
    distinct: list[set[Any]] = [set(column) for column in raw]
    skipped = find_skipped_lines(data, raw, distinct)
    breaks = {line.index for line in skipped}
    key_positions = [columns[k] for k in (ACCOUNT, EXTERNAL_ID, FEATURE, DATE) if k in columns]
    value_positions = _value_positions(layout)
    result = UsageRows(rows_read=len(data))
    if any("" in distinct[p] for p in key_positions):
        has_data = _has_data(raw, value_positions, len(data))
        blanks = {i for i, full in enumerate(has_data) if not full}
        filled = fill_down([raw[p] for p in key_positions], breaks | blanks, has_data)
        for position, indexes in zip(key_positions, filled, strict=True):
            if indexes:
                result.filled[layout.column_name(position)] = len(indexes)
                distinct[position] = set(raw[position])
            for index in indexes:
                result.filled_cells[(first + index, position)] = cell_text(raw[position][index])
    numbers = chain.from_iterable(distinct[p] for p in value_positions)
    result.decimal = decimal or detect_decimal(numbers) or default_decimal
    converted: _Converted = {}

    def convert(key: str, position: int, converter: Callable[[Cell], object]) -> None:
        cache = ColumnCache(converter)
        column = raw[position]
        if all(cache[value] is value for value in distinct[position]):
            # Every distinct cell is its own value (clean text, e.g. the account names): the
            # column is already converted; a look-up per cell would only copy it.
            converted[key] = (position, cache, column)
        else:
            converted[key] = (position, cache, list(map(cache.__getitem__, column)))

    for key in (ACCOUNT, EXTERNAL_ID):
        if key in columns:
            convert(key, columns[key], text_converter(limits.max_cell_chars, what="account"))
    if DATE in columns:
        where = f"{table.where}, column {layout.column_name(columns[DATE])}"
        order = None if date_format else slash_order(distinct[columns[DATE]], where)
        convert(DATE, columns[DATE], DateReader(date_format, order, time_zone))
    if FEATURE in columns:
        convert(FEATURE, columns[FEATURE], text_converter(MAX_FEATURE_CHARS, what="feature"))
    if layout.form == "long":
        convert(COUNT, columns[COUNT], CountReader(result.decimal, blank=BLANK))
    for position, _name in (*layout.feature_columns, *layout.date_columns):
        convert(f"value:{position}", position, CountReader(result.decimal))
    if USERS in columns:
        convert(USERS, columns[USERS], CountReader(result.decimal))
    if layout.form == "events" and USER_ID in columns:
        convert(USER_ID, columns[USER_ID], _user_id)

    bad = _reject_rows(table, layout, converted, skipped, first, result.rejected)
    keep = [index not in bad for index in range(len(data))] if bad else None

    def kept(values: list[object]) -> list[object]:
        return values if keep is None else list(compress(values, keep))

    row_numbers: list[object] = kept(list(range(first, first + len(data))))
    accounts = {
        key: _blank_as_empty(kept(converted[key][2]), converted[key][1])
        for key in (ACCOUNT, EXTERNAL_ID)
        if key in converted
    }
    size = len(row_numbers)
    users: list[object] = kept(converted[USERS][2]) if USERS in converted else [None] * size
    features: list[object] = (
        kept(converted[FEATURE][2]) if FEATURE in converted else [layout.feature_name] * size
    )
    counts: list[object]
    days: list[object]
    names: list[object]
    if layout.form in ("long", "events"):
        counts = kept(converted[COUNT][2]) if layout.form == "long" else [1] * size
        _extend(result, accounts, row_numbers, kept(converted[DATE][2]), features, counts, users)
        if USER_ID in converted:
            result.user_ids = kept(converted[USER_ID][2])  # type: ignore[assignment]
        return result
    for position, name in (*layout.feature_columns, *layout.date_columns):
        counts = kept(converted[f"value:{position}"][2])
        present = [count is not None for count in counts]
        if layout.form == "wide":
            days, names = kept(converted[DATE][2]), [name] * size
        else:  # dates as columns: the column is the day
            days, names = [name] * size, features
        _extend(
            result,
            {key: list(compress(values, present)) for key, values in accounts.items()},
            list(compress(row_numbers, present)),
            list(compress(days, present)),
            list(compress(names, present)),
            list(compress(counts, present)),
            list(compress(users, present)),
        )
    return result


def _user_id(cell: Cell) -> str | None:
    """Who did an event, as text; None when the row does not say (anonymous events)."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    return text[:MAX_FEATURE_CHARS] or None


def _blank_as_empty(values: list[object], cache: ColumnCache) -> list[object]:
    """An account column's kept values with a blank cell as "" (a row may give only the other
    account column); the column itself when no cell of it was blank."""
    if not any(value is BLANK for value in cache.values()):
        return values
    return ["" if value is BLANK else value for value in values]


def _value_positions(layout: UsageLayout) -> list[int]:
    positions = [p for p, _name in (*layout.feature_columns, *layout.date_columns)]
    positions += [layout.columns[k] for k in (COUNT, USERS) if k in layout.columns]
    return positions


def _has_data(raw: list[list[Any]], positions: list[int], size: int) -> list[bool]:
    """Rows holding a value outside the key columns (an event log: any cell at all)."""
    if not positions:
        positions = list(range(len(raw)))
    found = [False] * size
    for position in positions:
        for index, value in enumerate(raw[position]):
            if value != "":
                found[index] = True
    return found


def _extend(
    result: UsageRows,
    accounts: Mapping[str, list[object]],
    rows: list[object],
    days: list[object],
    features: list[object],
    counts: list[object],
    users: list[object],
) -> None:
    # Every value left here passed its converter, so the types below hold.
    for key, target in ((ACCOUNT, "names"), (EXTERNAL_ID, "external_ids")):
        if key in accounts:
            values = accounts[key]
            current = getattr(result, target)
            setattr(result, target, values if current is None else current + values)
    result.rows.extend(rows)  # type: ignore[arg-type]
    result.days.extend(days)  # type: ignore[arg-type]
    result.features.extend(features)  # type: ignore[arg-type]
    result.counts.extend(counts)  # type: ignore[arg-type]
    result.users.extend(users)  # type: ignore[arg-type]


def _issues(converted: _Converted) -> Iterator[tuple[int, str, int, CellIssue]]:
    for key, (position, cache, values) in converted.items():
        if not cache.has_issues():
            continue
        for index, value in enumerate(values):
            if type(value) is CellIssue:
                yield index, key, position, value


def _reject_rows(
    table: SheetTable,
    layout: UsageLayout,
    converted: _Converted,
    skipped: list[SkippedLine],
    first: int,
    rejected: list[RejectedRow],
) -> set[int]:
    """Record every row that cannot be used; returns their 0-based indexes in the data."""
    bad: set[int] = set()
    for line in skipped:
        rejected.append(
            RejectedRow(first + line.index, layout.column_name(line.position), line.value,
                        line.reason, blocking=False)
        )  # fmt: skip
        bad.add(line.index)
    issues: dict[int, list[tuple[str, int, CellIssue]]] = {}
    for index, key, position, issue in _issues(converted):
        if issue.kind == "absurd":
            raise BadFile(
                f"{table.where}, row {first + index}, column {layout.column_name(position)}: "
                f"a cell of {DEFAULT_LIMITS.max_cell_chars:,} characters or more (Excel's "
                "limit) is absurd; the file was refused."
            )
        if index not in bad:
            issues.setdefault(index, []).append((key, position, issue))
    if not issues:
        return bad
    data_offset = layout.header_row
    account_keys = [key for key in (ACCOUNT, EXTERNAL_ID) if key in converted]
    # Cells that must be filled (blank is an issue) and cells that may be empty (None).
    optional_keys = [
        key for key in converted if key in (USERS, USER_ID) or key.startswith("value:")
    ]
    required_keys = [key for key in converted if key not in optional_keys]
    for index in sorted(issues):
        row_number = first + index
        found = issues[index]
        blank_keys = {key for key, _position, issue in found if issue.kind == "blank"}
        if all(key in blank_keys for key in required_keys) and all(
            converted[key][2][index] is None for key in optional_keys
        ):
            rejected.append(RejectedRow(row_number, "", "", "blank row", blocking=False))
            bad.add(index)
            continue
        totals = [(position, issue) for _key, position, issue in found if issue.kind == "total"]
        if totals:
            position = totals[0][0]
            value = cell_text(table.rows[data_offset + index][position])
            rejected.append(
                RejectedRow(row_number, layout.column_name(position), value, "total row", False)
            )
            bad.add(index)
            continue
        problems: list[RejectedRow] = []
        if account_keys and all(key in blank_keys for key in account_keys):
            position = converted[account_keys[0]][0]
            problems.append(RejectedRow(row_number, layout.column_name(position), "", "no account"))
        for key, position, issue in found:
            if issue.kind == "blank" and key in account_keys:
                continue
            reason = f"no {key}" if issue.kind == "blank" else issue.reason
            value = cell_text(table.rows[data_offset + index][position])
            problems.append(RejectedRow(row_number, layout.column_name(position), value, reason))
        if problems:
            rejected.extend(problems)
            bad.add(index)
    rejected.sort(key=_row_of)  # stable: a row's problems keep their column order
    return bad


def _row_of(problem: RejectedRow) -> int:
    return problem.row
