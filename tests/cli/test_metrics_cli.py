"""`csm-desktop metrics` end to end on a stored four-account book worked out by hand.

The book is the one of tests/unit/test_metrics_portfolio.py, stored through the ORM with
usage rows at the edges of every window the SQL reads (health today−13, adoption U+30).
Today is 2026-04-15.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.domain.vocabulary import Health
from csm_desktop.services.metrics import (
    account_metrics,
    book_rows,
    experiment_results,
    portfolio_metrics,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Experiment,
    Playbook,
    Role,
    UsageEvent,
    Variant,
)
from tests.conftest import db_argument

pytestmark = pytest.mark.on_server

TODAY = dt.date(2026, 4, 15)
STANDARD = (  # title, role, target day, first value, unlocks
    ("Setup", "Administrator", 5, False, None),
    ("First report", "Power user", 14, True, None),
    ("Dashboards", "Operator", 30, False, "dashboards"),
    ("Automation", "Power user", 60, False, None),
)
LITE = (
    ("Kickoff call", "Administrator", 3, False, None),
    ("Dashboards", "Operator", 10, False, "dashboards"),
)


def _store_book(database: Database) -> None:
    """Alpha, Bravo, Charlie on "Standard", Delta on "Lite" (see the module docstring)."""
    with database.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        standard, lite = Playbook(name="Standard"), Playbook(name="Lite")
        experiment = Experiment(name="Order test")
        control = Variant(name="Control", experiment=experiment)
        session.add_all([standard, lite, experiment, control])

        def add(name, kickoff, playbook, ladder, outcomes, usage=(), variant=None):  # type: ignore[no-untyped-def]
            account = Account(
                name=name, signed_on=kickoff - dt.timedelta(days=10), kickoff_on=kickoff,
                playbook=playbook, variant=variant, segment="SMB", owner="Ann",
            )  # fmt: skip
            session.add(account)
            session.flush()
            for position, ((title, role, target, first, unlocks), outcome) in enumerate(
                zip(ladder, outcomes, strict=True)
            ):
                status, achieved_day, criterion_day = outcome
                session.add(
                    AccountMilestone(
                        account=account, position=position, title=title,
                        role=roles[role], target_day=target,
                        due_on=kickoff + dt.timedelta(days=target) if position % 2 else None,
                        status=status,
                        achieved_on=None if achieved_day is None
                        else kickoff + dt.timedelta(days=achieved_day),
                        first_value=first, unlocks=unlocks,
                        criterion_met_on=None if criterion_day is None
                        else kickoff + dt.timedelta(days=criterion_day),
                    )
                )  # fmt: skip
            for day, feature, count in usage:
                session.add(
                    UsageEvent(
                        account_id=account.id, day=kickoff + dt.timedelta(days=day),
                        feature=feature, count=count,
                    )
                )  # fmt: skip

        done, open_, skip = "achieved", "not started", "skipped"
        add(
            "Alpha", dt.date(2026, 1, 5), standard, STANDARD,
            [(done, 4, None), (done, 12, 11), (done, 35, None), (skip, None, None)],
            # dashboards used on U+30 exactly (U = day 35); reports on today−13 (day 87).
            [(65, "dashboards", 1), (87, "reports", 2), (86, "reports", 0)],
            variant=control,
        )  # fmt: skip
        add(
            "Bravo", dt.date(2026, 1, 20), standard, STANDARD,
            [(done, 6, None), (done, 20, None), (done, 30, None), (open_, None, None)],
            # dashboards on U+31 only (too late); last use today−14 (day 71); a zero today.
            [(61, "dashboards", 4), (71, "reports", 3), (85, "reports", 0)],
            variant=control,
        )  # fmt: skip
        add(
            "Charlie", dt.date(2026, 2, 2), standard, STANDARD,
            [(done, 5, None), ("in progress", None, None), (open_, None, None),
             (open_, None, None)],
        )  # fmt: skip
        add(
            "Delta", dt.date(2026, 4, 1), lite, LITE, [(done, 2, None), (done, 8, None)],
            [(9, "dashboards", 1), (30, "dashboards", 9)],  # day 30 is after today: unknown
        )  # fmt: skip
        archived = Account(name="Zulu (archived)", kickoff_on=dt.date(2026, 1, 1), archived=True)
        no_kickoff = Account(name="Echo (not started)", segment="SMB")
        session.add_all([archived, no_kickoff])


EXPECTED = {
    "today": "2026-04-15",
    "accounts": 4,
    "ttfv_median_days": 12.0,
    "first_value_on_time_share": 0.5,
    "adoption_rate": 0.5,
    "adoption_pending": 1,
    "on_time_rate": 0.6667,
    "health": {"on track": 2, "at risk": 1, "off track": 1},
    "funnel": {
        "Lite": [
            {"milestone": "Kickoff call", "role": "Administrator", "achieved_share": 1.0},
            {"milestone": "Dashboards", "role": "Operator", "achieved_share": 1.0},
        ],
        "Standard": [
            {"milestone": "Setup", "role": "Administrator", "achieved_share": 1.0},
            {"milestone": "First report", "role": "Power user", "achieved_share": 0.6667},
            {"milestone": "Dashboards", "role": "Operator", "achieved_share": 0.6667},
            {"milestone": "Automation", "role": "Power user", "achieved_share": 0.0},
        ],
    },
    "cohorts": {
        "2026-01": {"30": 0.5, "60": 0.5, "90": 1.0},
        "2026-02": {"30": 0.0, "60": 0.0, "90": None},
        "2026-04": {"30": None, "60": None, "90": None},
    },
}


def _ladder(titles_statuses: list[tuple[str, str, str, str | None]]) -> list[dict[str, object]]:
    return [
        {"milestone": t, "role": r, "status": s, "criterion_met_on": c}
        for t, r, s, c in titles_statuses
    ]


EXPECTED_ACCOUNTS = [
    {
        "account": "Alpha", "completion": 1.0, "ttfv_days": 12, "health": "on track",
        "overdue": 0,
        "milestones": _ladder([
            ("Setup", "Administrator", "achieved", None),
            ("First report", "Power user", "achieved", "2026-01-16"),
            ("Dashboards", "Operator", "achieved", None),
            ("Automation", "Power user", "skipped", None),
        ]),
    },
    {
        "account": "Bravo", "completion": 0.75, "ttfv_days": 20, "health": "at risk",
        "overdue": 1,
        "milestones": _ladder([
            ("Setup", "Administrator", "achieved", None),
            ("First report", "Power user", "achieved", None),
            ("Dashboards", "Operator", "achieved", None),
            ("Automation", "Power user", "not started", None),
        ]),
    },
    {
        "account": "Charlie", "completion": 0.25, "ttfv_days": None, "health": "off track",
        "overdue": 3,
        "milestones": _ladder([
            ("Setup", "Administrator", "achieved", None),
            ("First report", "Power user", "in progress", None),
            ("Dashboards", "Operator", "not started", None),
            ("Automation", "Power user", "not started", None),
        ]),
    },
    {
        "account": "Delta", "completion": 1.0, "ttfv_days": 2, "health": "on track",
        "overdue": 0,
        "milestones": _ladder([
            ("Kickoff call", "Administrator", "achieved", None),
            ("Dashboards", "Operator", "achieved", None),
        ]),
    },
]  # fmt: skip


@pytest.fixture
def stored_book(book: Database) -> Database:
    _store_book(book)
    return book


def test_metrics_reports_for_today_when_no_date_is_given(
    stored_book: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """Like every other command, ``--today`` defaults to the clock's today."""
    import datetime as dt

    path = db_argument(stored_book)
    stored_book.close()
    assert main(["metrics", "--db", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["today"] == dt.date.today().isoformat()


def test_metrics_json_prints_the_design_shape_with_exact_values(
    stored_book: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    path = db_argument(stored_book)
    stored_book.close()
    assert main(["metrics", "--db", path, "--today", "2026-04-15", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert list(printed) == [*EXPECTED, "by_account", "long_term"]
    assert {k: v for k, v in printed.items() if k not in ("by_account", "long_term")} == EXPECTED
    assert printed["by_account"] == EXPECTED_ACCOUNTS
    # No renewal is recorded: nothing is decided (tests/cli/test_long_term_cli.py has figures).
    nothing = {"decided": 0, "renewal_rate": None, "nrr": None}
    assert printed["long_term"] == {
        "renewal_rate": None,
        "nrr": None,
        "decided": 0,
        "by_first_value": {"on time": nothing, "late": nothing},
    }


def test_metrics_command_runs_as_a_real_process(stored_book: Database) -> None:
    path = db_argument(stored_book)
    stored_book.close()
    done = subprocess.run(
        [sys.executable, "-m", "csm_desktop", "metrics", "--db", path, "--today", "2026-04-15"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Portfolio on 2026-04-15: 4 accounts" in done.stdout
    assert "Time to first value (median): 12 days" in done.stdout
    assert "Adoption after unlock: 50.0 % (1 pending)" in done.stdout
    assert "Health: 2 on track, 1 at risk, 1 off track" in done.stdout


def test_metrics_piped_into_a_reader_that_stops_early_exits_quietly(
    stored_book: Database,
) -> None:
    """``csm-desktop metrics --db BOOK | head -1``: once the reader has gone, the command stops
    without a BrokenPipeError traceback and exits 141 like a Unix tool stopped by SIGPIPE.

    The reader here closes its end before the command prints anything (it takes far longer
    than that to open the book), so the pipe is always closed when the command writes."""
    path = db_argument(stored_book)
    stored_book.close()
    command = [sys.executable, "-m", "csm_desktop", "metrics", "--db", path, "--today"]
    process = subprocess.Popen(
        [*command, "2026-04-15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    errors = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 141
    assert errors == ""


def test_metrics_through_head_prints_the_first_line_and_no_traceback(
    stored_book: Database,
) -> None:
    """The real shell pipeline: head keeps the first line, the command's stderr stays empty."""
    path = db_argument(stored_book)
    stored_book.close()
    metrics = subprocess.Popen(
        [sys.executable, "-m", "csm_desktop", "metrics", "--db", path, "--today", "2026-04-15"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert metrics.stdout is not None and metrics.stderr is not None
    head = subprocess.run(["head", "-1"], stdin=metrics.stdout, capture_output=True, text=True)
    metrics.stdout.close()
    errors = metrics.stderr.read().decode()
    metrics.stderr.close()
    assert metrics.wait(timeout=120) in (0, 141)  # 0 when head read before it closed
    assert head.stdout == "Portfolio on 2026-04-15: 4 accounts\n"
    assert errors == ""


def test_metrics_filters_by_playbook(
    stored_book: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    path = db_argument(stored_book)
    stored_book.close()
    args = ["metrics", "--db", path, "--today", "2026-04-15", "--json", "--playbook", "Lite"]
    assert main(args) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["accounts"] == 1
    assert printed["adoption_rate"] is None
    assert printed["adoption_pending"] == 1


def test_metrics_on_a_missing_book_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    assert main(["metrics", "--db", str(missing), "--today", "2026-04-15", "--json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err
    assert not missing.exists()


def test_book_rows_for_every_active_account(stored_book: Database) -> None:
    rows = {row.name: row for row in book_rows(stored_book, TODAY)}
    assert list(rows) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo (not started)"]
    bravo = rows["Bravo"]
    assert (bravo.age_days, bravo.completion, bravo.overdue, bravo.health, bravo.ttfv_days) == (
        85, 0.75, 1, Health.AT_RISK, 20,
    )  # fmt: skip
    assert (bravo.next_milestone, bravo.next_due_on) == ("Automation", dt.date(2026, 3, 21))
    echo = rows["Echo (not started)"]
    assert (echo.age_days, echo.completion, echo.health, echo.overdue) == (None, None, None, 0)


def test_the_store_reads_window_edges_like_the_definitions(stored_book: Database) -> None:
    metrics = portfolio_metrics(stored_book, TODAY)
    alpha, bravo = metrics.by_account[0], metrics.by_account[1]
    assert [a.adopted for a in alpha.adoptions] == [True]  # use on U+30 counts
    assert [a.adopted for a in bravo.adoptions] == [False]  # use on U+31 does not
    assert alpha.health is Health.ON_TRACK  # used on today−13
    with stored_book.session() as session:
        alpha_id = session.scalars(select(Account.id).where(Account.name == "Alpha")).one()
    assert account_metrics(stored_book, alpha_id, TODAY).ttfv_days == 12


def test_experiment_results_by_variant(stored_book: Database) -> None:
    with stored_book.session() as session:
        experiment_id = session.scalars(select(Experiment.id)).one()
    result = experiment_results(stored_book, experiment_id, TODAY)
    (control,) = result.variants
    assert (control.variant, control.accounts, control.ttfv_median_days) == ("Control", 2, 16.0)
    assert control.first_value_within_target.part == 1
