"""The portfolio report's "Does onboarding pay off?" page over the renewal book of
tests/cli/test_long_term_cli.py (figures worked out by hand in its docstring).

All: 5 decided, 3 renewed, 2 churned, 60 %, NRR 85 %, ARR 27,000 → 23,000 (Foxtrot has no
ARR). On time: 2, 1, 1, 50 %, NRR 120 %, 10,000 → 12,000. Late: 2, 1, 1, 50 %, 38 %,
13,000 → 5,000.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from csm_desktop.services.reports import write_portfolio_report
from csm_desktop.store.database import Database
from tests.cli.test_long_term_cli import _store

TODAY = dt.date(2026, 6, 30)


def test_portfolio_report_has_the_long_term_page(
    book: Database, tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    _store(book)
    text = read_pdf(write_portfolio_report(book, TODAY, tmp_path / "p.pdf"))
    assert "Does onboarding pay off?" in text
    assert "All 5 3 2 60 % 85 % 27,000 → 23,000" in text
    assert "First value on time 2 1 1 50 % 120 % 10,000 → 12,000" in text
    assert "First value late 2 1 1 50 % 38 % 13,000 → 5,000" in text
    assert "Bravo late 1 Jun 2026 churned 8,000 0" in text
    assert "Delta not judged 1 Apr 2026 renewed 4,000 6,000" in text
    assert "2 renewals are not decided yet and are not counted." in text


def test_a_book_without_renewals_has_no_such_page(
    book: Database, tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    text = read_pdf(write_portfolio_report(book, TODAY, tmp_path / "p.pdf"))
    assert "Does onboarding pay off?" not in text


def test_portfolio_deck_has_the_long_term_slide(book: Database, tmp_path: Path) -> None:
    from pptx import Presentation

    _store(book)
    path = write_portfolio_report(book, TODAY, tmp_path / "p.pptx", format="pptx")
    slides = list(Presentation(str(path)).slides)
    (slide,) = [
        s
        for s in slides
        if any(
            sh.has_text_frame and sh.text_frame.text == "Does onboarding pay off?"
            for sh in s.shapes
        )
    ]
    (grid,) = [sh.table for sh in slide.shapes if sh.has_table]
    rows = [[grid.cell(r, c).text for c in range(7)] for r in range(4)]
    assert rows[1:] == [  # percent() keeps the number and % together
        ["All", "5", "3", "2", "60\u00a0%", "85\u00a0%", "27,000 → 23,000"],
        ["First value on time", "2", "1", "1", "50\u00a0%", "120\u00a0%", "10,000 → 12,000"],
        ["First value late", "2", "1", "1", "50\u00a0%", "38\u00a0%", "13,000 → 5,000"],
    ]
    assert "2 renewals are not decided yet." in slide.notes_slide.notes_text_frame.text
