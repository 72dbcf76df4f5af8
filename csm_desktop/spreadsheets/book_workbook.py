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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadFile
from csm_desktop.safe_output import check_output_target, write_output_file
from csm_desktop.spreadsheets.guards import check_workbook
from csm_desktop.spreadsheets.safe_cells import neutralise_text, restore_text

# Excel's own limits: one sheet holds 1,048,576 rows (one is the header).
MAX_DATA_ROWS = 1_048_575
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class AccountRow:
    name: str
    external_id: str | None = None
    segment: str | None = None
    industry: str | None = None
    seats: int | None = None
    arr: float | None = None
    owner: str | None = None
    signed_on: dt.date | None = None
    kickoff_on: dt.date | None = None
    renewal_on: dt.date | None = None
    playbook: str | None = None
    variant: str | None = None
    row: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ContactRow:
    account: str
    name: str
    role: str | None = None
    email: str | None = None
    title: str | None = None
    row: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    account: str
    milestone: str
    role: str
    target_day: int
    due_on: dt.date | None = None
    status: Status = Status.NOT_STARTED
    started_on: dt.date | None = None
    achieved_on: dt.date | None = None
    evidence: str | None = None
    definition_of_done: str | None = None
    first_value: bool = False
    unlocks: str | None = None
    success_feature: str | None = None
    success_threshold: int | None = None
    success_window_days: int | None = None
    row: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class KickoffRow:
    account: str
    held_on: dt.date | None = None
    attendees: str | None = None
    success_statement: str | None = None
    definition_of_done: tuple[str, ...] = ()
    row: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ValueMetricRow:
    """One measurement of a metric; a metric not yet measured has no value and date."""

    account: str
    metric: str
    unit: str | None = None
    direction: Direction = Direction.HIGHER
    baseline: float | None = None
    baseline_on: dt.date | None = None
    value: float | None = None
    measured_on: dt.date | None = None
    target: float | None = None
    row: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class UsageRow:
    account: str
    day: dt.date
    feature: str
    count: int
    active_users: int | None = None
    row: int = field(default=0, compare=False)


@dataclass
class BookWorkbook:
    """Everything one book workbook holds, sheet by sheet, in sheet order."""

    accounts: list[AccountRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)
    kickoffs: list[KickoffRow] = field(default_factory=list)
    value_metrics: list[ValueMetricRow] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per sheet, by sheet name, in sheet order."""
        return {sheet.name: len(getattr(self, sheet.attribute)) for sheet in SHEETS}


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that cannot be used, and why, in words a CSM can fix the file with."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class BookReading:
    """What was read from a workbook: the usable rows and the rejected ones."""

    book: BookWorkbook
    rejected: list[RejectedRow]
    rows_read: int
    # Account name → Accounts row, for rejected rows whose name was readable, so the
    # account's other rows can say why they are rejected too.
    rejected_accounts: dict[str, int] = field(default_factory=dict)


class _CellError(ValueError):
    """A cell value that does not fit its column."""


# ---- column kinds: parse (import) and render (export) ----------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # an id typed as a number: 12345, not 12345.0
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = restore_text(str(value))
    return text.strip() or None


def _int(value: Any) -> int | None:
    if isinstance(value, bool | dt.date):
        raise _CellError("is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _CellError("is not a whole number")
    text = _text(value)
    if text is None:
        return None
    try:
        return int(text.replace(" ", ""))
    except ValueError:
        raise _CellError("is not a whole number") from None


def _float(value: Any) -> float | None:
    if isinstance(value, bool | dt.date):
        raise _CellError("is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text.replace(" ", ""))
    except ValueError:
        raise _CellError("is not a number") from None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | int | float):
        raise _CellError("is a number, not a date; use a date cell or YYYY-MM-DD")
    text = _text(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise _CellError("is not a date; use a date cell or YYYY-MM-DD") from None


YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return None
    if text.casefold() in YES:
        return True
    if text.casefold() in NO:
        return False
    raise _CellError("is not yes or no")


def _status(value: Any) -> Status | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return Status(" ".join(text.casefold().replace("_", " ").split()))
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise _CellError(f"is not a status; use one of: {allowed}") from None


def _direction(value: Any) -> Direction | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return Direction(text.casefold())
    except ValueError:
        raise _CellError("is not a direction; use higher or lower (is better)") from None


def _lines(value: Any) -> tuple[str, ...] | None:
    text = _text(value)
    if text is None:
        return None
    return tuple(line.strip() for line in text.splitlines() if line.strip())


Parse = Callable[[Any], Any]
CellOut = str | int | float | dt.date | None


def _render(value: Any) -> CellOut:
    """A field value as the cell to write."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Status | Direction):
        return value.value
    if isinstance(value, tuple):
        return neutralise_text("\n".join(value)) if value else None
    if isinstance(value, str):
        return neutralise_text(value) if value else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int | float | dt.date):
        return value
    raise TypeError(f"cannot write {value!r} to a book workbook")


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    parse: Parse
    required: bool = False


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    row_type: type[Any]
    attribute: str  # the BookWorkbook list it fills
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)


SHEETS: tuple[Sheet, ...] = (
    Sheet("Accounts", AccountRow, "accounts", (
        Column("Account", "name", _text, required=True),
        Column("External ID", "external_id", _text),
        Column("Segment", "segment", _text),
        Column("Industry", "industry", _text),
        Column("Seats", "seats", _int),
        Column("ARR", "arr", _float),
        Column("Owner", "owner", _text),
        Column("Signed on", "signed_on", _date),
        Column("Kickoff on", "kickoff_on", _date),
        Column("Renewal on", "renewal_on", _date),
        Column("Playbook", "playbook", _text),
        Column("Variant", "variant", _text),
    )),
    Sheet("Contacts", ContactRow, "contacts", (
        Column("Account", "account", _text, required=True),
        Column("Name", "name", _text, required=True),
        Column("Role", "role", _text),
        Column("Email", "email", _text),
        Column("Title", "title", _text),
    )),
    Sheet("Milestones", MilestoneRow, "milestones", (
        Column("Account", "account", _text, required=True),
        Column("Milestone", "milestone", _text, required=True),
        Column("Role", "role", _text, required=True),
        Column("Target day", "target_day", _int, required=True),
        Column("Due on", "due_on", _date),
        Column("Status", "status", _status),
        Column("Started on", "started_on", _date),
        Column("Achieved on", "achieved_on", _date),
        Column("Evidence", "evidence", _text),
        Column("Definition of done", "definition_of_done", _text),
        Column("First value", "first_value", _yes_no),
        Column("Unlocks", "unlocks", _text),
        Column("Success feature", "success_feature", _text),
        Column("Success threshold", "success_threshold", _int),
        Column("Success window days", "success_window_days", _int),
    )),
    Sheet("Kickoffs", KickoffRow, "kickoffs", (
        Column("Account", "account", _text, required=True),
        Column("Held on", "held_on", _date),
        Column("Attendees", "attendees", _text),
        Column("Success statement", "success_statement", _text),
        Column("Definition of done", "definition_of_done", _lines),
    )),
    Sheet("Value metrics", ValueMetricRow, "value_metrics", (
        Column("Account", "account", _text, required=True),
        Column("Metric", "metric", _text, required=True),
        Column("Unit", "unit", _text),
        Column("Direction", "direction", _direction, required=True),
        Column("Baseline", "baseline", _float),
        Column("Baseline on", "baseline_on", _date),
        Column("Value", "value", _float),
        Column("Measured on", "measured_on", _date),
        Column("Target", "target", _float),
    )),
    Sheet("Usage", UsageRow, "usage", (
        Column("Account", "account", _text, required=True),
        Column("Date", "day", _date, required=True),
        Column("Feature", "feature", _text, required=True),
        Column("Count", "count", _int, required=True),
        Column("Active users", "active_users", _int),
    )),
)  # fmt: skip

SHEET_HEADERS: dict[str, tuple[str, ...]] = {sheet.name: sheet.headers for sheet in SHEETS}


# ---- writing -----------------------------------------------------------------------------


def book_rows(book: BookWorkbook, sheet: Sheet) -> Iterator[list[CellOut]]:
    """The cells of ``sheet``'s data rows, ready to write (text neutralised)."""
    for record in getattr(book, sheet.attribute):
        yield [_render(getattr(record, column.field)) for column in sheet.columns]


def write_book_workbook(book: BookWorkbook, path: Path) -> None:
    """Write ``book`` to ``path`` as an .xlsx, replacing it only once fully written.

    The target is checked (never the open book, never a missing folder) before the workbook
    is built, so nothing is half-made when the file cannot be written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    path = Path(path)
    check_output_target(path)
    for sheet in SHEETS:
        count = len(getattr(book, sheet.attribute))
        if count > MAX_DATA_ROWS:
            raise BadFile(
                f"The {sheet.name} sheet would need {count:,} rows; an Excel sheet holds "
                f"{MAX_DATA_ROWS:,}. Archive old usage before exporting the book."
            )
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            width = max(12, len(column.header) + 4)
            worksheet.column_dimensions[_column_letter(index)].width = width
        header = []
        for name in sheet.headers:
            cell = WriteOnlyCell(worksheet, value=name)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for cells in book_rows(book, sheet):
            worksheet.append(
                [
                    # Control characters other than tab/CR/LF are not allowed in XML at all.
                    ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
                    for cell in cells
                ]
            )
    write_output_file(Path(path), workbook.save)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


# ---- reading -----------------------------------------------------------------------------


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
        raise BadFile(
            f"{path.name} is not an Excel workbook (.xlsx). A book workbook is the .xlsx that "
            "File → Export book workbook writes; save yours from Excel as .xlsx."
        )
    check_workbook(path)


def _read_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells by normalised sheet name, with python-calamine or openpyxl."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is slower
        return _read_sheets_openpyxl(path)
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            return {
                _normal(name): workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
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
            _normal(worksheet.title): [list(row) for row in worksheet.iter_rows(values_only=True)]
            for worksheet in workbook.worksheets
        }
    finally:
        workbook.close()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _locate_columns(path: Path, sheet: Sheet, header: Sequence[Any]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if isinstance(cell, str) and cell.strip():
            positions.setdefault(_normal(cell), index)
    found: dict[str, int] = {}
    missing: list[str] = []
    for column in sheet.columns:
        position = positions.get(_normal(column.header))
        if position is None:
            missing.append(column.header)
        else:
            found[column.field] = position
    if missing:
        names = ", ".join(f'"{name}"' for name in missing)
        raise BadFile(
            f'{path}: sheet "{sheet.name}" has no column {names} in its header row. The '
            f"headers are: {', '.join(sheet.headers)}."
        )
    return found


def _parse_sheet(path: Path, sheet: Sheet, cells: list[list[Any]], reading: BookReading) -> None:
    rows = iter(enumerate(cells, start=1))
    for _number, header in rows:
        if not all(_is_blank(value) for value in header):
            break
    else:
        header = []
    positions = _locate_columns(path, sheet, header)
    target: list[Any] = getattr(reading.book, sheet.attribute)
    for number, values in rows:
        if all(_is_blank(value) for value in values):
            continue
        reading.rows_read += 1
        kwargs: dict[str, Any] = {}
        problems: list[RejectedRow] = []
        for column in sheet.columns:
            index = positions[column.field]
            raw = values[index] if index < len(values) else None
            try:
                value = column.parse(raw)
            except _CellError as exc:
                problems.append(
                    RejectedRow(sheet.name, number, column.header, _shown(raw), str(exc))
                )
                continue
            if value is None and column.required:
                problems.append(
                    RejectedRow(sheet.name, number, column.header, "", "is required but empty")
                )
            elif value is not None:
                kwargs[column.field] = value
        if not problems:
            target.append(sheet.row_type(row=number, **kwargs))
            continue
        reading.rejected.extend(problems)
        if sheet.row_type is AccountRow and "name" in kwargs:
            reading.rejected_accounts.setdefault(kwargs["name"], number)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_book_workbook(path: Path) -> BookReading:
    """Read a book workbook; every sheet and header must be there, bad rows are listed.

    Raises ``BadFile`` for a file that is not a workbook or lacks a sheet or a column; the
    message names the sheet and column.
    """
    path = Path(path)
    check_workbook_file(path)
    sheets = _read_sheets(path)
    reading = BookReading(BookWorkbook(), [], 0)
    for sheet in SHEETS:
        cells = sheets.get(_normal(sheet.name))
        if cells is None:
            raise BadFile(
                f'{path} has no sheet "{sheet.name}". A book workbook has the sheets '
                f"{', '.join(s.name for s in SHEETS)}; export an empty book to get a template."
            )
        _parse_sheet(path, sheet, cells, reading)
    return reading


def rejected_rows_table(rejected: Iterable[RejectedRow]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a rejected-rows file."""
    header = [f.name.capitalize() for f in fields(RejectedRow)]
    return header, [[r.sheet, r.row, r.column, r.value, r.reason] for r in rejected]
