"""Which dropped file the main window accepts: one usage spreadsheet, opened in the wizard.

Dropping a file on the window is a shortcut to File → Import usage…; only a single local
.xlsx, .xlsm, .csv or JSON file is taken, so a stray drop of a picture or of several files is
ignored (the cursor shows it) instead of starting an import that can only fail. JSON and
JSON Lines event exports are usage files too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".csv", ".json", ".jsonl", ".ndjson")


def is_spreadsheet_name(path: Path) -> bool:
    """True for the file names the usage import takes (case ignored)."""
    return path.suffix.casefold() in SPREADSHEET_SUFFIXES


def accepted_spreadsheet(mime_data: QMimeData | None) -> Path | None:
    """The dropped usage spreadsheet, or None unless exactly one local spreadsheet is dropped."""
    if mime_data is None or not mime_data.hasUrls():
        return None
    urls = mime_data.urls()
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if is_spreadsheet_name(path) else None
