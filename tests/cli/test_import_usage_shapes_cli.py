"""`csm-desktop import-usage` on exports in their real shapes: --strict, --feature,
--decimal, --time-zone, and exit 2 with one line when nothing could be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_desktop.cli import main
from tests.cli.stored_usage import usage_rows

GA4 = (
    "# ----------------------------------------\n"
    "# Events\n"
    "# Start date: 20260301\n"
    "# End date: 20260302\n"
    "# ----------------------------------------\n"
    "Date,Event name,Account,Event count,Total users\n"
    "20260301,login,Acme,12,3\n"
    "20260302,login,Acme,7,2\n"
    "\n"
    "Grand total,,,19,5\n"
    "Confidential - generated for Acme Corp\n"
)


def run(*args: str) -> int:
    return main(["import-usage", *args])


def test_strict_accepts_a_file_whose_only_odd_lines_are_comments_totals_and_footers(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "ga4.csv"
    source.write_text(GA4, encoding="utf-8")
    assert run(str(source), "--db", str(book_path), "--strict") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"Imported ga4.csv (header row 6, long form) into {book_path}: 5 rows read, 2 usage "
        "events stored (2 new), 0 rows rejected, 3 lines skipped."
    )
    assert usage_rows(book_path, active_users=True) == [
        (1, "2026-03-01", "login", 12, 3),
        (1, "2026-03-02", "login", 7, 2),
    ]


def test_dates_as_columns_with_the_feature_option(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "chart.csv"
    source.write_text("Company,2026-03-01,2026-03-02,Total\nAcme,4,1,5\n", encoding="utf-8")
    assert run(str(source), "--db", str(book_path), "--feature", "user_invited") == 0
    assert capsys.readouterr().out.startswith(
        "Imported chart.csv (header row 1, dates as columns) into"
    )
    assert usage_rows(book_path, active_users=True) == [
        (1, "2026-03-01", "user_invited", 4, None),
        (1, "2026-03-02", "user_invited", 1, None),
    ]


def test_event_log_with_epoch_seconds_and_a_time_zone(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1772407800 is 23:30 UTC on 1 March: 2 March in Paris, 1 March in New York."""
    source = tmp_path / "events.csv"
    source.write_text("event,time,account\nlogin,1772407800,Acme\n", encoding="utf-8")
    assert run(str(source), "--db", str(book_path), "--time-zone", "Europe/Paris") == 0
    out = capsys.readouterr().out
    assert "(header row 1, event log, each row one event)" in out
    assert "note: Each row counted as one event (1 event)." in out
    assert usage_rows(book_path, active_users=True) == [(1, "2026-03-02", "login", 1, None)]


def test_decimal_option_reads_a_decimal_comma_file(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account;Date;Feature;Count\nAcme;01.03.2026;login;1.234\n", encoding="utf-8")
    assert run(str(source), "--db", str(book_path), "--decimal", ",") == 0
    assert usage_rows(book_path, active_users=True) == [(1, "2026-03-01", "login", 1234, None)]
    assert run(str(source), "--db", str(book_path), "--decimal", "x") == 2
    assert capsys.readouterr().err == "error: --decimal 'x': use --decimal , or --decimal .\n"


def test_nothing_usable_exits_2_with_one_line_naming_the_option(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text(
        "Account,Date,Feature,Count\nInitech,2026-03-01,login,1\nHooli,2026-03-01,login,2\n",
        encoding="utf-8",
    )
    assert run(str(source), "--db", str(book_path)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: usage.csv: nothing was imported: all 2 rows were rejected (2 for: unknown "
        f"account). They are listed in {tmp_path / 'usage.rejected-rows.csv'}. To import "
        "them, add the accounts to the book first, or import with create accounts "
        "(--create-accounts).\n"
    )
    assert usage_rows(book_path, active_users=True) == []
    assert run(str(source), "--db", str(book_path), "--create-accounts") == 0
    assert len(usage_rows(book_path, active_users=True)) == 2


def test_the_summary_names_the_columns_it_did_not_import(
    book_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An event log with a "Sessions" column of numbers: each row still counts 1, and the
    summary says the numbers were not read; a wide file's licence count is named too."""
    source = tmp_path / "events.csv"
    source.write_text(
        "Account,Time,Event,Sessions\nAcme,2026-03-01,login,4\nAcme,2026-03-01,login,2\n",
        encoding="utf-8",
    )
    assert run(str(source), "--db", str(book_path)) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Not imported: Sessions (numbers, not read: map it as count if it holds counts)." in out
    assert usage_rows(book_path, active_users=True) == [(1, "2026-03-01", "login", 2, None)]
    wide = tmp_path / "wide.csv"
    wide.write_text("Account,Date,Licensed Users,Logins\nAcme,2026-03-02,50,3\n", encoding="utf-8")
    assert run(str(wide), "--db", str(book_path), "--map", "Logins=feature column") == 0
    assert "Not imported: Licensed Users (ignored, not a feature)." in capsys.readouterr().out
    assert usage_rows(book_path, active_users=True)[-1] == (1, "2026-03-02", "Logins", 3, None)
