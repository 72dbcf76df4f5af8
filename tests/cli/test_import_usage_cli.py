"""`csm-desktop import-usage`: summary on success, exit 2 with one line on bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from csm_desktop.cli import main
from tests.cli.stored_usage import usage_rows


def test_import_prints_counts_rejected_file_and_unmatched_accounts(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text(
        "Usage March\n\nAccount;Date;Feature;Count\n"
        "Acme;01.03.2026;login;3\nInitech;01.03.2026;login;1\nTotal;;;4\n",
        encoding="utf-8-sig",
    )
    assert main(["import-usage", str(source), "--db", str(book_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Imported usage.csv (header row 3, long form) into {book_path}: 3 rows read, 1 usage "
        "events stored (1 new), 1 row rejected, 1 line skipped.",
        f"Rejected rows: {tmp_path / 'usage.rejected-rows.csv'}",
        "Unmatched accounts (1): Initech (add them to the book, or import again with "
        "--create-accounts)",
        "Features the book does not know (1), stored as spelled: login",
    ]
    assert usage_rows(book_path) == [(1, "2026-03-01", "login", 3)]


def test_overrides_read_an_unusual_file(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "export.csv"
    source.write_text("Kunde,Tag,Funktion,Anzahl\nAcme,03/02/2026,login,2\nNeu,03/04/2026,x,1\n")
    code = main(
        [
            "import-usage",
            str(source),
            "--db",
            str(book_path),
            "--header-row",
            "1",
            "--map",
            "Kunde=account",
            "--map",
            "Tag=date",
            "--map",
            "C=feature",
            "--map",
            "Anzahl=count",
            "--date-format",
            "MM/DD/YYYY",
            "--create-accounts",
        ]
    )
    assert code == 0
    assert "Created accounts (1): Neu" in capsys.readouterr().out
    assert usage_rows(book_path) == [(1, "2026-03-02", "login", 2), (2, "2026-03-04", "x", 1)]


def test_bad_file_exits_2_with_one_line_and_changes_nothing(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Count\nAcme,2026-03-01,3\n")
    assert main(["import-usage", str(source), "--db", str(book_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: usage.csv, header row 1: missing required column Feature (or one column per "
        "feature). Rename the column in the file, map it (--map COLUMN=FIELD) or give the "
        "feature (--feature NAME).\n"
    )
    assert usage_rows(book_path) == []


def test_strict_exits_2_when_a_row_is_bad(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nAcme,2026-03-01,x,3\nAcme,2026-03-02,x,lots\n")
    assert main(["import-usage", str(source), "--db", str(book_path), "--strict"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: usage.csv: 1 rows cannot be used (first: row 3, column Count:")
    assert err.count("\n") == 1
    assert usage_rows(book_path) == []


def test_missing_file_and_malformed_map_are_bad_input(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-usage", str(tmp_path / "nope.csv"), "--db", str(book_path)]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'nope.csv'} does not exist or is not a file. Check the path.\n"
    )
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\n")
    assert main(["import-usage", str(source), "--db", str(book_path), "--map", "Kunde"]) == 2
    assert capsys.readouterr().err == (
        "error: --map 'Kunde': write COLUMN=FIELD, for example 'Kunde=account'.\n"
    )


def test_hostile_workbook_is_refused_before_the_book_is_opened_or_copied(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The checks run in the read-ahead thread beside the command's imports; the command
    waits for them before it opens the book, so a refused file leaves no backup behind."""
    source = tmp_path / "usage.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("readme.txt", "hello")
    before = book_path.read_bytes()
    assert main(["import-usage", str(source), "--db", str(book_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: usage.xlsx is a zip file but not an Excel workbook (no xl/workbook.xml). "
        "Save the usage data as .xlsx or CSV.\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["book.sqlite3", "usage.xlsx"]
    assert book_path.read_bytes() == before
