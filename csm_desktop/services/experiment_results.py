"""An experiment's results on a day: the table of DESIGN §3, what it means in words, the
figure the changing arm targets, what each arm's customers said, a no-peeking warning
before the planned read date, and the sample-size advice given before the start.

Definitions live in ``domain.metrics.experiments`` (results, Fisher, ``accounts_needed``)
and ``domain.metrics.experiment_kinds``; ``services.experiments`` defines and runs the
experiments themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from csm_desktop.domain.feedback import FeedbackSummary
from csm_desktop.domain.metrics import ExperimentResult
from csm_desktop.domain.metrics.experiments import (
    MIN_ACCOUNTS_FOR_P,
    VariantComparison,
    accounts_needed,
)
from csm_desktop.services.experiment_variants import KindFigures, kind_figures
from csm_desktop.services.experiments import (
    COMPLETION_AT_DAY_30,
    FIRST_VALUE_WITHIN_TARGET,
    MEDIAN_TTFV,
    ExperimentSummary,
    experiment_summary,
    get_experiment,
)
from csm_desktop.services.metrics import experiment_results
from csm_desktop.store.database import Database


@dataclass(frozen=True, slots=True)
class ExperimentReport:
    summary: ExperimentSummary
    result: ExperimentResult
    verdict: str
    kind_figures: KindFigures | None = None
    """The figure the changing arm targets, per arm (None for an ordering experiment)."""
    feedback: Mapping[str, FeedbackSummary] = field(default_factory=dict)
    """What the arm's customers said since the start, per variant."""
    peeking: str | None = None
    """A warning when the results are read before the planned date."""


def experiment_report(database: Database, experiment_id: int, today: dt.date) -> ExperimentReport:
    """The results table of DESIGN §3 for ``today`` and what they mean, in words; with the
    figure the changing arm targets, what each arm's customers said, and a warning when the
    results are read before the planned date."""
    from csm_desktop.services.feedback import variant_feedback

    summary = experiment_summary(database, experiment_id)
    result = experiment_results(database, experiment_id, today)
    with database.session() as session:
        figures = kind_figures(session, get_experiment(session, experiment_id), today)
    return ExperimentReport(
        summary,
        result,
        verdict(result, summary.primary_metric),
        figures,
        variant_feedback(database, experiment_id),
        peeking_warning(summary, today),
    )


def peeking_warning(summary: ExperimentSummary, today: dt.date) -> str | None:
    """Before the planned read date: say that these results are not the answer yet."""
    if summary.read_on is None or today >= summary.read_on:
        return None
    days = (summary.read_on - today).days
    return (
        f"Planned read date {summary.read_on.isoformat()} is {days} days away. Results "
        "read before then are not the answer: differences come and go by chance while "
        "accounts are still coming in, and stopping on a good day makes luck look like a "
        "result. Look, but decide nothing until the planned date."
    )


def sample_size_advice(baseline: float, hoped: float) -> str:
    """How many accounts each arm needs to see ``baseline`` → ``hoped`` (shares in 0…1)."""
    needed = accounts_needed(baseline, hoped)
    if needed is None:
        return "Give a share you hope for that differs from today's: there is nothing to detect."
    return (
        f"To tell {baseline:.0%} from {hoped:.0%} reliably (8 times in 10, two-sided "
        f"p < 0.05), each arm needs about {needed} accounts whose first value is judged "
        "(achieved or past due). With fewer, only bigger differences show."
    )


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2f}"


def _primary_line(result: ExperimentResult, primary_metric: str) -> str | None:
    if primary_metric == MEDIAN_TTFV:
        parts = [
            f"{v.variant} {'—' if v.ttfv_median_days is None else f'{v.ttfv_median_days:g} days'}"
            for v in result.variants
        ]
        return f"Median time to first value: {', '.join(parts)} (lower is better)."
    if primary_metric == COMPLETION_AT_DAY_30:
        parts = [f"{v.variant} {_percent(v.completion_at_day_30)}" for v in result.variants]
        return f"Ladder completion at day 30: {', '.join(parts)}."
    return None


def _comparison_text(result: ExperimentResult, comparison: VariantComparison) -> str:
    by_name = {v.variant: v for v in result.variants}
    ours = by_name[comparison.variant].first_value_within_target
    theirs = by_name[comparison.against].first_value_within_target
    shares = (
        f"“{comparison.variant}” reached first value within target for {ours.part} of "
        f"{ours.counted} judged accounts ({_percent(ours.fraction)}), against {theirs.part} "
        f"of {theirs.counted} ({_percent(theirs.fraction)}) for “{comparison.against}”"
    )
    if comparison.small_sample or comparison.p_value is None:
        return (
            f"{shares}. Too few accounts to tell: each variant needs at least "
            f"{MIN_ACCOUNTS_FOR_P} accounts whose first value is achieved or past due before "
            "a p-value means anything. Keep the experiment running."
        )
    p = comparison.p_value
    difference = comparison.difference or 0.0
    gap = f"{abs(difference) * 100:.0f} points {'higher' if difference > 0 else 'lower'}"
    if p < 0.05:
        meaning = (
            f"{gap}: likely a real difference ({_p_text(p)} in Fisher's exact test; a gap "
            "this large would appear by chance less than 1 time in 20)"
        )
    elif p < 0.10:
        meaning = f"{gap}: a hint, not proof ({_p_text(p)}); keep collecting accounts"
    elif difference == 0:
        meaning = "no difference at all"
    else:
        meaning = (
            f"{gap}, but no clear difference yet ({_p_text(p)}: a gap like this happens by "
            f"chance about {round(p * 100)} times in 100)"
        )
    needed = (
        accounts_needed(ours.fraction, theirs.fraction)
        if ours.fraction is not None and theirs.fraction is not None
        else None
    )
    caveat = (
        f" With {ours.counted} and {theirs.counted} judged accounts only large differences "
        "show up"
        + (
            f"; confirming a gap of this size reliably takes about {needed} judged accounts "
            "per variant."
            if needed is not None and needed > min(ours.counted, theirs.counted)
            else "."
        )
    )
    return f"{shares}: {meaning}.{caveat}"


def verdict(result: ExperimentResult, primary_metric: str = FIRST_VALUE_WITHIN_TARGET) -> str:
    """The results in plain words, with the sample-size caveat a CS lead needs."""
    if not result.variants or sum(v.accounts for v in result.variants) == 0:
        return "No accounts in this experiment yet: assign accounts and start it to see results."
    if all(v.first_value_within_target.counted == 0 for v in result.variants):
        return (
            "No account has reached its first-value milestone or its due date yet, so there "
            "is nothing to compare. Check back once first values come in."
        )
    paragraphs = []
    primary = _primary_line(result, primary_metric)
    if primary is not None:
        paragraphs.append(
            f"{primary} No significance test is computed for this metric; the test below is "
            "on first value within target."
        )
    paragraphs.extend(_comparison_text(result, c) for c in result.comparisons)
    return "\n\n".join(paragraphs)


def report_as_json(report: ExperimentReport) -> dict[str, object]:
    """The results as one JSON object (fractions to 4 places, null when nothing counts)."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 4)

    comparisons = {c.variant: c for c in report.result.comparisons}
    figures = report.kind_figures
    variants = []
    for info, result in zip(report.summary.variants, report.result.variants, strict=False):
        fvwt = result.first_value_within_target
        comparison = comparisons.get(result.variant)
        entry: dict[str, object] = {
            "variant": result.variant,
            "kind": info.kind.value,
            "change": info.description,
            "accounts": result.accounts,
            "first_value_within_target": rounded(fvwt.fraction),
            "judged": fvwt.counted,
            "ttfv_median_days": result.ttfv_median_days,
            "completion_at_day_30": rounded(result.completion_at_day_30),
            "p_value": None if comparison is None else rounded(comparison.p_value),
        }
        if figures is not None:
            own = figures.by_variant.get(result.variant)
            entry["kind_figure"] = None if own is None else rounded(own.fraction)
            entry["kind_figure_counted"] = 0 if own is None else own.counted
        variants.append(entry)
    return {
        "experiment": report.summary.name,
        "started_on": report.summary.started_on.isoformat() if report.summary.started_on else None,
        "read_on": report.summary.read_on.isoformat() if report.summary.read_on else None,
        "kind_figure": figures.label if figures is not None else None,
        "variants": variants,
        "peeking": report.peeking,
        "verdict": report.verdict,
    }
