"""Writing small .xlsx files with openpyxl for the spreadsheet tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx at ``path`` with one sheet per entry of ``sheets``, its rows as given."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    book.close()
    return path
