"""Vet an OpenDocument spreadsheet (.ods) before calamine reads it.

LibreOffice and Google Sheets save .ods; python-calamine reads it like a workbook. It is a
zip of XML parts like .xlsx, so the same zip and entity checks apply (``guards``), but its
rows are not numbered: a row says how many times it repeats (``number-rows-repeated``), and
calamine expands every repeated row that holds a value. A few bytes can therefore ask for
millions of rows or billions of cells, so this module adds up the rows and cells the sheet
really asks for (trailing empty rows, which LibreOffice writes by the million, cost
nothing) and refuses absurd ones with the file's name and what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.guards import (
    DEFAULT_LIMITS,
    Limits,
    check_file_size,
    check_zip_parts,
)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


def is_ods(path: Path) -> bool:
    """An OpenDocument spreadsheet, by the ``mimetype`` part its zip starts with."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("mimetype").strip() == ODS_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def check_ods(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an .ods that is a zip or XML bomb, or whose sheets ask for absurd sizes."""
    check_file_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadFile(f"{path.name} is damaged (not a readable zip file). Save it again.") from exc
    with archive:
        if "content.xml" not in archive.namelist():
            raise BadFile(
                f"{path.name} is not an OpenDocument spreadsheet (no content.xml). Save the "
                "usage data as .ods, .xlsx or CSV."
            )
        check_zip_parts(path, archive, limits)
        with archive.open("content.xml") as content:
            _check_extent(path, content, limits)


def _check_extent(path: Path, content: IO[bytes], limits: Limits) -> None:
    # Imported here: every usage file is asked ``is_ods`` before its read starts, and only
    # an .ods needs the XML parser (~10 ms of imports).
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

    rows = cells = pending_rows = 0
    table = ""
    row_repeat = 1
    row_cells = 0
    element: Element
    for event, element in iterparse(content, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                table = element.get(f"{_TABLE}name", "")
                rows = cells = pending_rows = 0
            elif tag == f"{_TABLE}table-row":
                row_repeat = _count(element.get(f"{_TABLE}number-rows-repeated"))
                row_cells = 0
            continue
        if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            if _holds_value(element):
                row_cells += _count(element.get(f"{_TABLE}number-columns-repeated"))
            element.clear()
        elif tag == f"{_TABLE}table-row":
            if row_cells:  # empty rows count only once a row with values follows them
                rows += pending_rows + row_repeat
                cells += row_cells * row_repeat
                pending_rows = 0
            else:
                pending_rows += row_repeat
            if rows > limits.max_rows or cells > limits.max_sheet_cells:
                raise BadFile(
                    f"{path.name}, sheet {table}: asks for more than {limits.max_rows:,} rows "
                    f"or {limits.max_sheet_cells:,} cells (repeated rows or columns). The file "
                    "is damaged or hostile; export it again from the source system."
                )
            element.clear()


def _count(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


def _holds_value(element: Element) -> bool:
    if element.get(f"{_OFFICE}value-type"):
        return True
    return any(child.tag == _TEXT_P for child in element)
