"""Hostile and broken usage files: a one-line ``BadFile``, quickly, and the book unchanged.

Every test builds its file by hand in ``tmp_path`` (no committed binaries) and compares a
dump of the book before and after the attempted import.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import insert, text

from csm_desktop.errors import BadFile
from csm_desktop.services.import_usage import UsageImportOptions, import_usage
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account
from csm_desktop.store.queries.usage_rows import store_usage_rows
from tests.security.hostile_workbooks import SHEET_END, SHEET_START, hand_made_workbook

TABLES = ("account", "usage_event", "import_record", "account_milestone", "status_change")


@pytest.fixture
def acme_book(book: Database) -> Iterator[Database]:
    """A book with one account and one usage event, so "unchanged" is not trivially true."""
    with book.session() as session:
        session.execute(insert(Account), [{"name": "Acme", "archived": False}])
        store_usage_rows(session, [(1, dt.date(2026, 3, 1), "login", 4, None)])
    yield book


def dump(book: Database) -> dict[str, list[tuple[object, ...]]]:
    with book.session() as session:
        return {
            table: [tuple(row) for row in session.execute(text(f"SELECT * FROM {table}"))]
            for table in TABLES
        }


def refused(book: Database, source: Path, match: str, **options: object) -> str:
    """Import ``source``, expect a BadFile matching ``match``; the book must not change."""
    before = dump(book)
    with pytest.raises(BadFile, match=match) as caught:
        import_usage(book, source, UsageImportOptions(create_accounts=True, **options))  # type: ignore[arg-type]
    assert dump(book) == before
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_binary_file_named_csv_is_not_a_spreadsheet(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    message = refused(acme_book, source, "is not a spreadsheet")
    assert message == (
        "usage.csv is not a spreadsheet (it holds binary data). Choose a .xlsx, .xlsm or .csv file."
    )


def test_text_file_named_xlsx_is_refused(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.xlsx"
    source.write_text("Account,Date\nAcme,2026-03-01\n")
    refused(acme_book, source, r"usage\.xlsx is named like an Excel workbook but is not one")


def test_legacy_xls_is_refused_with_what_to_do(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    refused(acme_book, source, r"old binary Excel file \(\.xls\).*save it as \.xlsx or CSV")


def test_zip_that_is_not_a_workbook_is_refused(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(acme_book, source, r"is a zip file but not an Excel workbook \(no xl/workbook\.xml\)")


def test_empty_file_is_refused(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_bytes(b"")
    message = refused(acme_book, source, "is empty")
    assert message == "usage.csv is empty (0 bytes). Export the usage data again."


def test_blank_csv_is_refused(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("\n\n  \n")
    refused(acme_book, source, r"usage\.csv holds no data")


def test_missing_required_column_names_the_column(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Count\nAcme,2026-03-01,3\n")
    message = refused(acme_book, source, "missing required column Feature")
    assert message.startswith("usage.csv, header row 1: missing required column Feature")


def test_xml_entity_bomb_is_refused_before_parsing(acme_book: Database, tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    source = hand_made_workbook(tmp_path / "usage.xlsx", sheet)
    message = refused(acme_book, source, "XML document type declaration")
    assert message.startswith("usage.xlsx: part xl/worksheets/sheet1.xml contains an XML document")


def test_zip_bomb_declaring_its_size_is_refused_before_inflating(
    acme_book: Database, tmp_path: Path
) -> None:
    padding = b"<!-- -->" + b" " * (40 * 1024 * 1024)  # 40 MiB that deflate to ~40 KiB
    source = hand_made_workbook(tmp_path / "usage.xlsx", SHEET_START + padding + SHEET_END)
    refused(acme_book, source, r"part xl/worksheets/sheet1\.xml declares 40 MiB from \d+ bytes")


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite a member's uncompressed size in its local header and central directory."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == member.encode():
            struct.pack_into("<I", data, central + 24, declared)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_zip_bomb_lying_about_its_size_is_refused_while_inflating(
    acme_book: Database, tmp_path: Path
) -> None:
    padding = b" " * (40 * 1024 * 1024)
    source = hand_made_workbook(tmp_path / "usage.xlsx", SHEET_START + padding + SHEET_END)
    _lie_about_size(source, "xl/worksheets/sheet1.xml", 2_000)
    with zipfile.ZipFile(source) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 2_000
    refused(acme_book, source, r"part xl/worksheets/sheet1\.xml")


def test_sheet_with_more_rows_than_excel_allows_is_refused(
    acme_book: Database, tmp_path: Path
) -> None:
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, 1_048_578))
    source = hand_made_workbook(tmp_path / "usage.xlsx", SHEET_START + rows + SHEET_END)
    refused(acme_book, source, r"has more than 1,048,576 rows, more than Excel allows")


def test_csv_with_more_rows_than_excel_allows_is_refused(
    acme_book: Database, tmp_path: Path
) -> None:
    source = tmp_path / "usage.csv"
    source.write_bytes(b"Account,Date,Feature,Count\n" + b"Acme,2026-03-01,x,1\n" * 1_048_576)
    refused(acme_book, source, r"usage\.csv has more than 1,048,576 rows")


def test_absurdly_long_cell_in_a_workbook_is_refused(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Account", "Date", "Feature", "Count"])
    sheet.append(["Acme", "2026-03-01", "x" * 40_000, 1])
    workbook.save(source)
    workbook.close()
    message = refused(acme_book, source, "a cell of 32,767 characters or more")
    assert message.startswith("usage.xlsx, sheet Sheet, row 2, column Feature:")


def test_absurdly_long_cell_in_a_csv_is_refused(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nAcme,2026-03-01," + "x" * 200_000 + ",1\n")
    refused(acme_book, source, r"usage\.csv, row 2: field larger than field limit")


def test_unreadable_date_order_refuses_the_file(acme_book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nAcme,03/02/2026,x,1\n")
    refused(acme_book, source, r"column Date: dates like 03/02/2026 could be day/month")
