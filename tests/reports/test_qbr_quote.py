"""A customer quote in the QBR (issue #18): the best remark the customer allowed quoting,
given in the review period, after the executive summary; never a negative remark.

Book: tests/store/test_feedback_service.py's Acme (K 2026-01-05). Quotable remarks:
2026-01-20 positive "Reports in minutes, not hours." (Zoë Ødegård) and 2026-02-15 neutral
"The export is handy." (Zoë); 2026-02-03 negative "SSO took three tries." may be quoted but
is never shown to the customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from csm_desktop.domain.review import ReviewPeriod
from csm_desktop.services.feedback import add_feedback
from csm_desktop.services.reports import qbr_data, write_qbr_report
from csm_desktop.store.database import Database
from tests.store.test_feedback_service import _book, _entries

TODAY = dt.date(2026, 3, 31)
Q1 = ReviewPeriod(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026 Q1")
FEBRUARY = ReviewPeriod(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_the_best_quotable_remark_of_the_period_is_the_quote(
    book: Database, tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    ids = _book(book)
    _entries(book, ids)
    quote = qbr_data(book, ids["acme"], TODAY, period=Q1).quote
    assert quote is not None
    assert (quote.text, quote.who, quote.given_on) == (
        "Reports in minutes, not hours.",
        "Zoë Ødegård, Acme",
        dt.date(2026, 1, 20),
    )
    february = qbr_data(book, ids["acme"], TODAY, period=FEBRUARY).quote
    assert february is not None and february.text == "The export is handy."
    text = read_pdf(write_qbr_report(book, ids["acme"], TODAY, tmp_path / "q.pdf", period=Q1))
    assert "“Reports in minutes, not hours.” — Zoë Ødegård, Acme, 20 Jan 2026" in text
    assert "SSO took three tries" not in text
    assert text.index("Executive summary") < text.index("Reports in minutes")


def test_no_quote_without_permission_or_after_the_report_date(book: Database) -> None:
    """Only a negative quotable remark and a positive one dated after today: no quote."""
    ids = _book(book)
    add_feedback(book, ids["acme"], dt.date(2026, 2, 3), "SSO took three tries.", "negative",
                 quotable=True)  # fmt: skip
    add_feedback(book, ids["acme"], dt.date(2026, 2, 10), "Lovely", "positive")  # not quotable
    add_feedback(book, ids["acme"], dt.date(2026, 4, 2), "Later praise", "positive", quotable=True)
    assert qbr_data(book, ids["acme"], TODAY, period=Q1).quote is None


def test_the_deck_has_an_in_your_words_slide_after_the_summary(
    book: Database, tmp_path: Path
) -> None:
    from pptx import Presentation

    ids = _book(book)
    _entries(book, ids)
    path = write_qbr_report(book, ids["acme"], TODAY, tmp_path / "q.pptx", period=Q1, format="pptx")
    slides = list(Presentation(str(path)).slides)
    texts = [
        [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]
        for slide in slides
    ]
    titles = [t[0] for t in texts[1:3]]
    assert titles == ["Executive summary", "In your words"]
    assert texts[2][1:] == [
        "“Reports in minutes, not hours.”",
        "— Zoë Ødegård, Acme, 20 Jan 2026",
    ]
