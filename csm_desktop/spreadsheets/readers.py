"""Read a usage file (.xlsx, .xlsm, .csv) into rows of plain cell values.

Whatever the format, a sheet comes out the same way: a list of rows, row ``i`` being the
sheet's row ``i + 1`` (so messages can name the row a CSM sees in Excel), an empty cell being
``""``. Workbooks are read with python-calamine (fast, Rust) after ``guards`` has vetted the
zip, with openpyxl in read-only mode as a fallback (defusedxml is installed, so openpyxl
refuses entity tricks too). CSV files are decoded from UTF-8 (with or without BOM), UTF-16
(Excel's "Unicode text") or Windows-1252, and their delimiter (comma, semicolon, tab) is
sniffed from the first lines. No SQL and no Qt here: file in, rows out.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Literal, NamedTuple, cast

from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.guards import (
    DEFAULT_LIMITS,
    Limits,
    check_file_size,
    check_not_encrypted,
    check_workbook,
)

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta
Row = list[Cell]
FileKind = Literal["workbook", "csv"]
Engine = Literal["auto", "calamine", "openpyxl"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, .doc, ...
_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 50


class SheetTable(NamedTuple):
    """One sheet (or a CSV file) as rows of cells; ``rows[i]`` is the sheet's row ``i + 1``.
    (A named tuple: see ``guards.Limits``.)"""

    file_name: str
    sheet: str | None  # None for a CSV file
    rows: list[Row]
    sheet_names: tuple[str, ...]

    @property
    def where(self) -> str:
        """How messages name this table: ``usage.xlsx, sheet Usage`` or ``usage.csv``."""
        return self.file_name if self.sheet is None else f"{self.file_name}, sheet {self.sheet}"


def file_kind(path: Path, limits: Limits = DEFAULT_LIMITS) -> FileKind:
    """Workbook or CSV, judged by the file's first bytes rather than trusted from its name."""
    check_file_size(path, limits)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise BadFile(f"Cannot read {path}: {exc.strerror}.") from exc
    if head.startswith(_ZIP_MAGIC):
        return "workbook"
    if head.startswith(_OLE_MAGIC):
        check_not_encrypted(path)
        raise BadFile(
            f"{path.name} is an old binary Excel file (.xls) or another Office document. "
            "Open it in Excel and save it as .xlsx or CSV."
        )
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise BadFile(
            f"{path.name} is named like an Excel workbook but is not one (not a zip file). "
            "Open it in Excel and save it again as .xlsx."
        )
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BadFile(
            f"{path.name} is not a spreadsheet (it holds binary data). "
            "Choose a .xlsx, .xlsm or .csv file."
        )
    return "csv"


def sheet_names(
    path: Path, limits: Limits = DEFAULT_LIMITS, *, vetted: bool = False
) -> tuple[str, ...]:
    """The visible worksheet names of a workbook, in order; ``()`` for a CSV file."""
    if file_kind(path, limits) == "csv":
        return ()
    if not vetted:
        check_workbook(path, limits)
    return _calamine_sheet_names(path)


def read_table(
    path: Path,
    sheet: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    engine: Engine = "auto",
    max_rows: int | None = None,
    vetted: bool = False,
) -> SheetTable:
    """Read one sheet (by default the first visible worksheet) or a CSV file.

    ``max_rows`` reads only the top of the sheet, for previews and header detection;
    ``vetted`` skips the hostile-file checks when the caller has just run them.
    Raises ``BadFile`` for anything that is not a readable, sane spreadsheet and
    ``BadInput`` for a sheet name the workbook does not have.
    """
    if file_kind(path, limits) == "csv":
        rows = read_csv_rows(path, limits=limits, max_rows=max_rows)
        return SheetTable(path.name, None, rows, ())
    if not vetted:
        check_workbook(path, limits)
    if engine in ("auto", "calamine"):
        try:
            return _read_with_calamine(path, sheet, max_rows)
        except (BadFile, BadInput):
            raise
        except Exception as exc:  # calamine's own errors: fall back to openpyxl
            if engine == "calamine":
                raise BadFile(f"{path.name} cannot be read: {exc}. Save it again.") from exc
    return _read_with_openpyxl(path, sheet, max_rows)


def _pick_sheet(path: Path, names: tuple[str, ...], sheet: str | None) -> str:
    if not names:
        raise BadFile(f"{path.name} has no worksheets. Export the usage data again.")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    for name in names:
        if name.strip().casefold() == sheet.strip().casefold():
            return name
    raise BadInput(f"{path.name} has no sheet named {sheet!r}; its sheets are: {', '.join(names)}.")


def _calamine_sheet_names(path: Path) -> tuple[str, ...]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise BadFile(f"{path.name} cannot be read as a workbook ({exc}). Save it again.") from exc
    try:
        metadata = workbook.sheets_metadata
        visible = tuple(
            m.name
            for m in metadata
            if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible
        )
        return visible or tuple(m.name for m in metadata if m.typ == SheetTypeEnum.WorkSheet)
    finally:
        workbook.close()


def _read_with_calamine(path: Path, sheet: str | None, max_rows: int | None) -> SheetTable:
    from python_calamine import CalamineWorkbook

    names = _calamine_sheet_names(path)
    name = _pick_sheet(path, names, sheet)
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        # skip_empty_area=False starts at A1, so rows[i] is the sheet's row i + 1.
        rows: list[Row] = workbook.get_sheet_by_name(name).to_python(
            skip_empty_area=False, nrows=max_rows
        )
    finally:
        workbook.close()
    return SheetTable(path.name, name, rows, names)


def _read_with_openpyxl(path: Path, sheet: str | None, max_rows: int | None) -> SheetTable:
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; they do not affect values.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise BadFile(
                f"{path.name} cannot be read as a workbook ({exc}). Open it in Excel and "
                "save it again."
            ) from exc
        try:
            names = tuple(
                ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"
            ) or tuple(workbook.sheetnames)
            name = _pick_sheet(path, names, sheet)
            worksheet = workbook[name]
            rows: list[Row] = []
            for values in worksheet.iter_rows(min_row=1, max_row=max_rows, values_only=True):
                rows.append(["" if value is None else value for value in values])
        finally:
            workbook.close()
    width = max(map(len, rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return SheetTable(path.name, name, rows, names)


def decode_text(path: Path, raw: bytes) -> str:
    """The text of a CSV file: BOM-marked UTF-8/UTF-16, else UTF-8, else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1252", "latin-1")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise BadFile(
        f"{path.name} is not a text file in a known encoding (UTF-8, UTF-16 or Windows-1252). "
        "Save it again as CSV UTF-8."
    )


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter (comma, semicolon or tab) that splits the most lines into equal widths.

    A title line above the header has one field whatever the delimiter, so it does not vote.
    """
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        widths = [width for width in widths if width > 1]
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        score = (widths.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_text_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of a CSV or JSON file (size checked first, encoding as ``decode_text``);
    ``BadFile`` for one that cannot be read or holds only blank lines."""
    check_file_size(path, limits)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadFile(f"Cannot read {path}: {exc.strerror}.") from exc
    text = decode_text(path, raw)
    del raw
    if not text.strip():
        raise BadFile(f"{path.name} holds no data (only blank lines). Export it again.")
    return text


def read_csv_rows(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, max_rows: int | None = None
) -> list[Row]:
    """All rows of a CSV file as strings, padded to one width; refuses absurd sizes."""
    text = read_text_file(path, limits)
    head = text[:65536].splitlines()[:_SNIFF_LINES]
    delimiter = sniff_delimiter(head)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for fields in reader:
            if max_rows is not None and len(rows) >= max_rows:
                break
            if len(rows) >= limits.max_rows:
                raise BadFile(
                    f"{path.name} has more than {limits.max_rows:,} rows, more than Excel "
                    "allows. Split the data into smaller files."
                )
            rows.append(fields)
    except csv.Error as exc:
        raise BadFile(
            f"{path.name}, row {reader.line_num}: {exc}. A cell may be absurdly long or a "
            "quote may be unclosed; fix the file and import it again."
        ) from exc
    width = max(map(len, rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return cast(list[Row], rows)
