"""`csm-desktop experiment …` end to end for each arm kind, on the four-account book of
tests/store/test_experiment_kinds_service.py (K = 2026-01-05, playbook "Standard": "setup"
day 7, "report" day 14 with reports.run ≥ 5 in 7 days). Assignment is the seeded draw:
four SMB accounts split two and two.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, Variant
from tests.conftest import db_argument
from tests.store.test_experiment_kinds_service import _book

pytestmark = pytest.mark.on_server

ARM_OPTIONS = {
    "message": ["--milestone", "report", "--in-app", "Two minutes: your first report!"],
    "timing": ["--scale", "0.5"],
    "criterion": ["--milestone", "report", "--threshold", "2"],
    "order": ["--order", "report,setup"],
}


def _run(path: str, *args: str) -> int:
    return main([*args[:2], "--db", path, *args[2:]])


@pytest.mark.parametrize("kind", ["message", "timing", "criterion", "order"])
def test_each_kind_runs_create_assign_start_results(
    book: Database, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _book(book)
    path = db_argument(book)
    book.close()
    assert _run(path, "experiment", "create", "Test", "--playbook", "standard", "--kind", kind,
                *ARM_OPTIONS[kind], "--start", "2026-01-05", "--read-on", "2026-03-06",
                "--seed", "7") == 0  # fmt: skip
    assert _run(path, "experiment", "assign", "test") == 0
    assert "4 accounts assigned: 2 to A: control, 2 to B: change." in capsys.readouterr().out
    assert _run(path, "experiment", "start", "Test", "--today", "2026-01-05") == 0
    assert "Started with 4 accounts: 4 ladders created" in capsys.readouterr().out
    assert _run(path, "experiment", "results", "Test", "--today", "2026-01-20", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["kind"] for v in data["variants"]] == ["order", kind]
    assert [v["accounts"] for v in data["variants"]] == [2, 2]
    assert data["read_on"] == "2026-03-06"
    assert data["peeking"].startswith("Planned read date 2026-03-06 is 45 days away.")
    expected_label = {
        "message": "Achieved within 7 days of the nudge",
        "timing": "Changed milestones on time",
        "criterion": "Criterion met by the due date",
        "order": None,
    }[kind]
    assert data["kind_figure"] == expected_label

    # the commands closed it: read it afresh (a server book's engine connects again)
    database = open_database(book.path) if book.path is not None else book
    try:
        with database.session() as session:
            arm = session.scalars(select(Variant).where(Variant.name == "B: change")).one()
            ladders = {
                a.name: {m.title: m for m in a.milestones}
                for a in session.scalars(select(Account).where(Account.variant_id == arm.id))
            }
            for ladder in ladders.values():
                report, setup = ladder["First report"], ladder["Setup"]
                if kind == "timing":
                    assert (setup.target_day, report.target_day) == (4, 7)
                elif kind == "criterion":
                    assert report.success_threshold == 2
                elif kind == "order":
                    assert report.position < setup.position
                else:
                    assert (report.target_day, report.success_threshold) == (14, 5)
    finally:
        database.close()


def test_results_in_words_warn_against_peeking(
    book: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _book(book)
    path = db_argument(book)
    book.close()
    _run(path, "experiment", "create", "Nudge", "--playbook", "Standard", "--kind", "message",
         *ARM_OPTIONS["message"], "--start", "2026-01-05", "--read-on", "2026-03-06")  # fmt: skip
    _run(path, "experiment", "assign", "Nudge")
    _run(path, "experiment", "start", "Nudge", "--today", "2026-01-05")
    capsys.readouterr()
    assert _run(path, "experiment", "results", "Nudge", "--today", "2026-01-20") == 0
    out = capsys.readouterr().out
    assert out.startswith("WARNING: Planned read date 2026-03-06 is 45 days away.")
    assert "B: change (another in-app nudge for “First report”): 2 accounts" in out
    assert "achieved within 7 days of the nudge –" in out


def test_sample_size_command_gives_the_textbook_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "sample-size", "--baseline", "50%", "--hoped", "0.7", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"accounts_per_arm": 93}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["results", "Nope"], "error: There is no experiment “Nope”. Known: none."),
        (["create", "X", "--playbook", "Standard", "--kind", "timing", "--threshold", "3"],
         "error: That option belongs to a criterion arm, not a timing arm."),
        (["create", "X", "--playbook", "Standard", "--kind", "message", "--in-app", "Hi"],
         "error: A message arm needs --milestone KEY"),
        (["create", "X", "--playbook", "Gold", "--kind", "timing", "--scale", "2"],
         "error: There is no playbook “Gold”. Known: Standard v1."),
        (["create", "X", "--playbook", "Standard", "--kind", "criterion", "--milestone",
          "setup", "--threshold", "3"], "has no usage success criterion"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(book: Database, args: list[str], message: str) -> None:
    _book(book)
    path = db_argument(book)
    book.close()
    done = subprocess.run(
        [sys.executable, "-m", "csm_desktop", "experiment", args[0], "--db", path, *args[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr
