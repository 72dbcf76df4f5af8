"""``csm-desktop import-book`` and ``export-book``, run for real."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from csm_desktop.cli import main
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountMilestone, Base, Role, UsageEvent

HEADERS = {
    "Accounts": [
        "Account", "External ID", "Segment", "Industry", "Seats", "ARR", "Owner", "Signed on",
        "Kickoff on", "Renewal on", "Playbook", "Variant",
    ],
    "Contacts": ["Account", "Name", "Role", "Email", "Title"],
    "Milestones": [
        "Account", "Milestone", "Role", "Target day", "Due on", "Status", "Started on",
        "Achieved on", "Evidence", "Definition of done", "First value", "Unlocks",
        "Success feature", "Success threshold", "Success window days",
    ],
    "Kickoffs": ["Account", "Held on", "Attendees", "Success statement", "Definition of done"],
    "Value metrics": [
        "Account", "Metric", "Unit", "Direction", "Baseline", "Baseline on", "Value",
        "Measured on", "Target",
    ],
    "Usage": ["Account", "Date", "Feature", "Count", "Active users"],
}  # fmt: skip


def fill(database: Database) -> None:
    with database.session() as session:
        admin = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        account = Account(name="Zoë Ødegård", kickoff_on=dt.date(2026, 1, 5), seats=12)
        account.milestones.append(
            AccountMilestone(
                position=1,
                title="=Connect SSO",
                role=admin,
                target_day=7,
                due_on=dt.date(2026, 1, 12),
                status="achieved",
                achieved_on=dt.date(2026, 1, 9),
            )
        )
        session.add(account)
        session.flush()
        session.add(
            UsageEvent(account_id=account.id, day=dt.date(2026, 1, 6), feature="x", count=2)
        )


def counts(path: Path) -> dict[str, int]:
    database = open_database(path)
    try:
        with database.session() as session:
            return {
                table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
            }
    finally:
        database.close()


def bad_workbook(path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in HEADERS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(headers)
    workbook["Accounts"].append(["Acme", None, None, None, 3])
    workbook["Milestones"].append(["Acme", "Connect", "Administrator", 5, None, "finished"])
    workbook["Usage"].append(["Acme", "31/02/2026", "login", 3])
    workbook.save(path)
    workbook.close()


def test_export_then_import_into_a_new_book(
    book: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(book)
    book.close()
    workbook = tmp_path / "handover.xlsx"
    assert main(["export-book", str(workbook), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Book workbook written to {workbook}: 1 accounts")

    other = tmp_path / "other.sqlite3"
    assert main(["--db", str(other), "import-book", str(workbook)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Imported handover.xlsx" in captured.out
    assert "1 new and 0 updated accounts" in captured.out
    assert counts(other)["usage_event"] == 1
    database = open_database(other)
    try:
        with database.session() as session:
            assert session.scalars(select(AccountMilestone.title)).one() == "=Connect SSO"
    finally:
        database.close()


def test_bad_rows_are_printed_and_the_good_ones_stored(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tracker.xlsx"
    bad_workbook(source)
    assert main(["import-book", str(source), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "rejected: Milestones row 2, Status 'finished': is not a status; use one of: "
        "not started, in progress, achieved, blocked, skipped"
    )
    assert out[1] == (
        "rejected: Usage row 2, Date '31/02/2026': is not a date: not a valid date; use a date "
        "cell or YYYY-MM-DD"
    )
    assert out[-1] == f"2 rows were rejected, listed in {tmp_path / 'tracker.rejected-rows.csv'}."
    assert counts(db_path)["account"] == 1


def test_strict_import_with_bad_rows_exits_2_and_stores_nothing(
    book: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(book)
    book.close()
    before = counts(db_path)
    source = tmp_path / "tracker.xlsx"
    bad_workbook(source)
    assert main(["import-book", str(source), "--strict", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: {source}: 2 rows cannot be used")
    assert "nothing was stored (--strict)" in err
    assert counts(db_path) == before


def test_a_file_that_is_not_a_workbook_exits_2_and_changes_nothing(
    book: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(book)
    book.close()
    before = counts(db_path)
    source = tmp_path / "notes.xlsx"
    source.write_bytes(b"%PDF-1.7 definitely not a spreadsheet")
    assert main(["import-book", str(source), "--db", str(db_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("error: notes.xlsx is not an Excel workbook (.xlsx)")
    assert counts(db_path) == before


def test_a_missing_header_exits_2_naming_sheet_and_column(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tracker.xlsx"
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in HEADERS.items():
        workbook.create_sheet(name).append([h for h in headers if h != "Feature"])
    workbook.save(source)
    workbook.close()
    assert main(["import-book", str(source), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'error: {source}: sheet "Usage" has no column "Feature"')
    assert err.count("\n") == 1


def test_export_without_a_book_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.sqlite3"
    assert main(["export-book", str(tmp_path / "out.xlsx"), "--db", str(missing)]) == 2
    assert capsys.readouterr().err.startswith(f"error: There is no book at {missing}.")
    assert not missing.exists()


def test_export_to_a_non_xlsx_name_exits_2(
    book: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book.close()
    assert main(["export-book", str(tmp_path / "out.csv"), "--db", str(db_path)]) == 2
    assert "choose a name ending .xlsx" in capsys.readouterr().err


def test_the_installed_command_round_trips(book: Database, db_path: Path, tmp_path: Path) -> None:
    fill(book)
    book.close()
    workbook = tmp_path / "book.xlsx"
    command = [sys.executable, "-m", "csm_desktop"]
    exported = subprocess.run(
        [*command, "export-book", str(workbook), "--db", str(db_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (exported.returncode, exported.stderr) == (0, "")
    imported = subprocess.run(
        [*command, "import-book", str(workbook), "--db", str(tmp_path / "copy.sqlite3")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (imported.returncode, imported.stderr) == (0, "")
    assert counts(tmp_path / "copy.sqlite3")["account_milestone"] == 1
