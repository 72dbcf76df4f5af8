"""The internal portfolio review as an editable deck: for the CSM's QBR with the team lead.

KPIs, the book by health, the milestone funnel per playbook, cohorts, adoption after unlock
and the accounts at risk, with native charts and speaker notes that define each figure
(DESIGN §3). Internal: it names accounts and ARR, and says so on every slide's notes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from csm_desktop.domain.value_money import money_text
from csm_desktop.reports.deck_parts import (
    BODY_TOP,
    BODY_WIDTH,
    MARGIN,
    MUTED,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    blank_slide,
    category_chart,
    cut,
    notes,
    rgb,
    table,
    text_box,
)
from csm_desktop.reports.layout import HEALTH_COLOURS
from csm_desktop.reports.model import PortfolioReportData
from csm_desktop.reports.portfolio_deck_long_term import long_term_slide
from csm_desktop.reports.text import ACCENT, day_text, percent

INTERNAL = "Internal: names accounts, ARR and risks. Not for customers."
RISK_ROWS = 10
FUNNEL_STEPS = 12


def _title(presentation: Any, data: PortfolioReportData) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_WIDTH, Inches(0.28))
    band.fill.solid()
    band.fill.fore_color.rgb = rgb(ACCENT)
    band.line.fill.background()
    text_box(
        slide, MARGIN, Inches(2.4), BODY_WIDTH, Inches(1), ["Portfolio review"], size=40, bold=True
    )
    text_box(
        slide,
        MARGIN,
        Inches(3.5),
        BODY_WIDTH,
        Inches(1),
        [f"{data.book_name} · {data.accounts} accounts · {day_text(data.today)}", INTERNAL],
        size=18,
        colour=MUTED,
    )
    notes(slide, [INTERNAL])


def _kpis(presentation: Any, data: PortfolioReportData) -> None:
    slide = blank_slide(presentation, "Key figures", ACCENT)
    rows = [[k.label, k.value, k.note] for k in data.kpis]
    table(slide, ["Figure", "Value", "What it counts"], rows, [2.5, 1.2, 4], accent=ACCENT, size=16)
    if data.accounts_without_kickoff:
        text_box(
            slide,
            MARGIN,
            SLIDE_HEIGHT - Inches(0.9),
            BODY_WIDTH,
            Inches(0.5),
            [
                f"{data.accounts_without_kickoff} active accounts have no kickoff yet and are "
                "not counted."
            ],
            size=12,
            colour=MUTED,
        )
    notes(
        slide,
        [
            "Time to first value: median day of the first-value milestone over accounts that "
            "reached it. First value on time: share achieved by its target day, among accounts "
            "achieved or past due.",
            "Adoption after unlock: an unlocked feature used within 30 days. Milestones on time: "
            "achieved by their original due date (re-planning never flatters it).",
            INTERNAL,
        ],
    )


def _health(presentation: Any, data: PortfolioReportData) -> None:
    slide = blank_slide(presentation, "The book by health", ACCENT)
    labels = [h.value for h, _n in data.health]
    chart = category_chart(
        slide,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        labels,
        [("Accounts", [float(n) for _h, n in data.health])],
        (MARGIN, BODY_TOP, int(BODY_WIDTH * 0.45), SLIDE_HEIGHT - BODY_TOP - Inches(0.4)),
        [ACCENT],
        title="Accounts by health",
    )
    for point, (health, _n) in zip(chart.plots[0].series[0].points, data.health, strict=False):
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(HEALTH_COLOURS[health])
    rows = [
        [
            cut(a.name, 60),
            a.health.value,
            a.owner or "–",
            money_text(a.arr, data.currency),
            percent(a.completion),
            cut("; ".join(a.reasons), 140),
        ]
        for a in data.at_risk[:RISK_ROWS]
    ]
    if rows:
        left = MARGIN + int(BODY_WIDTH * 0.47)
        table(
            slide,
            ["Account", "Health", "Owner", "ARR", "Plan", "Why"],
            rows,
            [2, 1, 1.3, 1.3, 0.8, 3.2],
            left=left,
            width=BODY_WIDTH - int(BODY_WIDTH * 0.47),
            accent=ACCENT,
            size=9,
        )
    more = len(data.at_risk) - RISK_ROWS
    lines = [
        "Off track: first value still open more than 14 days after its due date. At risk: "
        "something overdue, or no product use in the last 14 days.",
        INTERNAL,
    ]
    if more > 0:
        lines.insert(0, f"{more} more accounts at risk are listed in the PDF portfolio report.")
    notes(slide, lines)


def _funnels(presentation: Any, data: PortfolioReportData) -> None:
    for playbook, steps in data.funnels:
        slide = blank_slide(presentation, f"Milestone funnel: {cut(playbook, 50)}", ACCENT)
        shown = steps[:FUNNEL_STEPS]
        category_chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            [cut(f"{i}. {s.milestone}", 40) for i, s in enumerate(shown, start=1)][::-1],
            [("Achieved", [round(s.share or 0.0, 4) for s in shown][::-1])],
            (MARGIN, BODY_TOP, BODY_WIDTH, SLIDE_HEIGHT - BODY_TOP - Inches(0.3)),
            [ACCENT],
            title="Share of accounts that achieved each step",
            number_format="0%",
        )
        notes(
            slide,
            [
                "Share of the playbook's accounts that achieved each milestone, in "
                "ladder order; accounts that skipped a step are left out of its share.",
                INTERNAL,
            ],
        )


def _cohorts_and_adoption(presentation: Any, data: PortfolioReportData) -> None:
    if not data.cohorts and not data.adoption_by_feature:
        return
    slide = blank_slide(presentation, "Cohorts and adoption", ACCENT)
    half = int(BODY_WIDTH / 2)
    if data.cohorts:
        rows = [
            [
                c.month,
                str(c.accounts),
                *[
                    percent(part / counted) if counted else "–"
                    for _cp, part, counted in c.checkpoints
                ],
            ]
            for c in data.cohorts[-10:]
        ]
        header = [
            "Kickoff month",
            "Accounts",
            *[f"Day {cp}" for cp, _p, _c in data.cohorts[0].checkpoints],
        ]
        table(
            slide,
            header,
            rows,
            [1.4, 1] + [1] * (len(header) - 2),
            width=half - Inches(0.2),
            accent=ACCENT,
            size=11,
        )
    if data.adoption_by_feature:
        features = data.adoption_by_feature[:10]
        category_chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            [cut(f, 30) for f, _a, _j in features][::-1],
            [("Adopted", [round(a / j, 4) if j else 0.0 for _f, a, j in features][::-1])],
            (MARGIN + half, BODY_TOP, half, SLIDE_HEIGHT - BODY_TOP - Inches(0.3)),
            [ACCENT],
            title="Adoption after unlock by feature",
            number_format="0%",
        )
    notes(
        slide,
        [
            "Cohorts: accounts by kickoff month; per checkpoint, the share whose "
            "milestones due by then were achieved or skipped by that day.",
            "Adoption: share of unlocks used within 30 days.",
            INTERNAL,
        ],
    )


def build_portfolio_deck(data: PortfolioReportData) -> Any:
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    presentation.core_properties.title = f"Portfolio review {data.today.isoformat()}"
    for part in (_title, _kpis, _health, _funnels, _cohorts_and_adoption, long_term_slide):
        part(presentation, data)
    return presentation


def write_portfolio_deck(data: PortfolioReportData, target: Path | Any) -> None:
    """Write the portfolio deck of ``data`` to ``target`` (a path or a binary file)."""
    build_portfolio_deck(data).save(str(target) if isinstance(target, Path) else target)


__all__ = ["build_portfolio_deck", "write_portfolio_deck"]
