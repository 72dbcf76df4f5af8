"""The command line's read-ahead hands over what ``read_usage_source`` reads, once.

``ReadAhead`` vets and reads the file in a thread while the command opens the book; its
``result`` hashes the file on the caller's thread meanwhile. The source must be the same as
the plain read's (sheets, cells, digest); a hostile file is refused by ``vetted`` and
``result`` alike, and a source is handed over only once (the thread keeps no cells).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from csm_desktop.errors import BadFile
from csm_desktop.services.usage_source import ReadAhead, read_usage_source


def write_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Exported for the usage import"])
    usage = workbook.create_sheet("Usage")
    usage.append(["Account", "Date", "Feature", "Count"])
    usage.append(["Acme", dt.date(2026, 3, 1), "export", 2])
    usage.append(["Globex", dt.date(2026, 3, 2), "dashboard", 5])
    workbook.save(path)
    return path


def test_the_read_ahead_source_is_the_plain_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "usage.xlsx")
    ahead = ReadAhead(path, None)
    ahead.vetted()
    source = ahead.result()
    assert source == read_usage_source(path)
    assert source.table.sheet == "Usage"
    assert source.table.rows[2] == ["Globex", dt.date(2026, 3, 2), "dashboard", 5.0]
    with pytest.raises(RuntimeError, match="already handed over"):
        ahead.result()


def test_a_hostile_file_is_refused_by_vetted_and_by_result(tmp_path: Path) -> None:
    path = tmp_path / "usage.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    ahead = ReadAhead(path, None)
    with pytest.raises(BadFile, match=r"usage\.xlsx is not an Excel workbook"):
        ahead.vetted()
    with pytest.raises(BadFile, match=r"usage\.xlsx is not an Excel workbook"):
        ahead.result()
