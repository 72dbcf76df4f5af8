"""``import-book`` of a workbook of accounts, milestones and usage writes with statements
only: it configures no ORM mapper (~50 ms of a one-shot command, issue 17). Checked in a
fresh interpreter, since any ORM use earlier in the test session configures them all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl

PROBE = """
import sys
from csm_desktop.cli import main
code = main(["import-book", sys.argv[1], "--db", sys.argv[2]])
from sqlalchemy.orm import class_mapper
from csm_desktop.store.models import Account
print(code, class_mapper(Account, configure=False).configured)
"""


def test_import_book_configures_no_mapper(tmp_path: Path) -> None:
    source = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    accounts = workbook.active
    accounts.title = "Accounts"
    accounts.append(["Account", "Kickoff on"])
    accounts.append(["Acme", "2026-01-05"])
    milestones = workbook.create_sheet("Milestones")
    milestones.append(["Account", "Milestone", "Role", "Target day", "Status", "Achieved on"])
    milestones.append(["Acme", "Kickoff", "CSM", 0, "achieved", "2026-01-05"])
    usage = workbook.create_sheet("Usage")
    usage.append(["Account", "Date", "Feature", "Count"])
    usage.append(["Acme", "2026-01-06", "export", 3])
    workbook.save(source)
    workbook.close()
    checkout = Path(__file__).resolve().parents[2]  # this checkout's package, not another
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(source), str(tmp_path / "new.sqlite3")],
        capture_output=True,
        text=True,
        check=True,
        cwd=checkout,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.stdout.split()[-2:] == ["0", "False"]
