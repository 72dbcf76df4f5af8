"""Find the usage table inside a messy sheet and turn its cells into clean usage rows.

Real usage exports are not tidy (DESIGN §5): a title and blank rows above the header,
columns named "Customer" or "Event name", one column per feature instead of a feature column
(wide form), dates as date cells, Excel serial numbers or text in several formats, numbers
stored as text, blank and total rows. This module recognises all of that from the header
names and the values, lets a CSM override each guess (sheet, header row, column map, date
format), and returns the usable rows plus, for every row it cannot use, the row number,
column, value and reason. It works column by column with one cache per column, so a
180,000-row sheet costs a few dictionary look-ups per cell, not a parse per cell.

No SQL and no Qt: rows in, clean columns and problems out. Matching accounts to the book is
the service's job.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from typing import Literal

from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits
from csm_desktop.spreadsheets.readers import Cell, Row, SheetTable

ACCOUNT, EXTERNAL_ID, DATE, FEATURE, COUNT, USERS, IGNORE = (
    "account",
    "external_id",
    "date",
    "feature",
    "count",
    "users",
    "ignore",
)
FIELDS = (ACCOUNT, EXTERNAL_ID, DATE, FEATURE, COUNT, USERS)

# Header names recognised per field, compared after normalize_name().
SYNONYMS: Mapping[str, frozenset[str]] = {
    ACCOUNT: frozenset({
        "account", "account name", "customer", "customer name", "company", "company name",
        "client", "client name", "organisation", "organization", "tenant",
    }),
    EXTERNAL_ID: frozenset({
        "account id", "external id", "customer id", "client id", "company id", "ext id",
        "external account id", "crm id",
    }),
    DATE: frozenset({"date", "day", "event date", "usage date", "activity date"}),
    FEATURE: frozenset({"feature", "feature name", "event", "event name", "action"}),
    COUNT: frozenset({
        "count", "events", "value", "total", "event count", "usage count", "quantity",
    }),
    USERS: frozenset({"users", "active users", "user count", "unique users"}),
}  # fmt: skip
# What --map FIELD may be called.
FIELD_ALIASES: Mapping[str, str] = {
    "account": ACCOUNT, "account name": ACCOUNT, "name": ACCOUNT,
    "external id": EXTERNAL_ID, "account id": EXTERNAL_ID, "id": EXTERNAL_ID,
    "date": DATE, "day": DATE,
    "feature": FEATURE, "event": FEATURE,
    "count": COUNT, "value": COUNT,
    "users": USERS, "active users": USERS,
    "ignore": IGNORE, "skip": IGNORE,
}  # fmt: skip
# Cells that mark a total line rather than data; a wide-form column so named is not a feature.
TOTAL_WORDS = frozenset({"total", "totals", "grand total", "subtotal", "sub total", "sum"})

HEADER_SCAN_ROWS = 30
MAX_FEATURE_CHARS = 255
# A cell reaching Excel's limit was cut short by Excel or by calamine (which truncates there):
# such cells are refused as absurd rather than read truncated.
MAX_COUNT = 2**53  # beyond this a float cannot hold the count exactly
FIRST_YEAR, LAST_YEAR = 1970, 2199  # a usage date outside these is a misread, not data
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\.?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_NAMED_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y")
_GROUPED = re.compile(r"\d{1,3}(?:(,)\d{3})+|\d{1,3}(?:(\.)\d{3})+")
_WHOLE_DECIMAL = re.compile(r"(\d+)[.,]0*")
_NORMALIZE = re.compile(r"[\s_\-.:#/()]+")


def normalize_name(text: object) -> str:
    """A header or field name compared loosely: case, spaces, ``_ - . : # / ()`` ignored."""
    return _NORMALIZE.sub(" ", str(text).casefold()).strip()


def column_letter(index: int) -> str:
    """Excel's name for a 0-based column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_from_letters(text: str) -> int | None:
    if not (1 <= len(text) <= 3 and text.isascii() and text.isalpha()):
        return None
    index = 0
    for char in text.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def field_of_header(cell: object) -> str | None:
    """The field a header name suggests, or None."""
    if not isinstance(cell, str):
        return None
    name = normalize_name(cell)
    for field_name, names in SYNONYMS.items():
        if name in names:
            return field_name
    return None


@dataclass(frozen=True, slots=True)
class UsageLayout:
    """Where the usage table sits in a sheet and what each column holds."""

    header_row: int  # 1-based row number of the header in the sheet
    headers: tuple[str, ...]
    columns: Mapping[str, int]  # field → 0-based column index
    feature_columns: tuple[tuple[int, str], ...] = ()  # wide form: (column, feature name)

    @property
    def form(self) -> Literal["long", "wide"]:
        """Long: one row per (account, day, feature); wide: one column per feature."""
        return "wide" if self.feature_columns else "long"

    def column_name(self, index: int) -> str:
        """The header text of a column, or its letter when the header cell is empty."""
        if index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return column_letter(index)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One row (or cell) the import cannot use, as listed in the rejected-rows file."""

    row: int  # row number in the sheet, as Excel shows it
    column: str  # header of the column at fault; "" when the whole row is at fault
    value: str
    reason: str
    blocking: bool = True  # False for blank and total rows, which --strict tolerates


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
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len({problem.row for problem in self.rejected})


# ----------------------------------------------------------------------------- layout


def find_header_row(rows: Sequence[Row], where: str, extra_names: Iterable[str] = ()) -> int:
    """0-based index of the first row that names a date and an account column."""
    extra = {normalize_name(name) for name in extra_names}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = {field_of_header(cell) for cell in row}
        if any(isinstance(cell, str) and normalize_name(cell) in extra for cell in row):
            fields.add("mapped")
        if "mapped" in fields or (DATE in fields and fields & {ACCOUNT, EXTERNAL_ID}):
            return index
    raise BadFile(
        f"{where}: no header row found in the first {HEADER_SCAN_ROWS} rows (expected columns "
        "such as Account, Date, Feature, Count). Choose the header row (--header-row N)."
    )


def parse_column_map(entries: Iterable[str]) -> dict[str, str]:
    """``COLUMN=FIELD`` strings (as typed after --map) into a column → field mapping."""
    mapping: dict[str, str] = {}
    for entry in entries:
        column, sep, field_name = entry.rpartition("=")
        if not sep or not column.strip():
            raise BadInput(f"--map {entry!r}: write COLUMN=FIELD, for example 'Kunde=account'.")
        mapping[column.strip()] = field_name.strip()
    return mapping


def detect_layout(
    table: SheetTable,
    *,
    header_row: int | None = None,
    column_map: Mapping[str, str] | None = None,
) -> UsageLayout:
    """Header row and column meanings, auto-detected unless given.

    ``header_row`` is 1-based as in Excel; ``column_map`` maps a header text (or a column
    letter) to a field name or "ignore". Raises ``BadFile`` when a required column is
    missing and ``BadInput`` for an override that does not fit the file.
    """
    column_map = dict(column_map or {})
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
    headers = tuple(_header_text(cell) for cell in header_cells)
    for position, text in enumerate(headers):
        if len(text) >= DEFAULT_LIMITS.max_cell_chars:
            raise BadFile(
                f"{table.where}, row {index + 1}, column {column_letter(position)}: a header "
                f"of {len(text):,} characters is absurd; the file was refused."
            )
    where = f"{table.where}, header row {index + 1}"
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for column, field_alias in column_map.items():
        position = _resolve_column(column, headers, where)
        field_name = FIELD_ALIASES.get(normalize_name(field_alias))
        if field_name is None:
            raise BadInput(
                f"--map {column}={field_alias}: unknown field {field_alias!r}; use one of "
                "account, external id, date, feature, count, users, ignore."
            )
        taken.add(position)
        if field_name != IGNORE:
            columns[field_name] = position
    for position, cell in enumerate(header_cells):
        suggested = field_of_header(cell)
        if position in taken or suggested is None or suggested in columns:
            continue
        columns[suggested] = position
        taken.add(position)
    feature_columns: tuple[tuple[int, str], ...] = ()
    if FEATURE not in columns:
        # Wide form: every other named column is a feature. A count-like column ("Total",
        # "Events") is an aggregate, not a feature, unless the CSM mapped it as the count.
        if COUNT in columns and COUNT not in _mapped_fields(column_map):
            del columns[COUNT]
        feature_columns = tuple(
            (position, text)
            for position, text in enumerate(headers)
            if text and position not in taken and normalize_name(text) not in TOTAL_WORDS
        )
    layout = UsageLayout(index + 1, headers, columns, feature_columns)
    _require_columns(layout, where)
    return layout


def _header_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()[:10]
    return str(cell).strip()


def _mapped_fields(column_map: Mapping[str, str]) -> set[str | None]:
    return {FIELD_ALIASES.get(normalize_name(name)) for name in column_map.values()}


def _resolve_column(column: str, headers: Sequence[str], where: str) -> int:
    wanted = normalize_name(column)
    for position, text in enumerate(headers):
        if normalize_name(text) == wanted:
            return position
    by_letter = _column_from_letters(column.strip())
    if by_letter is not None and by_letter < len(headers):
        return by_letter
    names = ", ".join(text for text in headers if text) or "none"
    raise BadInput(f"--map {column}=…: {where} has no column {column!r} (its columns: {names}).")


def _require_columns(layout: UsageLayout, where: str) -> None:
    missing: list[str] = []
    if not layout.columns.keys() & {ACCOUNT, EXTERNAL_ID}:
        missing.append("Account (or Account ID)")
    if DATE not in layout.columns:
        missing.append("Date")
    if layout.form == "long":
        if not layout.feature_columns and FEATURE not in layout.columns:
            missing.append("Feature (or one column per feature)")
        elif COUNT not in layout.columns:
            missing.append("Count")
    if missing:
        raise BadFile(
            f"{where}: missing required column {' and '.join(missing)}. Rename the column in "
            "the file or map it (--map COLUMN=FIELD)."
        )


# ----------------------------------------------------------------------------- values


class _Issue:
    """Why a cell cannot be used; ``kind`` tells blank and total cells from real problems."""

    __slots__ = ("kind", "reason")

    def __init__(self, reason: str, kind: Literal["problem", "blank", "total", "absurd"]):
        self.reason = reason
        self.kind = kind


_BLANK = _Issue("empty", "blank")
_TOTAL = _Issue("total row", "total")
_ABSURD = _Issue("absurdly long cell", "absurd")


class _Cache(dict[Cell, object]):
    """A column's converter with memory: each distinct cell value is converted once."""

    def __init__(self, convert: Callable[[Cell], object]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, key: Cell) -> object:
        value = self.convert(key)
        self[key] = value
        return value

    def has_issues(self) -> bool:
        return any(type(value) is _Issue for value in self.values())


def _is_total(text: str) -> bool:
    name = normalize_name(text)
    return name in TOTAL_WORDS or name.startswith(("total ", "grand total", "subtotal"))


def _text_converter(max_chars: int, *, what: str) -> Callable[[Cell], object]:
    def convert(cell: Cell) -> object:
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        text = cell.strip() if isinstance(cell, str) else str(cell)
        if not text:
            return _BLANK
        if len(text) >= DEFAULT_LIMITS.max_cell_chars:
            return _ABSURD
        if _is_total(text):
            return _TOTAL
        if len(text) > max_chars:
            return _Issue(f"{what} longer than {max_chars} characters", "problem")
        return text

    return convert


def _whole_number(cell: Cell, *, blank: object) -> object:
    """A count: whole, not negative; text like "1 234", "1,234" or "12.0" is accepted."""
    if isinstance(cell, bool):
        return _Issue("not a number", "problem")
    if isinstance(cell, int):
        number = cell
    elif isinstance(cell, float):
        if not math.isfinite(cell):
            return _Issue("not a number", "problem")
        if not cell.is_integer():
            return _Issue("not a whole number", "problem")
        number = int(cell)
    elif isinstance(cell, str):
        text = cell.strip()
        if not text:
            return blank
        if len(text) >= DEFAULT_LIMITS.max_cell_chars:
            return _ABSURD
        if _is_total(text):
            return _TOTAL
        parsed = _number_from_text(text)
        if isinstance(parsed, _Issue):
            return parsed
        number = parsed
    else:
        return _Issue("not a number", "problem")
    if number < 0:
        return _Issue("negative count", "problem")
    if number >= MAX_COUNT:
        return _Issue("number too large", "problem")
    return number


def _number_from_text(text: str) -> int | _Issue:
    compact = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    compact = compact.removeprefix("+")
    if compact.isascii() and compact.isdigit():
        return int(compact)
    if _GROUPED.fullmatch(compact):  # thousands separators: counts are whole numbers
        return int(compact.replace(",", "").replace(".", ""))
    if match := _WHOLE_DECIMAL.fullmatch(compact):
        return int(match.group(1))
    try:
        value = float(compact.replace(",", "."))
    except ValueError:
        return _Issue("not a number", "problem")
    if value < 0:
        return _Issue("negative count", "problem")
    return _Issue("not a whole number", "problem")


class DateReader:
    """Turns one column's date cells into ISO dates, whatever form each cell takes.

    Date cells, Excel serial numbers, YYYYMMDD numbers, ISO text, day-first dotted text and
    named months are unambiguous. Slashed or dashed text (03/04/2026) is read in the order
    the column itself proves (a first part above 12 means day first), and refused when the
    column never tells. A given ``date_format`` (strftime codes or DD/MM/YYYY words) wins for
    text.
    """

    def __init__(self, date_format: str | None = None, slash_order: str | None = None) -> None:
        self.date_format = to_strptime(date_format) if date_format else None
        self.slash_order = slash_order

    def __call__(self, cell: Cell) -> object:
        if isinstance(cell, dt.datetime):
            return self._checked(cell.date())
        if isinstance(cell, dt.date):
            return self._checked(cell)
        if isinstance(cell, bool):
            return _Issue("not a date", "problem")
        if isinstance(cell, int | float):
            return self._from_number(cell)
        if not isinstance(cell, str):
            return _Issue("not a date", "problem")
        text = cell.strip()
        if not text:
            return _BLANK
        if len(text) >= DEFAULT_LIMITS.max_cell_chars:
            return _ABSURD
        if _is_total(text):
            return _TOTAL
        if self.date_format is not None:
            try:
                return self._checked(dt.datetime.strptime(text, self.date_format).date())
            except ValueError:
                return _Issue(f"not a date in the format {self.date_format}", "problem")
        return self._from_text(text)

    def _from_number(self, number: float) -> object:
        if not math.isfinite(number) or number < 1:
            return _Issue("not a date", "problem")
        if 19000101 <= number <= 99991231 and float(number).is_integer():
            text = str(int(number))  # YYYYMMDD stored as a number
            return self._ymd(int(text[:4]), int(text[4:6]), int(text[6:]))
        if number >= 2958466:  # past 9999-12-31
            return _Issue("not a date", "problem")
        return self._checked(_EXCEL_EPOCH + dt.timedelta(days=int(number)))

    def _from_text(self, text: str) -> object:
        if match := _ISO.fullmatch(text):
            return self._ymd(int(match[1]), int(match[2]), int(match[3]))
        if match := _DOTTED.fullmatch(text):
            return self._ymd(_year(match[3]), int(match[2]), int(match[1]))
        if match := _SLASHED.fullmatch(text):
            first, second, year = int(match[1]), int(match[2]), _year(match[3])
            if first == second or self.slash_order == "dmy":
                return self._ymd(year, second, first)
            if self.slash_order == "mdy":
                return self._ymd(year, first, second)
            return _Issue("ambiguous date (day/month or month/day?)", "problem")
        if text.isascii() and text.replace(".", "", 1).isdigit():
            return self._from_number(float(text))
        for pattern in _NAMED_MONTH_FORMATS:
            try:
                return self._checked(dt.datetime.strptime(text.replace(",", ""), pattern).date())
            except ValueError:
                continue
        return _Issue("not a date", "problem")

    def _ymd(self, year: int, month: int, day: int) -> object:
        try:
            return self._checked(dt.date(year, month, day))
        except ValueError:
            return _Issue("not a valid date", "problem")

    @staticmethod
    def _checked(day: dt.date) -> object:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return _Issue(f"date out of range ({FIRST_YEAR}–{LAST_YEAR})", "problem")
        return day.isoformat()


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def to_strptime(date_format: str) -> str:
    """``DD/MM/YYYY``-style words become strptime codes; ``%d/%m/%Y`` passes through."""
    if "%" in date_format:
        return date_format
    result = date_format
    for word, code in (("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d")):
        result = re.sub(word, code, result, flags=re.IGNORECASE)
    return result


def slash_order(values: Iterable[Cell], where: str) -> str | None:
    """Day-first ("dmy") or month-first ("mdy"), as the column's slashed dates prove.

    None when the column has no slashed dates.

    Raises ``BadFile`` when the column mixes both orders or never tells them apart.
    """
    day_first: str | None = None
    month_first: str | None = None
    undecided: str | None = None
    for value in values:
        if not isinstance(value, str) or not (match := _SLASHED.fullmatch(value.strip())):
            continue
        first, second = int(match[1]), int(match[2])
        # The smallest example of each kind is kept, so messages do not depend on set order.
        if first > 12:
            day_first = min(day_first or value, value)
        elif second > 12:
            month_first = min(month_first or value, value)
        elif first != second:
            undecided = min(undecided or value, value)
    if day_first and month_first:
        raise BadFile(
            f"{where}: the dates mix day/month ({day_first.strip()}) and month/day "
            f"({month_first.strip()}) order. Fix the column, or choose the date format "
            "(--date-format DD/MM/YYYY)."
        )
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if undecided:
        raise BadFile(
            f"{where}: dates like {undecided.strip()} could be day/month or month/day and "
            "no date in the file tells which. Choose the date format "
            "(--date-format DD/MM/YYYY or MM/DD/YYYY)."
        )
    return None


# ----------------------------------------------------------------------------- rows


def extract_usage(
    table: SheetTable,
    layout: UsageLayout,
    *,
    date_format: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> UsageRows:
    """The usable usage events of ``table`` and the rows it cannot use, with reasons.

    Blank and total rows are rejected (non-blocking), never stored; trailing blank rows
    are not part of the table and are ignored. ``BadFile`` for absurd cells.
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

    def column(position: int) -> Iterator[Cell]:
        return map(itemgetter(position), data)

    # field (or "feature:<col>") → (column index, cache, converted values)
    converted: dict[str, tuple[int, _Cache, list[object]]] = {}

    def convert(key: str, position: int, converter: Callable[[Cell], object]) -> None:
        cache = _Cache(converter)
        converted[key] = (position, cache, list(map(cache.__getitem__, column(position))))

    for key in (ACCOUNT, EXTERNAL_ID):
        if key in columns:
            convert(key, columns[key], _text_converter(limits.max_cell_chars, what="account"))
    where = f"{table.where}, column {layout.column_name(columns[DATE])}"
    order = None if date_format else slash_order(set(column(columns[DATE])), where)
    convert(DATE, columns[DATE], DateReader(date_format, order))
    if layout.form == "long":
        convert(FEATURE, columns[FEATURE], _text_converter(MAX_FEATURE_CHARS, what="feature"))
        convert(COUNT, columns[COUNT], lambda cell: _whole_number(cell, blank=_BLANK))
    else:
        for position, _name in layout.feature_columns:
            convert(f"feature:{position}", position, lambda c: _whole_number(c, blank=None))
    if USERS in columns:
        convert(USERS, columns[USERS], lambda cell: _whole_number(cell, blank=None))

    result = UsageRows(rows_read=len(data))
    bad = _reject_rows(table, layout, converted, first, result.rejected)
    keep = [index not in bad for index in range(len(data))] if bad else None

    def kept(values: list[object]) -> list[object]:
        return values if keep is None else list(compress(values, keep))

    row_numbers: list[object] = kept(list(range(first, first + len(data))))
    accounts = {key: kept(converted[key][2]) for key in (ACCOUNT, EXTERNAL_ID) if key in converted}
    days = kept(converted[DATE][2])
    users: list[object] = kept(converted[USERS][2]) if USERS in converted else [None] * len(days)
    if layout.form == "long":
        _extend(result, accounts, row_numbers, days, kept(converted[FEATURE][2]),
                kept(converted[COUNT][2]), users)  # fmt: skip
    else:
        for position, name in layout.feature_columns:
            counts = kept(converted[f"feature:{position}"][2])
            present = [count is not None for count in counts]
            _extend(
                result,
                {key: list(compress(values, present)) for key, values in accounts.items()},
                list(compress(row_numbers, present)),
                list(compress(days, present)),
                [name] * sum(present),
                list(compress(counts, present)),
                list(compress(users, present)),
            )
    return result


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
            values = ["" if value is _BLANK else value for value in accounts[key]]
            current = getattr(result, target)
            setattr(result, target, values if current is None else current + values)
    result.rows.extend(rows)  # type: ignore[arg-type]
    result.days.extend(days)  # type: ignore[arg-type]
    result.features.extend(features)  # type: ignore[arg-type]
    result.counts.extend(counts)  # type: ignore[arg-type]
    result.users.extend(users)  # type: ignore[arg-type]


def _reject_rows(
    table: SheetTable,
    layout: UsageLayout,
    converted: Mapping[str, tuple[int, _Cache, list[object]]],
    first: int,
    rejected: list[RejectedRow],
) -> set[int]:
    """Record every row that cannot be used; returns their 0-based indexes in the data."""
    issues: dict[int, list[tuple[str, int, _Issue]]] = {}
    account_keys = [key for key in (ACCOUNT, EXTERNAL_ID) if key in converted]
    for key, (position, cache, values) in converted.items():
        if not cache.has_issues():
            continue
        for index, value in enumerate(values):
            if type(value) is _Issue:
                issues.setdefault(index, []).append((key, position, value))
    if not issues:
        return set()
    data_offset = layout.header_row
    # Cells that must be filled (blank is an issue) and cells that may be empty (None).
    optional_keys = [key for key in converted if key == USERS or key.startswith("feature:")]
    required_keys = [key for key in converted if key not in optional_keys]
    bad: set[int] = set()
    for index in sorted(issues):
        row_number = first + index
        found = issues[index]
        for _key, position, issue in found:
            if issue.kind == "absurd":
                raise BadFile(
                    f"{table.where}, row {row_number}, column {layout.column_name(position)}: "
                    f"a cell of {DEFAULT_LIMITS.max_cell_chars:,} characters or more (Excel's "
                    "limit) is absurd; the file was refused."
                )
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
            rejected.append(
                RejectedRow(
                    row_number,
                    layout.column_name(position),
                    _cell_text(table.rows[data_offset + index][position]),
                    "total row",
                    blocking=False,
                )
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
            value = _cell_text(table.rows[data_offset + index][position])
            problems.append(RejectedRow(row_number, layout.column_name(position), value, reason))
        if problems:
            rejected.extend(problems)
            bad.add(index)
    return bad


def _cell_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    text = cell.isoformat() if isinstance(cell, dt.date | dt.datetime) else str(cell)
    return text if len(text) <= 200 else text[:200] + "…"
