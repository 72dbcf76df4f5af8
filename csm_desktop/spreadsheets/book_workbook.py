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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadFile, BadInput
from csm_desktop.safe_output import check_output_target, write_output_file
from csm_desktop.spreadsheets import book_cells as cell
from csm_desktop.spreadsheets import learning_sheets as learning
from csm_desktop.spreadsheets.book_cells import CellError, CellOut, DateColumn, Parse
from csm_desktop.spreadsheets.book_headers import Named, locate_columns
from csm_desktop.spreadsheets.guards import check_not_encrypted, check_workbook
from csm_desktop.spreadsheets.learning_sheets import FeedbackRow, RenewalRow

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


@dataclass(frozen=True, slots=True)
class FeatureRow:
    """One entry of the book's feature vocabulary; aliases as written, ``;``-separated."""

    feature: str
    display_name: str | None = None
    aliases: str | None = None
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
    features: list[FeatureRow] = field(default_factory=list)
    renewals: list[RenewalRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)

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
    # Fields each sheet read had a column for (sheet name → fields); a sheet not read at all
    # is absent. A tracker without a Playbook column leaves stored playbooks alone.
    columns_read: dict[str, frozenset[str]] = field(default_factory=dict)
    # Sheets of the file that are not book sheets, and headers that matched no field.
    ignored: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    parse: Parse
    required: bool = False
    synonyms: tuple[str, ...] = ()  # what a tracker may call it (see book_headers)

    @property
    def named(self) -> Named:
        return Named(self.header, self.field, self.required, self.synonyms)


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    row_type: type[Any]
    attribute: str  # the BookWorkbook list it fills
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)


ACCOUNTS = "Accounts"
_DATE = cell.iso_date  # replaced per column by a DateColumn when a sheet is read

SHEETS: tuple[Sheet, ...] = (
    Sheet(ACCOUNTS, AccountRow, "accounts", (
        Column("Account", "name", cell.text, required=True, synonyms=(
            "customer", "company", "client", "organisation", "organization", "account name")),
        Column("External ID", "external_id", cell.text, synonyms=(
            "account id", "customer id", "crm id", "ext id", "salesforce id", "id")),
        Column("Segment", "segment", cell.text, synonyms=("tier", "customer segment")),
        Column("Industry", "industry", cell.text, synonyms=("vertical", "sector")),
        Column("Seats", "seats", cell.whole_number, synonyms=(
            "licenses", "licences", "licensed users", "seat count", "users")),
        Column("ARR", "arr", cell.money, synonyms=(
            "annual value", "contract value", "annual contract value", "acv",
            "annual recurring revenue", "arr value")),
        Column("Owner", "owner", cell.text, synonyms=(
            "csm", "account owner", "customer success manager", "success manager",
            "assigned csm", "csm owner")),
        Column("Signed on", "signed_on", _DATE, synonyms=(
            "signed", "signed date", "close date", "closed won", "contract start", "start date",
            "signature date")),
        Column("Kickoff on", "kickoff_on", _DATE, synonyms=("kickoff", "kick off", "kickoff date")),
        Column("Renewal on", "renewal_on", _DATE, synonyms=(
            "renewal", "renewal date", "renews on", "contract end", "end date")),
        Column("Playbook", "playbook", cell.text, synonyms=("onboarding playbook",)),
        Column("Variant", "variant", cell.text, synonyms=("experiment variant",)),
    )),
    Sheet("Contacts", ContactRow, "contacts", (
        Column("Account", "account", cell.text, required=True, synonyms=(
            "customer", "company", "client")),
        Column("Name", "name", cell.text, required=True, synonyms=("contact", "full name")),
        Column("Role", "role", cell.text),
        Column("Email", "email", cell.text, synonyms=("e-mail", "email address")),
        Column("Title", "title", cell.text, synonyms=("job title",)),
    )),
    Sheet("Milestones", MilestoneRow, "milestones", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Milestone", "milestone", cell.text, required=True),
        Column("Role", "role", cell.text, required=True),
        Column("Target day", "target_day", cell.whole_number, required=True),
        Column("Due on", "due_on", _DATE),
        Column("Status", "status", cell.status),
        Column("Started on", "started_on", _DATE),
        Column("Achieved on", "achieved_on", _DATE),
        Column("Evidence", "evidence", cell.text),
        Column("Definition of done", "definition_of_done", cell.text),
        Column("First value", "first_value", cell.yes_no),
        Column("Unlocks", "unlocks", cell.text),
        Column("Success feature", "success_feature", cell.text),
        Column("Success threshold", "success_threshold", cell.whole_number),
        Column("Success window days", "success_window_days", cell.whole_number),
    )),
    Sheet("Kickoffs", KickoffRow, "kickoffs", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Held on", "held_on", _DATE),
        Column("Attendees", "attendees", cell.text),
        Column("Success statement", "success_statement", cell.text),
        Column("Definition of done", "definition_of_done", cell.lines),
    )),
    Sheet("Value metrics", ValueMetricRow, "value_metrics", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Metric", "metric", cell.text, required=True),
        Column("Unit", "unit", cell.text),
        Column("Direction", "direction", cell.direction, required=True),
        Column("Baseline", "baseline", cell.number),
        Column("Baseline on", "baseline_on", _DATE),
        Column("Value", "value", cell.number),
        Column("Measured on", "measured_on", _DATE),
        Column("Target", "target", cell.number),
    )),
    Sheet("Usage", UsageRow, "usage", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Date", "day", _DATE, required=True),
        Column("Feature", "feature", cell.text, required=True),
        Column("Count", "count", cell.whole_number, required=True),
        Column("Active users", "active_users", cell.whole_number),
    )),
    Sheet("Features", FeatureRow, "features", (
        Column("Feature", "feature", cell.text, required=True, synonyms=("key", "event")),
        Column("Display name", "display_name", cell.text, synonyms=("label",)),
        Column("Aliases", "aliases", cell.text, synonyms=("other names", "spellings")),
    )),
    # The learning loop (issue 18; row types and cell kinds in learning_sheets).
    Sheet("Renewals", RenewalRow, "renewals", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Renewal on", "renewal_on", _DATE, required=True, synonyms=("renewal date",)),
        Column("Outcome", "outcome", learning.outcome, required=True),
        Column("ARR before", "arr_before", cell.money),
        Column("ARR after", "arr_after", cell.money),
    )),
    Sheet("Feedback", FeedbackRow, "feedback", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Date", "given_on", _DATE, required=True),
        Column("Milestone", "milestone", cell.text),
        Column("Contact", "contact", cell.text),
        Column("Sentiment", "sentiment", learning.sentiment),
        Column("Text", "text", cell.text, required=True, synonyms=("feedback", "quote")),
        Column("Quotable", "quotable", cell.yes_no, synonyms=("may be quoted",)),
    )),
)  # fmt: skip

SHEET_HEADERS: dict[str, tuple[str, ...]] = {sheet.name: sheet.headers for sheet in SHEETS}


# ---- writing -----------------------------------------------------------------------------


def book_rows(book: BookWorkbook, sheet: Sheet) -> Iterator[list[CellOut]]:
    """The cells of ``sheet``'s data rows, ready to write (text neutralised)."""
    for record in getattr(book, sheet.attribute):
        yield [cell.render(getattr(record, column.field)) for column in sheet.columns]


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
        for row, cells in enumerate(book_rows(book, sheet), start=2):
            if any(isinstance(c, str) and len(c) > EXCEL_CELL_CHARS for c in cells):
                failure = _too_long(sheet, row, cells)
                _abandon(workbook, failure)
                raise failure
            worksheet.append(
                [
                    # Control characters other than tab/CR/LF are not allowed in XML at all.
                    ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell
                    for cell in cells
                ]
            )

    def save(target: Path) -> None:
        try:
            workbook.save(target)
        except BaseException as exc:
            _abandon(workbook, exc)
            raise

    write_output_file(path, save)


EXCEL_CELL_CHARS = 32_767  # Excel keeps no more of a cell's text: the rest would be lost


def _too_long(sheet: Sheet, row: int, cells: list[CellOut]) -> BadFile:
    """The refusal naming the cell whose text Excel would cut (nothing is written)."""
    index = next(i for i, c in enumerate(cells) if isinstance(c, str) and len(c) > EXCEL_CELL_CHARS)
    text = cells[index]
    owner = f" ({cells[0]})" if index and isinstance(cells[0], str) else ""
    return BadFile(
        f"Not exported: the {sheet.name} sheet, row {row}, column {sheet.headers[index]}{owner} "
        f"holds {len(str(text)):,} characters and an Excel cell keeps at most "
        f"{EXCEL_CELL_CHARS:,}, so the rest would be lost. Shorten that text in the app and "
        "export again."
    )


def _abandon(workbook: Any, failure: BaseException) -> None:
    """Close what openpyxl leaves open after a failed save (its zip file, each write-only
    sheet's XML streams), so no "Exception ignored … ValueError" tracebacks follow the
    one-line message when they are collected later."""
    import contextlib
    import zipfile

    closers: list[Any] = []
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
            if stream is not None:
                closers.append(stream.close)
    trace = failure.__traceback__
    while trace is not None:
        closers += [
            v.close for v in trace.tb_frame.f_locals.values() if isinstance(v, zipfile.ZipFile)
        ]
        trace = trace.tb_next
    for close in closers:
        with contextlib.suppress(Exception):  # already failing: the first error is the one
            close()


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
) -> None:
    """Add the sheet's usable rows to ``reading.book`` and its bad cells to ``rejected``."""
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
        if parse is _DATE:  # day/month order decided per column, as the usage import does
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
    for number, values in rows:
        reading.rows_read += 1
        kwargs: dict[str, Any] = {}
        problems: list[RejectedRow] = []
        width = len(values)
        for column, position, parse in present:
            raw = values[position] if position < width else None
            value, error = parse(raw)
            if error is not None:
                problems.append(RejectedRow(sheet.name, number, column.header, _shown(raw), error))
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
    reading.ignored[:0] = [f'sheet "{name}"' for name in by_name.values()]
    return reading


def rejected_rows_table(rejected: Iterable[RejectedRow]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a rejected-rows file."""
    header = [f.name.capitalize() for f in fields(RejectedRow)]
    return header, [[r.sheet, r.row, r.column, r.value, r.reason] for r in rejected]
