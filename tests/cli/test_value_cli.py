"""``csm-desktop value set`` and ``value record``: value metrics without a workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csm_desktop.cli import main
from csm_desktop.services.metrics import value_changes
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountEvent, Base

K = dt.date(2026, 3, 2)


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


@pytest.fixture
def acme(book: Database, db_path: Path) -> Path:
    with book.session() as session:
        session.add(Account(name="Acme Freight", external_id="ACME-1", kickoff_on=K))
    book.close()
    return db_path


def run(db: Path, *args: str) -> int:
    return main(["value", *args, "--db", str(db), "--today", "2026-05-04"])


def test_set_then_record_is_reported_in_the_qbr_value_section(
    acme: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Baseline 10 h, measured 6 h, lower is better: (6 − 10) ÷ 10 = −40 %, shown as +40 %
    better; the target 4 and the money per unit 60 are kept."""
    assert (
        run(
            acme,
            "set",
            "acme freight",
            "Hours on weekly reporting",
            "--unit",
            "hours",
            "--direction",
            "lower",
            "--baseline",
            "10",
            "--baseline-on",
            "2026-03-02",
            "--target",
            "4",
            "--money-per-unit",
            "60",
            "--per",
            "week",
        )
        == 0
    )
    assert (
        run(acme, "record", "ACME-1", "hours on weekly reporting", "6", "--on", "2026-04-30") == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "acme freight: Value metric “Hours on weekly reporting” added (baseline 10 hours on "
        "2026-03-02).",
        "ACME-1: “Hours on weekly reporting” measured 6 hours on 2026-04-30.",
    ]
    database = open_database(acme)
    try:
        lines = value_changes(database, 1, dt.date(2026, 5, 4))
        with database.session() as session:
            events = session.execute(select(AccountEvent.happened_on, AccountEvent.kind)).all()
    finally:
        database.close()
    assert [(v.metric, v.baseline, v.latest, v.target) for v in lines] == [
        ("Hours on weekly reporting", 10.0, 6.0, 4.0)
    ]
    assert lines[0].change_percent == pytest.approx(40.0)
    assert events == [(dt.date(2026, 5, 4), "value"), (dt.date(2026, 5, 4), "value")]


def test_set_changes_only_the_options_given(acme: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(acme, "set", "Acme Freight", "NPS", "--direction", "higher", "--baseline", "20",
        "--baseline-on", "2026-03-02")  # fmt: skip
    assert run(acme, "set", "Acme Freight", "nps", "--target", "45") == 0
    database = open_database(acme)
    try:
        lines = value_changes(database, 1, dt.date(2026, 5, 4))
    finally:
        database.close()
    assert [(v.metric, v.direction.value, v.baseline, v.target) for v in lines] == [
        ("NPS", "higher", 20.0, 45.0)
    ]


BAD_SET = [
    (["Nobody Inc", "NPS", "--direction", "higher"], "No account is named or has the external id"),
    (["Acme Freight", "NPS", "--direction", "sideways"], "Direction 'sideways' is not one of"),
    (["Acme Freight", "NPS"], "a new value metric needs --direction higher or lower"),
    (["Acme Freight", "NPS", "--direction", "higher", "--baseline", "ten",
      "--baseline-on", "2026-03-02"], "--baseline 'ten' is not a number"),
    (["Acme Freight", "NPS", "--direction", "higher", "--baseline", "10",
      "--baseline-on", "2/3/26"], "--baseline-on '2/3/26' is not a date"),
    (["Acme Freight", "NPS", "--direction", "higher", "--baseline", "10"],
     "a baseline needs both its value and the date"),
    (["Acme Freight", "NPS", "--direction", "higher", "--target", "nan"],
     "--target 'nan' is not a number"),
    (["Acme Freight", "NPS", "--direction", "higher", "--money-per-unit", "-5"],
     "money per unit cannot be negative"),
    (["Acme Freight", "NPS", "--direction", "higher", "--per", "fortnight"],
     "is not a period; use day, week, month, quarter, year"),
    (["Acme Freight", "  ", "--direction", "higher"], "Give the value metric a name"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD_SET)
def test_bad_set_exits_2_with_one_line_and_changes_nothing(
    acme: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = counts(acme)
    assert run(acme, "set", *args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("error: ")
    assert message in captured.err
    assert counts(acme) == before


BAD_RECORD = [
    (["Nobody Inc", "NPS", "30", "--on", "2026-04-01"], "No account is named"),
    (["Acme Freight", "Churn", "30", "--on", "2026-04-01"], "has no value metric “Churn”"),
    (["Acme Freight", "NPS", "thirty", "--on", "2026-04-01"], "VALUE 'thirty' is not a number"),
    (["Acme Freight", "NPS", "inf", "--on", "2026-04-01"], "VALUE 'inf' is not a number"),
    (["Acme Freight", "NPS", "30", "--on", "April 1"], "--on 'April 1' is not a date"),
]


@pytest.mark.parametrize(("args", "message"), BAD_RECORD)
def test_bad_record_exits_2_with_one_line_and_changes_nothing(
    acme: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    run(acme, "set", "Acme Freight", "NPS", "--direction", "higher")
    capsys.readouterr()
    before = counts(acme)
    assert run(acme, "record", *args) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err.count("\n")) == ("", 1)
    assert message in captured.err
    assert counts(acme) == before


def test_value_on_a_missing_book_exits_2_and_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.sqlite3"
    assert run(missing, "record", "Acme", "NPS", "3", "--on", "2026-04-01") == 2
    assert capsys.readouterr().err.startswith(f"error: No book at {missing}")
    assert not missing.exists()
