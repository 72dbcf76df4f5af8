"""OpenDocument spreadsheets (.ods): imported like workbooks, refused when they ask for
absurd sizes through repeated rows or columns."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from csm_desktop.errors import BadFile
from csm_desktop.services.import_usage import import_usage
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account
from csm_desktop.store.queries.usage_rows import READABLE_USAGE_SQL

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Usage">'
)
_FOOT = "</table:table></office:spreadsheet></office:body></office:document-content>"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def text_cell(value: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def number_cell(value: int) -> str:
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def date_cell(day: str) -> str:
    return (
        f'<table:table-cell office:value-type="date" office:date-value="{day}">'
        f"<text:p>{day}</text:p></table:table-cell>"
    )


def row(*cells: str, repeated: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def write_ods(path: Path, rows: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", _HEAD + "".join(rows) + _FOOT, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
    return path


def stored(book: Database) -> list[tuple[object, ...]]:
    with book.session() as session:
        return [
            tuple(r)
            for r in session.execute(
                text(f"SELECT day, feature, count FROM ({READABLE_USAGE_SQL}) ORDER BY 1, 2")
            )
        ]


def test_ods_file_is_imported_and_trailing_empty_rows_cost_nothing(
    book: Database, tmp_path: Path
) -> None:
    """LibreOffice ends a sheet with a million repeated empty rows; they are not data."""
    with book.session() as session:
        session.execute(insert(Account), [{"name": "Acme", "archived": False}])
    source = write_ods(
        tmp_path / "usage.ods",
        [
            row(text_cell("Account"), text_cell("Date"), text_cell("Feature"), text_cell("Count")),
            row(text_cell("Acme"), date_cell("2026-03-01"), text_cell("login"), number_cell(3)),
            row(text_cell("Acme"), date_cell("2026-03-02"), text_cell("login"), number_cell(4)),
            row('<table:table-cell table:number-columns-repeated="1024"/>', repeated=1048570),
        ],
    )
    report = import_usage(book, source)
    assert stored(book) == [("2026-03-01", "login", 3), ("2026-03-02", "login", 4)]
    assert (report.sheet, report.rows_read) == ("Usage", 2)


def test_ods_repeating_a_row_of_values_a_million_times_is_refused(
    book: Database, tmp_path: Path
) -> None:
    source = write_ods(
        tmp_path / "bomb.ods",
        [
            row(text_cell("Account"), text_cell("Date"), text_cell("Feature"), text_cell("Count")),
            row(text_cell("Acme"), date_cell("2026-03-01"), text_cell("x"), number_cell(1),
                repeated=2_000_000),
        ],
    )  # fmt: skip
    with pytest.raises(BadFile, match=r"bomb\.ods, sheet Usage: asks for more than 1,048,576"):
        import_usage(book, source)
    assert stored(book) == []
