"""The portfolio report's "Does onboarding pay off?" page: renewals by first value.

Renewal rate and NRR for all decided renewals and split by whether first value came on time
(definitions in ``domain.metrics.long_term``), then the renewals behind the figures, so a CS
lead can check every number against the accounts. Internal, like the whole report.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from reportlab.platypus import PageBreak, Paragraph, Spacer

from csm_desktop.domain.metrics.long_term import (
    FIRST_VALUE_GROUPS,
    LongTermMetrics,
    RenewalFact,
    RenewalGroup,
    RenewalOutcome,
)
from csm_desktop.reports.layout import FRAME_WIDTH, data_table, section
from csm_desktop.reports.text import day_text, number, percent, styles

EXPLANATION = (
    "A renewal is decided when its date is on or before the report date and it was renewed or "
    "churned. Renewal rate = renewed ÷ decided. NRR = ARR after ÷ ARR before over decided "
    "renewals with known ARR (churn counts 0 after). First value on time: the first-value "
    "milestone was achieved on or before its target day; late: achieved later, or still open "
    "past its due date. Accounts whose first value is not judged yet count only in “All”."
)


SUMMARY_HEADER = (
    "Accounts",
    "Decided",
    "Renewed",
    "Churned",
    "Renewal rate",
    "NRR",
    "ARR before → after",
)


def has_renewals(metrics: LongTermMetrics | None) -> TypeGuard[LongTermMetrics]:
    """Whether the book records any renewal, decided or not: without one, the PDF has no
    "Does onboarding pay off?" page and the deck no such slide."""
    return metrics is not None and bool(metrics.decided or metrics.pending)


def summary_rows(metrics: LongTermMetrics) -> list[list[str]]:
    """The summary table's rows, all decided renewals then each first-value group: the PDF
    page and the deck's slide print the same cells."""
    return [
        _row("All", metrics.total),
        *(_row(f"First value {name}", metrics.by_first_value[name]) for name in FIRST_VALUE_GROUPS),
    ]


def _row(label: str, group: RenewalGroup) -> list[str]:
    arr = f"{number(group.arr_before)} → {number(group.arr_after)}" if group.arr_before else "–"
    return [
        label,
        str(group.decided),
        str(group.renewed),
        str(group.churned),
        percent(group.renewal_rate),
        percent(group.nrr),
        arr,
    ]


def _first_value_of(metrics: LongTermMetrics, renewal: RenewalFact) -> str:
    for name in FIRST_VALUE_GROUPS:
        if renewal in metrics.by_first_value[name].renewals:
            return name
    return "not judged"


def long_term_page(metrics: LongTermMetrics | None) -> list[Any]:
    """The page's flowables; nothing when the book has no renewal recorded at all."""
    if not has_renewals(metrics):
        return []
    st = styles()
    w = FRAME_WIDTH
    summary = data_table(
        SUMMARY_HEADER,
        summary_rows(metrics),
        (w * 0.20, w * 0.09, w * 0.11, w * 0.11, w * 0.13, w * 0.09, w * 0.27),
    )
    renewals = [
        [
            r.account,
            _first_value_of(metrics, r),
            day_text(r.renewal_on),
            r.outcome.value,
            number(r.arr_before),
            "0" if r.outcome is RenewalOutcome.CHURNED else number(r.arr_after),
        ]
        for r in metrics.total.renewals
    ]
    story: list[Any] = [
        PageBreak(),
        *section(
            "Does onboarding pay off?",
            Paragraph(EXPLANATION, st.small),
            Spacer(1, 6),
            summary,
        ),
    ]
    if renewals:
        story += [
            Spacer(1, 10),
            *section(
                "Decided renewals",
                data_table(
                    ("Account", "First value", "Renewal on", "Outcome", "ARR before", "ARR after"),
                    renewals,
                    (w * 0.30, w * 0.14, w * 0.16, w * 0.12, w * 0.14, w * 0.14),
                ),
            ),
        ]
    if metrics.pending:
        story.append(
            Paragraph(
                f"{len(metrics.pending)} renewals are not decided yet and are not counted.",
                st.small,
            )
        )
    return story
