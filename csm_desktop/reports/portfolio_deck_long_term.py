"""The portfolio deck's "Does onboarding pay off?" slide: the PDF page's table of renewal
rate and NRR for all decided renewals and by first value (``domain.metrics.long_term``),
its cells from ``portfolio_long_term.summary_rows``, with the definitions in the speaker
notes. No slide when the book records no renewal."""

from __future__ import annotations

from typing import Any

from csm_desktop.reports.deck_parts import blank_slide, notes, table
from csm_desktop.reports.model import PortfolioReportData
from csm_desktop.reports.portfolio_long_term import (
    EXPLANATION,
    SUMMARY_HEADER,
    has_renewals,
    summary_rows,
)
from csm_desktop.reports.text import ACCENT


def long_term_slide(presentation: Any, data: PortfolioReportData) -> None:
    metrics = data.long_term
    if not has_renewals(metrics):
        return
    slide = blank_slide(presentation, "Does onboarding pay off?", ACCENT)
    table(
        slide,
        SUMMARY_HEADER,
        summary_rows(metrics),
        [2.4, 1, 1, 1, 1.3, 1, 2.6],
        accent=ACCENT,
        size=16,
    )
    pending = f" {len(metrics.pending)} renewals are not decided yet." if metrics.pending else ""
    notes(slide, [EXPLANATION + pending, "Internal: names no accounts, but shows ARR."])
