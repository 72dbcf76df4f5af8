"""Which dropped files the main window takes for the usage import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

from csm_desktop.ui.drop import accepted_spreadsheet


def dropped(*urls: str) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl(url) if "://" in url else QUrl.fromLocalFile(url) for url in urls])
    return mime


def test_one_local_spreadsheet_is_accepted_whatever_the_case_of_its_suffix() -> None:
    assert accepted_spreadsheet(dropped("/data/usage.xlsx")) == Path("/data/usage.xlsx")
    assert accepted_spreadsheet(dropped("/data/Usage.XLSM")) == Path("/data/Usage.XLSM")
    assert accepted_spreadsheet(dropped("/data/export;1.csv")) == Path("/data/export;1.csv")


def test_other_files_are_refused() -> None:
    assert accepted_spreadsheet(dropped("/data/usage.xls")) is None
    assert accepted_spreadsheet(dropped("/data/notes.txt")) is None
    assert accepted_spreadsheet(dropped("/data/xlsx")) is None


def test_several_files_a_web_link_or_plain_text_are_refused() -> None:
    assert accepted_spreadsheet(dropped("/data/a.xlsx", "/data/b.xlsx")) is None
    assert accepted_spreadsheet(dropped("https://example.com/usage.xlsx")) is None
    text = QMimeData()
    text.setText("/data/usage.xlsx")
    assert accepted_spreadsheet(text) is None
    assert accepted_spreadsheet(None) is None
