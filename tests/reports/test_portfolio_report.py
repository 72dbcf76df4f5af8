"""The internal portfolio report of the hand-made book, read back from the PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hand_book import CYRILLIC, HOSTILE, TODAY

from csm_desktop.domain.vocabulary import Health
from csm_desktop.errors import OutputNotWritten
from csm_desktop.services.reports import portfolio_report_data, write_portfolio_report
from csm_desktop.store.database import Database

Book = tuple[Database, dict[str, int]]


def test_portfolio_data_counts_the_book_by_hand(hand_book: Book) -> None:
    database, _ids = hand_book
    data = portfolio_report_data(database, TODAY)
    assert data.accounts == 2
    assert data.accounts_without_kickoff == 1
    assert dict(data.health) == {Health.ON_TRACK: 0, Health.AT_RISK: 1, Health.OFF_TRACK: 1}
    assert [(a.name, a.health, a.arr) for a in data.at_risk] == [
        (CYRILLIC, Health.OFF_TRACK, 12000.0),
        (HOSTILE, Health.AT_RISK, 48000.0),
    ]
    kpis = {k.label: (k.value, k.note) for k in data.kpis}
    assert kpis["Time to first value"] == ("12 days", "median over accounts that reached it")
    assert kpis["First value on time"] == ("50 %", "1 of 2 judged accounts")
    assert kpis["Adoption after unlock"] == ("50 %", "1 of 2 unlocks; 0 pending")
    assert kpis["Milestones on time"] == ("67 %", "2 of 3 achieved")
    assert kpis["At risk or off track"] == ("2", "ARR EUR\u00a060,000")
    (month_jan,) = data.cohorts
    assert (month_jan.month, month_jan.accounts) == ("2026-01", 2)
    # Day 30: Zoë's Dashboards (target 30) came on day 36 and Leningrad never: 0 of 2.
    assert month_jan.checkpoints == ((30, 0, 2), (60, 0, 2), (90, 0, 2))
    assert data.experiments == ()


def test_portfolio_pdf_lists_risks_with_reasons_funnel_and_cohorts(
    hand_book: Book, tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    database, _ids = hand_book
    text = read_pdf(write_portfolio_report(database, TODAY, tmp_path / "p.pdf"))
    assert "INTERNAL — portfolio figures" in text
    assert "Portfolio report" in text
    assert "1 active accounts have no kickoff or signed-on date yet" in text
    assert (
        f"{CYRILLIC} off track Jonas Keller EUR 12,000 0 % First value “First report” was due on "
        "2026-01-24 (81 days ago) and is not achieved."
    ) in text
    assert (
        f"{HOSTILE} at risk Łucja Kowalska EUR 48,000 60 % 1 overdue: “Automation” "
        "(due 2026-03-06)."
    ) in text
    assert "Milestone funnel: Standard" in text
    assert "2 First report Power user 1 of 2 50 % 50 pts" in text
    assert "2026-01 2 0 % (0 of 2) 0 % (0 of 2) 0 % (0 of 2)" in text
    assert "Dashboards view 0 of 1 0 %" in text
    assert "Scheduled reports 1 of 1 100 %" in text


def test_a_missing_folder_is_a_user_error(hand_book: Book, tmp_path: Path) -> None:
    database, _ids = hand_book
    with pytest.raises(OutputNotWritten, match="does not exist"):
        write_portfolio_report(database, TODAY, tmp_path / "nowhere" / "p.pdf")


def test_the_portfolio_deck_has_kpis_health_funnel_and_adoption(
    hand_book: Book, tmp_path: Path
) -> None:
    """Health of the book: 0 on track, 1 at risk (Zoë), 1 off track (Leningrad)."""
    from pptx import Presentation
    from pptx.enum.chart import XL_CHART_TYPE

    database, _ids = hand_book
    path = write_portfolio_report(database, TODAY, tmp_path / "p.pptx", format="pptx")
    slides = list(Presentation(str(path)).slides)
    titles = [s.shapes[0].text_frame.text for s in slides[1:]]
    assert titles == [
        "Key figures", "The book by health", "Milestone funnel: Standard", "Cohorts and adoption",
    ]  # fmt: skip
    (health,) = [s.chart for s in slides[2].shapes if s.has_chart]
    assert health.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert list(health.plots[0].series[0].values) == [0.0, 1.0, 1.0]
    (adoption,) = [s.chart for s in slides[4].shapes if s.has_chart]
    assert list(adoption.plots[0].categories) == ["Scheduled reports", "Dashboards view"]
    assert all("Not for customers" in s.notes_slide.notes_text_frame.text for s in slides)
