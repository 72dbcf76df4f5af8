"""Formula injection is neutralised on export and undone on import of our own files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from csm_desktop.spreadsheets.safe_cells import (
    neutralise_text,
    restore_text,
    safe_cell,
    safe_row,
    write_safe_csv,
)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+31 20 555 0100", "'+31 20 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\ncmd", "'\ncmd"),
        ("'=already quoted", "''=already quoted"),
    ],
)
def test_text_starting_with_a_trigger_gets_an_apostrophe(text: str, written: str) -> None:
    assert neutralise_text(text) == written


@pytest.mark.parametrize(
    "text", ["Acme", "", "'tis the season", "'", "''", "a=b", "Zoë Ødegård", "<b>A&B</b>"]
)
def test_harmless_text_is_written_unchanged(text: str) -> None:
    assert neutralise_text(text) == text
    assert restore_text(text) == text


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+", "-", "@", "\t", "'=x", "''=x", "'", "''", "'tis", "Łódź", "=", "'-5", "x"],
)
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore_text(neutralise_text(text)) == text


def test_an_apostrophe_before_a_trigger_is_removed_on_import() -> None:
    assert restore_text('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert restore_text("'-5") == "-5"


def test_numbers_dates_and_booleans_stay_as_they_are() -> None:
    day = dt.date(2026, 1, 31)
    assert safe_row([-5, -2.5, 0, day, True, None, "-5"]) == [-5, -2.5, 0, day, True, None, "'-5"]
    assert safe_cell(-1) == -1


def test_csv_is_utf8_with_bom_and_neutralised(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_safe_csv(
        target,
        ["Name", "Count", "Day", "Flag"],
        [["=cmd|' /C calc'!A0", -3, dt.date(2026, 2, 1), False], ["Zoë", 2.5, None, True]],
    )
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["Name", "Count", "Day", "Flag"],
        ["'=cmd|' /C calc'!A0", "-3", "2026-02-01", "no"],
        ["Zoë", "2.5", "", "yes"],
    ]
