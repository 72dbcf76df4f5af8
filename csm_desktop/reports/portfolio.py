"""The internal portfolio report: KPIs, health, funnel, cohorts, accounts at risk, experiments.

For the CSM team and its leads, never for a customer: it names accounts, ARR and the reason
each account is at risk. Laid out with reportlab platypus from ``PortfolioReportData``;
every account name and milestone title is escaped like all user text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from csm_desktop.domain.metrics import MIN_ACCOUNTS_FOR_P
from csm_desktop.domain.value_money import money_text
from csm_desktop.reports.charts import health_bar, share_bars
from csm_desktop.reports.layout import (
    DANGER,
    FRAME_WIDTH,
    HEALTH_COLOURS,
    PageFurniture,
    build_pdf,
    data_table,
    on_date,
    section,
)
from csm_desktop.reports.model import CohortLine, ExperimentSection, PortfolioReportData
from csm_desktop.reports.portfolio_long_term import long_term_page
from csm_desktop.reports.text import (
    FONT,
    SOFT,
    clip,
    day_text,
    escape,
    markup,
    para,
    percent,
    styles,
)

BANNER = "INTERNAL — portfolio figures, ARR and account risks; not for customers"


def _kpi_cards(data: PortfolioReportData) -> Table:
    st = styles()
    per_row = 3
    width = FRAME_WIDTH / per_row
    cells: list[Any] = [
        [
            para(kpi.value, st.kpi_value),
            markup("<b>{}</b>", kpi.label, style=st.kpi_label),
            para(kpi.note, st.kpi_label),
        ]
        for kpi in data.kpis
    ]
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[width] * per_row)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(SOFT)),
                ("BOX", (0, 0), (-1, -1), 0, colors.white),
                ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _overview(data: PortfolioReportData) -> list[Any]:
    st = styles()
    story: list[Any] = [
        Paragraph("Portfolio report", st.title),
        markup(
            "{} · " + f'<font color="{DANGER}"><b>internal</b></font>',
            f"{data.book_name or 'Book'} · {data.accounts} accounts · {on_date(data.today)}",
            style=st.subtitle,
        ),
        Spacer(1, 10),
        _kpi_cards(data),
    ]
    if data.accounts_without_kickoff:
        story.append(
            para(
                f"{data.accounts_without_kickoff} active accounts have no kickoff or signed-on "
                "date yet and are not counted in these figures.",
                st.small,
            )
        )
    counts = [(h.value, n, HEALTH_COLOURS[h]) for h, n in data.health]
    story += [
        Spacer(1, 8),
        *section("Health of the book", health_bar(counts, FRAME_WIDTH)),
    ]
    return story


def _funnels(data: PortfolioReportData) -> list[Any]:
    st = styles()
    story: list[Any] = []
    for playbook, lines in data.funnels:
        if not lines:
            continue
        bars = share_bars(
            [
                (
                    line.milestone,
                    line.share,
                    f"{percent(line.share)}  ({line.achieved}/{line.counted})",
                )
                for line in lines
            ],
            FRAME_WIDTH,
        )
        rows = [
            [
                str(index),
                line.milestone,
                line.role,
                f"{line.achieved} of {line.counted}",
                percent(line.share),
                _points(line.drop_off),
            ]
            for index, line in enumerate(lines, start=1)
        ]
        w = FRAME_WIDTH
        table = data_table(
            ("#", "Milestone", "Role", "Achieved", "Share", "Drop-off"),
            rows,
            (w * 0.06, w * 0.40, w * 0.18, w * 0.13, w * 0.10, w * 0.13),
        )
        story += [CondPageBreak(220)]
        story += section(
            f"Milestone funnel: {playbook}",
            Paragraph(
                "Share of the playbook's accounts that achieved each milestone, in ladder "
                "order; drop-off is the fall in share from the step before.",
                st.small,
            ),
            bars,
            Spacer(1, 6),
            table,
        )
    return story


def _points(drop_off: float | None) -> str:
    """A drop-off in percentage points; a negative one (more achieved than before) keeps −."""
    if drop_off is None:
        return "–"
    return f"{drop_off * 100:.0f} pts".replace("-", "−")


def _heat(part: int, counted: int) -> str:
    """A cell colour from red (0 %) through amber to green (100 %); grey when not counted."""
    if not counted:
        return "#f6f8fa"
    fraction = part / counted
    if fraction >= 0.75:
        return "#dafbe1"
    if fraction >= 0.5:
        return "#fff8c5"
    return "#ffebe9"


def _cohorts(cohorts: tuple[CohortLine, ...]) -> list[Any]:
    st = styles()
    if not cohorts:
        return []
    checkpoints = [c for c, _part, _counted in cohorts[0].checkpoints]
    header = ("Kickoff month", "Accounts", *(f"On plan by day {c}" for c in checkpoints))
    rows = []
    extra: list[tuple[Any, ...]] = []
    for row_index, line in enumerate(cohorts, start=1):
        cells: list[Any] = [line.month, str(line.accounts)]
        for column, (_c, part, counted) in enumerate(line.checkpoints, start=2):
            cells.append(
                f"{part / counted * 100:.0f} %  ({part} of {counted})" if counted else "too young"
            )
            extra.append(
                (
                    "BACKGROUND",
                    (column, row_index),
                    (column, row_index),
                    colors.HexColor(_heat(part, counted)),
                )
            )
        rows.append(cells)
    w = FRAME_WIDTH
    widths = (w * 0.19, w * 0.13, *([w * 0.68 / len(checkpoints)] * len(checkpoints)))
    return [
        CondPageBreak(160),
        *section(
            "Cohorts by kickoff month",
            Paragraph(
                "Share of each cohort whose milestones due by the checkpoint were all achieved "
                "(or skipped) by then; only accounts at least that old are counted.",
                st.small,
            ),
            data_table(header, rows, widths, extra=extra),
        ),
    ]


def _adoption(data: PortfolioReportData) -> list[Any]:
    st = styles()
    if not data.adoption_by_feature:
        return []
    rows = [
        [feature, f"{adopted} of {judged}", percent(adopted / judged if judged else None)]
        for feature, adopted, judged in data.adoption_by_feature
    ]
    w = FRAME_WIDTH
    return [
        CondPageBreak(120),
        *section(
            "Adoption after unlock, by capability",
            Paragraph(
                "Unlocks whose 30-day window has closed, and how many were used in it.", st.small
            ),
            data_table(
                ("Capability", "Used within 30 days", "Share"), rows, (w * 0.5, w * 0.3, w * 0.2)
            ),
        ),
    ]


def _at_risk(data: PortfolioReportData) -> list[Any]:
    st = styles()
    if not data.at_risk:
        return [
            CondPageBreak(80),
            *section(
                "Accounts at risk or off track",
                para("No account is at risk or off track today.", st.body),
            ),
        ]
    rows = []
    for account in data.at_risk:
        colour = HEALTH_COLOURS[account.health]
        rows.append(
            [
                Paragraph(f"<b>{escape(clip(account.name, 120))}</b>", st.cell),
                Paragraph(
                    f'<font color="{colour}"><b>{escape(account.health.value)}</b></font>', st.cell
                ),
                account.owner or "–",
                money_text(account.arr, data.currency),
                percent(account.completion),
                Paragraph(
                    "<br/>".join(escape(clip(r)) for r in account.reasons[:4]) or "–", st.cell
                ),
            ]
        )
    w = FRAME_WIDTH
    return [
        CondPageBreak(160),
        *section(
            "Accounts at risk or off track",
            Paragraph(
                "Off track: first value still open more than 14 days after its due date. At "
                "risk: something overdue, or no product use in the last 14 days.",
                st.small,
            ),
            data_table(
                ("Account", "Health", "Owner", "ARR", "Plan", "Why"),
                rows,
                (w * 0.19, w * 0.10, w * 0.12, w * 0.14, w * 0.07, w * 0.38),
            ),
        ),
    ]


def _experiment(experiment: ExperimentSection) -> list[Any]:
    st = styles()
    rows = [
        [
            v.variant,
            str(v.accounts),
            f"{v.within_target} of {v.judged}  ({percent(v.share)})",
            "–" if v.ttfv_median_days is None else f"{v.ttfv_median_days:g} days",
            percent(v.completion_at_day_30),
        ]
        for v in experiment.variants
    ]
    w = FRAME_WIDTH
    flowables: list[Any] = []
    if experiment.hypothesis:
        flowables.append(markup("<i>Hypothesis:</i> {}", experiment.hypothesis, style=st.body))
    if experiment.started_on:
        flowables.append(para(f"Started on {day_text(experiment.started_on)}.", st.small))
    flowables.append(
        data_table(
            ("Variant", "Accounts", "First value within target", "Median TTFV", "Plan at day 30"),
            rows,
            (w * 0.28, w * 0.12, w * 0.26, w * 0.16, w * 0.18),
        )
    )
    if experiment.comparisons:
        flowables.append(Spacer(1, 6))
    for comparison in experiment.comparisons:
        difference = (
            "–"
            if comparison.difference is None
            else f"{comparison.difference * 100:+.0f} points".replace("-", "−")
        )
        if comparison.small_sample or comparison.p_value is None:
            verdict = (
                f"too few accounts to judge (fewer than {MIN_ACCOUNTS_FOR_P} judged in a "
                "variant), so no p-value is given"
            )
        else:
            verdict = f"Fisher's exact test p = {comparison.p_value:.2f}" + (
                " (a real difference is likely)" if comparison.p_value < 0.05 else
                " (could well be chance)"
            )  # fmt: skip
        flowables.append(
            para(
                f"{comparison.variant} against {comparison.against}: {difference} on first value "
                f"within target; {verdict}.",
                st.body,
            )
        )
    return [CondPageBreak(160), *section(f"Experiment: {experiment.name}", *flowables)]


def portfolio_story(data: PortfolioReportData) -> list[Any]:
    """The flowables of the portfolio report, in page order."""
    story = [*_overview(data), *_at_risk(data), *_funnels(data), *_cohorts(data.cohorts)]
    story += _adoption(data)
    for experiment in data.experiments:
        story += _experiment(experiment)
    story += long_term_page(data.long_term)
    return story


def write_portfolio(data: PortfolioReportData, target: Path | Any) -> None:
    """Write the portfolio report of ``data`` to ``target`` (a path or a binary file)."""
    furniture = PageFurniture(
        header_left=f"Portfolio report · {data.book_name or 'Book'}",
        header_right=f"internal · {day_text(data.today)}",
        footer_left=f"CSM Desktop portfolio report, {on_date(data.today)}",
        banner=BANNER,
    )
    build_pdf(
        target,
        portfolio_story(data),
        furniture,
        title=f"Portfolio report {data.today.isoformat()}",
        author="CSM Desktop",
        subject="Internal portfolio report",
    )
