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
``book_writer``. Every name of the format a reader needs stays importable from here; the
writer's are not imported here (an import-book reads the file while the writer's XML and
URL modules would still be loading: 36 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.book_parse import HEADER_SCAN_ROWS, header_row, parse_sheet
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
from csm_desktop.spreadsheets.guards import check_not_encrypted, check_workbook
from csm_desktop.spreadsheets.learning_sheets import FeedbackRow, RenewalRow

ZIP_MAGIC = b"PK\x03\x04"

# The format's names stay importable from here (callers and tests import this module).
__all__ = [
    "ACCOUNTS",
    "DATE",
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
    "check_workbook_file",
    "header_row",
    "parse_sheet",
    "read_book_workbook",
    "read_sheets",
    "read_sheets_as_book",
    "rejected_rows_table",
    "sheet_order",
    "usage_part",
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


def read_book_workbook(
    path: Path,
    *,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
    checked: Callable[[], None] | None = None,
) -> BookReading:
    """Read a book workbook or a CSM's tracker; bad rows are listed, not raised.

    Only the accounts sheet is required (``accounts_sheet_name``); the other sheets of
    DESIGN §5 are read when present, by name. ``column_map`` (``--map``) applies to the
    accounts sheet. Raises ``BadFile`` for a file that is not a workbook, or a sheet that
    lacks a required column (the message names the headers found and those expected).
    ``checked()`` is called once the file passed ``check_workbook_file``.
    """
    path = Path(path)
    check_workbook_file(path)
    if checked is not None:
        checked()
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:  # pragma: no cover - calamine is a dependency; openpyxl is slower
        sheets = _read_sheets_openpyxl(path)
        return read_sheets_as_book(str(path), sheets, sheet=sheet, column_map=column_map)
    try:
        lazy = _SheetRows(CalamineWorkbook.from_path(str(path)))
        try:
            return read_sheets_as_book(str(path), lazy, sheet=sheet, column_map=column_map)
        finally:
            lazy.close()
    except CalamineError:  # read again from the start, with openpyxl
        sheets = _read_sheets_openpyxl(path)
        return read_sheets_as_book(str(path), sheets, sheet=sheet, column_map=column_map)


class _SheetRows(Mapping[str, Iterable[Sequence[Any]]]):
    """A workbook's sheets by name, each read only when asked for and then row by row.

    ``read_sheets`` holds every cell of the file as a Python object at once: 1.2 GiB for a
    50,000-account book (issue 17). Here few sheets at a time are in calamine's memory and
    their rows become Python lists only as the parser reaches them, so a sheet's cells are
    gone once its rows are parsed. The rows are those of ``to_python(skip_empty_area=False)``:
    calamine's lazy rows leave out empty leading columns, so a sheet that has some (a
    tracker's data starting in column C) is read whole, the way ``read_sheets`` does.

    Told the order the sheets will be asked for (``read_in_order``), a thread reads them
    ahead while the one handed out is parsed: calamine reads a sheet with the GIL released,
    so its reading of the Usage sheet runs beside the parsing of the Milestones. It stops
    while the sheets read and not yet asked for hold ``AHEAD_CELLS`` cells or more (one big
    sheet ahead at most). A read's error is raised when that sheet is asked for, as without
    the thread; the reading stops there.
    """

    AHEAD_CELLS = 1_000_000

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._names: list[str] = list(workbook.sheet_names)  # no workbook call during a read
        self._changed = threading.Condition()
        self._planned: set[str] = set()
        self._ready: dict[str, tuple[Any, BaseException | None, int]] = {}
        self._ahead_cells = 0
        self._reading = False
        self._stop = False
        self._closed = False

    def read_in_order(self, names: Sequence[str]) -> None:
        """The sheets will be asked for in this order: read them ahead in a thread."""
        self._reading = True
        self._planned = set(names)
        threading.Thread(
            target=self._read_ahead, args=(list(names),), name="sheet read-ahead", daemon=True
        ).start()

    def _read_ahead(self, names: list[str]) -> None:
        changed = self._changed
        for name in names:
            with changed:
                changed.wait_for(lambda: self._stop or self._ahead_cells < self.AHEAD_CELLS)
                if self._stop:
                    break
            error: BaseException | None = None
            try:
                sheet = self._workbook.get_sheet_by_name(name)
                cells = (sheet.height or 0) * (sheet.width or 0)
            except BaseException as exc:  # raised when the sheet is asked for
                sheet, error, cells = None, exc, 0
            with changed:
                self._ready[name] = (sheet, error, cells)
                self._ahead_cells += cells
                changed.notify_all()
            if error is not None:
                break
        with changed:
            self._reading = False
            changed.notify_all()
            if self._closed:  # close() came during a read: the workbook is closed here
                self._workbook.close()

    def __getitem__(self, name: str) -> Iterable[Sequence[Any]]:
        with self._changed:
            if self._reading and name not in self._planned:
                self._stop = True  # not read ahead: read here, once the thread is done
            self._changed.wait_for(lambda: name in self._ready or not self._reading)
            sheet, error, cells = self._ready.pop(name, (None, None, 0))
            self._ahead_cells -= cells
            self._changed.notify_all()
        if error is not None:
            raise error
        if sheet is None:
            sheet = self._workbook.get_sheet_by_name(name)
        if sheet.start != (0, 0):  # None for an empty sheet
            rows: list[Sequence[Any]] = sheet.to_python(skip_empty_area=False)
            return rows
        return sheet.iter_rows()  # type: ignore[no-any-return]

    def close(self) -> None:
        """Close the workbook, now or once the sheet being read ahead is read: a parse that
        stops with an error does not wait for sheets it will not parse."""
        with self._changed:
            self._stop = self._closed = True
            self._ready.clear()
            self._changed.notify_all()
            if self._reading:
                return
        self._workbook.close()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def read_sheets_as_book(
    where: str,
    sheets: Mapping[str, Iterable[Sequence[Any]]],
    *,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
) -> BookReading:
    """``read_book_workbook`` on sheets already read (the wizard reads the file once)."""
    accounts = accounts_sheet_name(where, list(sheets), sheet)
    plan, ignored = _sheet_plan(list(sheets), accounts)
    if isinstance(sheets, _SheetRows):
        sheets.read_in_order([name for _book_sheet, name, _part in plan])
    reading = BookReading(BookWorkbook(), [], 0)
    for book_sheet, name, part in plan:
        if book_sheet.name == ACCOUNTS:
            parse_sheet(where, book_sheet, sheets[name], reading, column_map, name)
        elif part:
            parse_sheet(where, book_sheet, sheets[name], reading, name=name, part=name)
        else:
            parse_sheet(where, book_sheet, sheets[name], reading)
    reading.ignored[:0] = [f'sheet "{name}"' for name in ignored]
    return reading


def _sheet_plan(
    names: Sequence[str], accounts: str
) -> tuple[list[tuple[Sheet, str, bool]], list[str]]:
    """The file's sheets in the order they are parsed, each with its book sheet (the accounts
    sheet first, then the others of ``SHEETS`` by name, a split export's Usage 2, Usage 3…
    after Usage: a part), and the sheets not read."""
    plan: list[tuple[Sheet, str, bool]] = []
    by_name = {_normal(name): name for name in names if name != accounts}
    for book_sheet in SHEETS:
        if book_sheet.name == ACCOUNTS:
            plan.append((book_sheet, accounts, False))
            continue
        name = by_name.pop(_normal(book_sheet.name), None)
        if name is not None:
            plan.append((book_sheet, name, False))
        if book_sheet.name == USAGE:  # a split export continues in Usage 2, Usage 3…
            parts = sorted((usage_part(n) or 0, n) for n in by_name.values() if usage_part(n))
            for _number, part in parts:
                by_name.pop(_normal(part))
                plan.append((book_sheet, part, True))
    return plan, list(by_name.values())


def rejected_rows_table(rejected: Iterable[RejectedRow]) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of a rejected-rows file."""
    header = [f.name.capitalize() for f in fields(RejectedRow)]
    return header, [[r.sheet, r.row, r.column, r.value, r.reason] for r in rejected]
