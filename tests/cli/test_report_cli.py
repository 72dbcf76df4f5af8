"""`csm-desktop report` and `portfolio-report` end to end on the demo book plus a hostile name."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from csm_desktop.cli import main
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account

TODAY = "2026-06-30"
HOSTILE = "<b>A&B</b> Ltd <img src='x.png'/>"


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


@pytest.fixture(scope="module")
def demo_db(
    tmp_path_factory: pytest.TempPathFactory, demo_template: Callable[[dt.date], Path]
) -> Path:
    path = tmp_path_factory.mktemp("cli-reports") / "demo.sqlite3"
    shutil.copyfile(demo_template(dt.date(2026, 6, 30)), path)
    database = open_database(path)
    try:
        with database.session() as session:
            session.add(Account(name=HOSTILE, external_id="EVIL-1", kickoff_on=dt.date(2026, 6, 1)))
    finally:
        database.close()
    return path


def test_report_by_name_writes_the_customer_edition(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "zoe.pdf"
    code = main(
        ["--db", str(demo_db), "report", "zoë ødegård design", "--today", TODAY, "-o", str(out)]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == (
        f"QBR value report for zoë ødegård design, Q2 2026 (1 Apr – 30 Jun 2026), written to {out}."
    )
    text = _text(out)
    assert "Zoë Ødegård Design has achieved 13 of 13 milestones" in text
    assert "Prepared by Priya Raman" in text
    assert "Review period Q2 2026 (1 Apr – 30 Jun 2026)" in text  # the last full quarter
    assert "INTERNAL" not in text and "ARR" not in text and "ACC-1024" not in text


def test_report_by_external_id_with_internal_fields(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "internal.pdf"
    args = ["--db", str(demo_db), "report", "ACC-1024", "--today", TODAY, "-o", str(out)]
    assert main([*args, "--internal"]) == 0
    text = _text(out)
    assert "External ID ACC-1024" in text
    assert "INTERNAL — contains ARR, health and CSM notes" in text
    assert "Health on track" in text


def test_a_hostile_account_name_prints_literally(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "evil.pdf"
    assert main(["--db", str(demo_db), "report", "EVIL-1", "--today", TODAY, "-o", str(out)]) == 0
    text = _text(out)
    assert f"{HOSTILE} has no milestones to count on its onboarding plan yet" in text


def test_a_quarter_or_a_range_sets_the_review_period(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q1.pdf"
    args = ["--db", str(demo_db), "report", "ACC-1024", "--today", TODAY, "-o", str(out)]
    assert main([*args, "--quarter", "2026Q1"]) == 0
    assert "Review period Q1 2026 (1 Jan – 31 Mar 2026)" in _text(out)
    assert main([*args, "--from", "2026-05-01", "--to", "2026-06-15"]) == 0
    assert "Review period 1 May – 15 Jun 2026" in _text(out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--quarter", "2026Q5"], "error: '2026Q5' is not a quarter; write it as 2026Q3"),
        (["--quarter", "2026Q3"], "error: The period Q3 2026 (1 Jul – 30 Sep 2026) ends after"),
        (["--from", "2026-06-20", "--to", "2026-06-01"], "error: The period starts on 2026-06-20"),
        (["--quarter", "2026Q1", "--to", "2026-02-01"], "error: Give either --quarter or"),
    ],
)
def test_a_bad_period_is_exit_2_with_one_line(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "r.pdf"
    args = ["--db", str(demo_db), "report", "ACC-1024", "--today", TODAY, "-o", str(out)]
    assert main([*args, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not out.exists()


def test_report_format_pptx_writes_an_editable_deck(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pptx import Presentation

    out = tmp_path / "zoe.pptx"
    args = ["--db", str(demo_db), "report", "ACC-1024", "--today", TODAY, "-o", str(out)]
    assert main([*args, "--format", "pptx", "--quarter", "2026Q2"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"QBR deck for ACC-1024, Q2 2026 (1 Apr – 30 Jun 2026), written to {out}."
    )
    slides = list(Presentation(str(out)).slides)
    assert slides[1].shapes[0].text_frame.text == "Executive summary"


def test_an_unknown_account_is_exit_2_with_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nobody.pdf"
    code = main(["--db", str(demo_db), "report", "Nobody Inc", "--today", TODAY, "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err == (
        "error: No account is named or has the external id 'Nobody Inc' in demo.sqlite3; "
        "check the spelling in the Book.\n"
    )
    assert not out.exists()


def test_a_short_name_suggests_the_account_it_likely_means(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "summit.pdf"
    code = main(["--db", str(demo_db), "report", "Summit", "--today", TODAY, "-o", str(out)])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: No account is named or has the external id 'Summit' in demo.sqlite3; "
        "check the spelling in the Book. Did you mean 'Summit Outdoor Co'?\n"
    )


def test_a_missing_book_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["--db", str(tmp_path / "none.sqlite3"), "report", "X", "-o", str(tmp_path / "x.pdf")]
    )
    assert code == 2
    assert capsys.readouterr().err.startswith("error: No book at ")


def test_an_unwritable_target_is_exit_2(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing-folder" / "r.pdf"
    assert main(["--db", str(demo_db), "report", "ACC-1001", "--today", TODAY, "-o", str(out)]) == 2
    assert "the folder" in capsys.readouterr().err


def test_portfolio_report_writes_kpis_risks_and_the_experiment(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "portfolio.pdf"
    assert main(["--db", str(demo_db), "portfolio-report", "--today", TODAY, "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Portfolio report written to {out}."
    text = _text(out)
    assert "Portfolio report demo · 47 accounts · 30 June 2026 · internal" in text
    assert "Time to first value" in text and "14 days" in text
    assert "Accounts at risk or off track" in text
    assert "Experiment: Integration before first workflow" in text
    assert "Θάλασσα Shipping at risk" in text
