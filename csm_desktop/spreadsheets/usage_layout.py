"""Find the usage table inside a messy sheet and decide what each column holds.

Real usage exports are not tidy (DESIGN §5, §9): a title, blank lines or GA4's ``#``
comment block above the header; columns named "Customer" or "event_type"; and four shapes:

- long form: one row per account, day and feature, with a count;
- event log: one row per event and no count column (Mixpanel, Heap, Amplitude raw, Pendo
  events): each row counts 1;
- wide form: one column per feature. A column is a feature only when the CSM says so
  (``--map 'Login=feature column'``) or the book knows a feature by that name; others
  ("Licensed Users", "Utilization %", "Total Events") are listed as ignored, never stored;
- dates as columns (Amplitude charts, Excel pivots by date): the header cells are days,
  the feature comes from a Feature column, a title line ("Event: User Invited", a pivot's
  filter line) or ``--feature NAME``.

Every guess can be overridden (header row, column map, feature). No SQL and no Qt: rows in,
a ``UsageLayout`` out; ``usage_extract`` reads the rows with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS
from csm_desktop.spreadsheets.readers import Cell, Row, SheetTable
from csm_desktop.spreadsheets.usage_cells import is_footer_text
from csm_desktop.spreadsheets.usage_dates import DateReader, is_date_like, slash_order
from csm_desktop.spreadsheets.usage_headers import (
    ACCOUNT,
    COUNT,
    DATE,
    EXTERNAL_ID,
    FEATURE,
    FEATURE_COLUMN,
    IGNORE,
    column_from_letters,
    column_letter,
    field_of_choice,
    field_of_header,
    is_total_column,
    normalize_name,
    without_aggregate,
)

Form = Literal["long", "events", "wide", "dates"]
KnownFeature = Callable[[str], "str | None"]  # any spelling → the book's key, or None

HEADER_SCAN_ROWS = 30
HEADER_LOOKAHEAD = 5  # rows below a candidate header searched for its first data row
MIN_DATE_COLUMNS = 2
NOT_A_FEATURE = "ignored, not a feature"
TOTAL_COLUMN = "total column, ignored"
NOT_USED = "not used"
NUMBERS_NOT_READ = "numbers, not read: map it as count if it holds counts"
NUMBER_SAMPLE_ROWS = 20  # data rows looked at to tell a column of numbers


def _unknown(_name: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class UsageLayout:
    """Where the usage table sits in a sheet and what each column holds."""

    header_row: int  # 1-based row number of the header in the sheet
    headers: tuple[str, ...]
    columns: Mapping[str, int]  # field → 0-based column index
    feature_columns: tuple[tuple[int, str], ...] = ()  # wide form: (column, feature name)
    date_columns: tuple[tuple[int, str], ...] = ()  # dates as columns: (column, ISO day)
    feature_name: str | None = None  # one feature for every row (--feature or a title line)
    feature_source: str = ""  # where feature_name came from, in the CSM's words
    ignored_columns: tuple[tuple[int, str], ...] = ()  # (column, why it is not imported)

    @property
    def form(self) -> Form:
        """See the module docstring."""
        if self.date_columns:
            return "dates"
        if self.feature_columns:
            return "wide"
        return "long" if COUNT in self.columns else "events"

    def column_name(self, index: int) -> str:
        """The header text of a column, or its letter when the header cell is empty."""
        if index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return column_letter(index)

    def describe(self) -> str:
        """One line on what the import will read, in the CSM's words."""
        return f"Header on row {self.header_row}; {self.shape()}"

    def shape(self) -> str:
        """The shape of the table and where the feature comes from, in the CSM's words."""
        feature = f" of the feature “{self.feature_name}” ({self.feature_source})"
        if self.form == "dates":
            days = self.date_columns
            what = f"dates as columns ({days[0][1]} … {days[-1][1]}, {len(days)} days)"
            if FEATURE not in self.columns:
                what += feature
            return f"{what}: one count per account and day."
        if self.form == "wide":
            return f"wide form: one column per feature ({len(self.feature_columns)} features)."
        named = "" if FEATURE in self.columns else feature
        if self.form == "events":
            return (
                f"event log{named}: no count column, so each row counts as one event, summed "
                "per account, day and feature."
            )
        return f"long form{named}: one row per account, day and feature."

    def header_summary(self) -> str:
        """The header row's cells, a run of days shown as its first and last day."""
        days = {position for position, _day in self.date_columns}
        parts: list[str] = []
        run: list[str] = []
        for position, text in enumerate(self.headers):
            if position in days:
                run.append(text)
                continue
            if run:
                parts.append(_days_text(run))
                run = []
            if text:
                parts.append(text)
        if run:
            parts.append(_days_text(run))
        shown = parts[:8] + (["…"] if len(parts) > 8 else [])
        return " | ".join(shown)


def _days_text(days: list[str]) -> str:
    return days[0] if len(days) == 1 else f"{days[0]} … {days[-1]} ({len(days)} days)"


def header_text(cell: Cell) -> str:
    """A header cell as text: whole numbers without ".0", dates as ISO days."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()[:10]
    return str(cell).strip()


def _date_cells(row: Row) -> list[int]:
    return [position for position, cell in enumerate(row) if is_date_like(cell)]


def _names_header(row: Row, extra: set[str]) -> bool:
    """A row naming a date and an account column, or a column the CSM mapped."""
    if any(isinstance(cell, str) and normalize_name(cell) in extra for cell in row):
        return True
    fields = {field_of_header(cell) for cell in row}
    return DATE in fields and bool(fields & {ACCOUNT, EXTERNAL_ID})


def _is_dates_header(rows: Sequence[Row], index: int) -> bool:
    """Days as column headers next to a label column, with counts under them: a title line
    such as "Date range | 2026-03-01 | 2026-03-31" has no counts below."""
    row = rows[index]
    dates = _date_cells(row)
    if len(dates) < MIN_DATE_COLUMNS:
        return False
    labels = [p for p, c in enumerate(row) if p < dates[0] and isinstance(c, str) and c.strip()]
    if not labels and not {field_of_header(c) for c in row} & {ACCOUNT, EXTERNAL_ID}:
        return False
    for below in rows[index + 1 : index + 1 + HEADER_LOOKAHEAD]:
        if any(cell != "" for cell in below):
            return any(p < len(below) and _is_count_like(below[p]) for p in dates)
    return False


def _is_count_like(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    text = str(cell).strip().replace(",", "").replace(".", "").replace(" ", "")
    return text.isdigit()


def find_header_row(rows: Sequence[Row], where: str, extra_names: Iterable[str] = ()) -> int:
    """0-based index of the first row that names a date and an account column; failing
    that, of the first row whose cells are days over counts (dates as columns)."""
    extra = {normalize_name(name) for name in extra_names}
    top = rows[:HEADER_SCAN_ROWS]
    for index, row in enumerate(top):
        if _names_header(row, extra):
            return index
    for index in range(len(top)):
        if _is_dates_header(rows, index):
            return index
    raise BadFile(
        f"{where}: no header row found in the first {HEADER_SCAN_ROWS} rows (expected columns "
        "such as Account, Date, Feature, Count, or days as column headers). Choose the header "
        "row (--header-row N)."
    )


def detect_layout(
    table: SheetTable,
    *,
    header_row: int | None = None,
    column_map: Mapping[str, str] | None = None,
    feature: str | None = None,
    known_feature: KnownFeature | None = None,
    date_format: str | None = None,
) -> UsageLayout:
    """Header row, shape and column meanings, auto-detected unless given.

    ``header_row`` is 1-based as in Excel; ``column_map`` maps a header text (or a column
    letter) to a field name, "feature column" or "ignore"; ``feature`` is one feature for
    every row; ``known_feature`` tells the book's features (wide form). Raises ``BadFile``
    when a required column is missing and ``BadInput`` for an override that does not fit.
    """
    column_map = dict(column_map or {})
    known = known_feature or _unknown
    if not any(any(cell != "" for cell in row) for row in table.rows):
        raise BadFile(f"{table.where} is empty: it holds no cells. Export the data again.")
    if header_row is None:
        index = find_header_row(table.rows, table.where, column_map)
    else:
        if not 1 <= header_row <= len(table.rows):
            raise BadInput(
                f"{table.where}: header row {header_row} is outside the sheet "
                f"(rows 1–{len(table.rows)})."
            )
        index = header_row - 1
    header_cells = table.rows[index]
    headers = tuple(header_text(cell) for cell in header_cells)
    for position, text in enumerate(headers):
        if len(text) >= DEFAULT_LIMITS.max_cell_chars:
            raise BadFile(
                f"{table.where}, row {index + 1}, column {column_letter(position)}: a header "
                f"of {len(text):,} characters is absurd; the file was refused."
            )
    where = f"{table.where}, header row {index + 1}"
    mapped: dict[int, str] = {}
    for column, choice in column_map.items():
        mapped[_resolve_column(column, headers, where)] = field_of_choice(column, choice)
    option_feature = feature.strip() if feature and feature.strip() else None
    given: tuple[str, str] | None
    if option_feature:
        given = (option_feature, "--feature")
    else:
        given = _title_feature(table.rows[:index], known)
    if given is not None:  # in the book's spelling when the book knows it
        given = (known(given[0]) or given[0], given[1])
    dates = [p for p in _date_cells(header_cells) if p not in mapped]
    if len(dates) >= MIN_DATE_COLUMNS:
        return _dates_layout(table, index, headers, mapped, dates, given, date_format, where)
    below = table.rows[index + 1 : index + 1 + 4 * NUMBER_SAMPLE_ROWS]
    return _named_layout(index, headers, header_cells, below, mapped, given, known, where)


def _named_layout(
    index: int,
    headers: tuple[str, ...],
    header_cells: Row,
    below: Sequence[Row],
    mapped: Mapping[int, str],
    given: tuple[str, str] | None,
    known: KnownFeature,
    where: str,
) -> UsageLayout:
    columns: dict[str, int] = {}
    taken = set(mapped)
    for position, field_name in mapped.items():
        if field_name not in (IGNORE, FEATURE_COLUMN):
            columns[field_name] = position
    for position, cell in enumerate(header_cells):
        suggested = field_of_header(cell)
        if position in taken or suggested is None or suggested in columns:
            continue
        columns[suggested] = position
        taken.add(position)
    ignored: list[tuple[int, str]] = []
    feature_columns: list[tuple[int, str]] = []
    if FEATURE in columns and given and given[1] == "--feature":
        ignored.append((columns.pop(FEATURE), "feature given with --feature"))
    if FEATURE not in columns:
        count_mapped = COUNT in mapped.values()
        for position, text in enumerate(headers):
            name = without_aggregate(text)
            chosen = mapped.get(position)
            if chosen == FEATURE_COLUMN:
                feature_columns.append((position, name or column_letter(position)))
            elif not text or chosen is not None:
                continue
            elif position not in taken or (columns.get(COUNT) == position and not count_mapped):
                if is_total_column(text):
                    ignored.append((position, TOTAL_COLUMN))
                elif (key := known(name)) is not None:
                    feature_columns.append((position, key))
                else:
                    ignored.append((position, NOT_A_FEATURE))
        if feature_columns:
            if COUNT in columns and not count_mapped:
                del columns[COUNT]
            given = None  # the columns name the features
        elif given is None and COUNT in columns and not count_mapped:
            ignored = [item for item in ignored if item[0] != columns[COUNT]]
    feature_name, source = given if given and FEATURE not in columns else (None, "")
    not_features = [headers[p] for p, why in ignored if why == NOT_A_FEATURE]
    if feature_name is not None:  # one feature for every row: other columns are just unused
        ignored = [(p, why) for p, why in ignored if why != NOT_A_FEATURE]
    if not feature_columns and COUNT not in columns:  # an event log: say which numbers it skips
        used = taken | {p for p, _why in ignored}
        ignored.extend(
            (p, NUMBERS_NOT_READ) for p in _number_columns(below, headers) if p not in used
        )
    layout = UsageLayout(
        index + 1,
        headers,
        columns,
        tuple(feature_columns),
        feature_name=feature_name,
        feature_source=source,
        ignored_columns=tuple(sorted(ignored)),
    )
    _require_columns(layout, where, not_features)
    return layout


def _number_columns(below: Sequence[Row], headers: Sequence[str]) -> list[int]:
    """Named columns whose first values are all numbers: in an event log with no count
    column, such a column may be the count under a name the app does not know."""
    rows = [row for row in below if any(cell != "" for cell in row)][:NUMBER_SAMPLE_ROWS]
    found = []
    for position, text in enumerate(headers):
        values = [row[position] for row in rows if position < len(row) and row[position] != ""]
        if text and values and all(_is_count_like(value) for value in values):
            found.append(position)
    return found


def _dates_layout(
    table: SheetTable,
    index: int,
    headers: tuple[str, ...],
    mapped: Mapping[int, str],
    dates: list[int],
    given: tuple[str, str] | None,
    date_format: str | None,
    where: str,
) -> UsageLayout:
    header_cells = table.rows[index]
    order = None if date_format else slash_order([header_cells[p] for p in dates], where)
    reader = DateReader(date_format, order)
    date_columns = []
    for position in dates:
        day = reader(header_cells[position])
        if not isinstance(day, str):
            raise BadFile(f"{where}, column {column_letter(position)}: header is not a day.")
        date_columns.append((position, day))
    columns: dict[str, int] = {}
    for position, field_name in mapped.items():
        if field_name not in (IGNORE, FEATURE_COLUMN):
            columns[field_name] = position
    labels = [p for p in range(len(headers)) if p not in mapped and p not in dates]
    ignored: list[tuple[int, str]] = []
    for position in labels:
        suggested = field_of_header(headers[position])
        if is_total_column(headers[position]):
            ignored.append((position, TOTAL_COLUMN))
        elif suggested in (ACCOUNT, EXTERNAL_ID, FEATURE) and suggested not in columns:
            columns[suggested] = position
    if not columns.keys() & {ACCOUNT, EXTERNAL_ID}:
        # The label column next to the first day holds the accounts (an Amplitude group-by,
        # a pivot's row labels), whatever its header says.
        free = [p for p in labels if p < dates[0] and p not in columns.values()]
        if free:
            columns[ACCOUNT] = free[-1]
    used = set(columns.values()) | {p for p, _why in ignored}
    ignored.extend((p, NOT_USED) for p in labels if p not in used and headers[p])
    if given and given[1] == "--feature" and FEATURE in columns:
        ignored.append((columns.pop(FEATURE), "feature given with --feature"))
    feature_name, source = given if given and FEATURE not in columns else (None, "")
    layout = UsageLayout(
        index + 1,
        headers,
        columns,
        date_columns=tuple(date_columns),
        feature_name=feature_name,
        feature_source=source,
        ignored_columns=tuple(sorted(ignored)),
    )
    _require_columns(layout, where, [])
    return layout


def _title_feature(above: Sequence[Row], known: KnownFeature) -> tuple[str, str] | None:
    """The feature a title line above the header names, with where it was found.

    "Feature | login" (a pivot's filter line) and "Event: User Invited" name it outright;
    any other single-cell title counts only when it is a feature the book knows.
    """
    found: tuple[str, str] | None = None
    for number, row in enumerate(above, start=1):
        cells = [c.strip() for c in row if isinstance(c, str) and c.strip()]
        if not cells or is_footer_text(cells[0]):
            continue
        where = f"title line {number}"
        if len(cells) == 2 and field_of_header(cells[0]) == FEATURE:
            found = (cells[1], where)
        elif len(cells) == 1:
            label, sep, rest = cells[0].rpartition(":")
            if sep and field_of_header(label) == FEATURE and rest.strip():
                found = (rest.strip(), where)
            elif (key := known(cells[0])) is not None:
                found = (key, where)
    return found


def _resolve_column(column: str, headers: Sequence[str], where: str) -> int:
    wanted = normalize_name(column)
    for position, text in enumerate(headers):
        if normalize_name(text) == wanted:
            return position
    by_letter = column_from_letters(column.strip())
    if by_letter is not None and by_letter < len(headers):
        return by_letter
    names = ", ".join(text for text in headers if text) or "none"
    raise BadInput(f"--map {column}=…: {where} has no column {column!r} (its columns: {names}).")


def _require_columns(layout: UsageLayout, where: str, not_features: list[str]) -> None:
    missing: list[str] = []
    if not layout.columns.keys() & {ACCOUNT, EXTERNAL_ID}:
        missing.append("Account (or Account ID)")
    if DATE not in layout.columns and layout.form != "dates":
        missing.append("Date")
    if missing:
        raise BadFile(
            f"{where}: missing required column {' and '.join(missing)}. Rename the column in "
            "the file or map it (--map COLUMN=FIELD)."
        )
    if FEATURE in layout.columns or layout.feature_name or layout.feature_columns:
        return
    if layout.form == "dates":
        raise BadFile(
            f"{where}: the days are columns, but nothing names the feature they count. "
            "Add a Feature column or give the feature (--feature NAME)."
        )
    if not_features:
        shown = ", ".join(not_features[:6]) + (" …" if len(not_features) > 6 else "")
        raise BadFile(
            f"{where}: no column is a feature the book knows ({shown}). Map the feature "
            f"columns (--map '{not_features[0]}=feature column'), or give one feature for "
            "the whole file (--feature NAME)."
        )
    raise BadFile(
        f"{where}: missing required column Feature (or one column per feature). Rename the "
        "column in the file, map it (--map COLUMN=FIELD) or give the feature (--feature NAME)."
    )
