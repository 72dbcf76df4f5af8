"""``csm-desktop import-book`` on a CSM's own tracker: one sheet, its own headers and formats."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.services.default_playbook import load_shipped_playbooks
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account, AccountMilestone, Playbook


def tracker(path: Path, rows: list[list[Any]], title: str = "Accounts") -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    workbook.close()
    return path


TRACKER = [
    ["Customer", "CSM", "ARR", "Kickoff", "Renewal"],
    ["Acme Freight", "Maya Chen", "$12,000", "15/10/2026", "15/10/2027"],
    ["Beta GmbH", "Jonas Keller", "12.000 €", "03/11/2026", "03/11/2027"],
]


def test_a_one_sheet_tracker_imports_in_one_command_and_gets_ladders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "15/10/2026" proves the Kickoff column is day first, so "03/11/2026" is 3 November.
    Both new accounts get the Standard playbook (10 steps in the shipped file) with due dates
    kickoff + target day."""
    source = tracker(tmp_path / "my tracker.xlsx", TRACKER)
    db = tmp_path / "new.sqlite3"
    assert main(["import-book", str(source), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 new and 0 updated accounts; rows: 2 accounts." in out
    assert "2 new accounts got the ladder of Standard v1, the book's default playbook." in out
    standard = next(p for p in load_shipped_playbooks()["playbooks"] if p["name"] == "Standard")
    targets = {t["key"]: t["target_day"] for t in load_shipped_playbooks()["templates"]}
    database = open_database(db)
    try:
        with database.session() as session:
            accounts = session.scalars(select(Account).order_by(Account.name)).all()
            assert [
                (a.name, a.owner, a.arr, a.kickoff_on, a.renewal_on, a.playbook.name)
                for a in accounts
                if a.playbook is not None
            ] == [
                ("Acme Freight", "Maya Chen", 12000.0, dt.date(2026, 10, 15),
                 dt.date(2027, 10, 15), "Standard"),
                ("Beta GmbH", "Jonas Keller", 12000.0, dt.date(2026, 11, 3),
                 dt.date(2027, 11, 3), "Standard"),
            ]  # fmt: skip
            beta = accounts[1]
            assert len(beta.milestones) == len(standard["steps"]) == 10
            first = standard["steps"][0]
            assert beta.milestones[0].due_on == dt.date(2026, 11, 3) + dt.timedelta(
                days=targets[first]
            )
            assert session.scalars(select(Playbook.name)).all() == ["Standard"]
    finally:
        database.close()


def test_the_installed_command_imports_a_tracker(tmp_path: Path) -> None:
    source = tracker(tmp_path / "tracker.xlsx", TRACKER, title="Q3 book")
    db = tmp_path / "book.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "csm_desktop", "import-book", str(source), "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    database = open_database(db)
    try:
        with database.session() as session:
            assert len(session.scalars(select(AccountMilestone)).all()) == 20
    finally:
        database.close()


def test_a_missing_header_names_found_and_expected_and_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tracker(tmp_path / "tracker.xlsx", [["Who", "CSM", "ARR"], ["Acme", "Maya", 1]])
    db = tmp_path / "new.sqlite3"
    assert main(["import-book", str(source), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f'error: {source}: sheet "Accounts" has no column "Account". Headers found: "Who", '
        '"CSM", "ARR". Expected: Account, External ID, Segment, Industry, Seats, ARR, Owner, '
        "Signed on, Kickoff on, Renewal on, Playbook, Variant. Rename the column, or name it "
        "with --map COLUMN=Account.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]


def test_map_names_a_column_the_synonyms_do_not_know(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tracker(
        tmp_path / "tracker.xlsx",
        [["Who", "Money", "Notes"], ["Acme", "12k", "nice people"]],
    )
    db = tmp_path / "new.sqlite3"
    args = ["import-book", str(source), "--db", str(db), "--map", "Who=Account"]
    assert main([*args, "--map", "B=arr", "--map", "notes=ignore"]) == 0
    assert "not read" not in capsys.readouterr().out
    database = open_database(db)
    try:
        with database.session() as session:
            assert session.execute(select(Account.name, Account.arr)).all() == [("Acme", 12000.0)]
    finally:
        database.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "Nope=Account"], '--map Nope=…: sheet "Accounts" of'),
        (["--map", "Who=Salary"], "'Salary' is not a column of the Accounts sheet"),
        (["--map", "Who"], "--map 'Who': write COLUMN=FIELD"),
        (["--sheet", "Renewals"], 'has no sheet "Renewals". Its sheets are: "Accounts".'),
    ],
)
def test_bad_options_exit_2_with_one_line_and_leave_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    source = tracker(tmp_path / "tracker.xlsx", [["Who", "ARR"], ["Acme", 1]])
    assert main(["import-book", str(source), "--db", str(tmp_path / "new.sqlite3"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tracker.xlsx"]


def test_a_strict_import_that_stores_nothing_leaves_no_new_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tracker(tmp_path / "tracker.xlsx", [["Customer", "Seats"], ["Acme", "many"]])
    db = tmp_path / "new.sqlite3"
    assert main(["import-book", str(source), "--db", str(db), "--strict"]) == 2
    assert "nothing was stored (--strict)" in capsys.readouterr().err
    assert not db.exists()
