"""The internal portfolio report of the whole book (DESIGN §9), as a PDF or a deck.

Split from ``services.reports`` (which re-exports the public names); gathers plain data from
the book's metrics and hands it to ``csm_desktop.reports``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from csm_desktop.domain.metrics import (
    PortfolioMetrics,
    kickoff_month,
)
from csm_desktop.domain.story import capability_name
from csm_desktop.domain.value_money import money_text
from csm_desktop.domain.vocabulary import Health
from csm_desktop.errors import BadInput
from csm_desktop.reports.model import (
    AccountAtRisk,
    CohortLine,
    ExperimentSection,
    FunnelLine,
    Kpi,
    PortfolioReportData,
    VariantLine,
)
from csm_desktop.services.book_settings import load_book_settings
from csm_desktop.services.experiments import list_experiments
from csm_desktop.services.features import load_vocabulary
from csm_desktop.services.metrics import experiment_results, portfolio_metrics
from csm_desktop.services.qbr_report import REPORT_FORMATS, health_reasons, write_atomically
from csm_desktop.store.database import Database
from csm_desktop.store.queries.accounts import account_count, arr_and_owner


def _share_text(part: int, counted: int) -> str:
    return "–" if not counted else f"{part / counted * 100:.0f} %"


def portfolio_report_data(database: Database, today: dt.date) -> PortfolioReportData:
    """Everything the internal portfolio report shows, as of ``today``."""
    from csm_desktop.services.long_term import long_term

    metrics = portfolio_metrics(database, today)
    with database.session() as session:
        money = arr_and_owner(session)
        unlinked = account_count(session, include_archived=False)
    experiments = sorted(list_experiments(database), key=lambda e: e.id)
    at_risk = _accounts_at_risk(metrics, money, today)
    arr_at_risk = sum(a.arr or 0.0 for a in at_risk)
    currency = load_book_settings(database).currency_code
    vocabulary = load_vocabulary(database)
    kpis = _kpis(metrics, len(at_risk), money_text(arr_at_risk, currency))
    months: dict[str, int] = {}
    for account in metrics.by_account:
        month = kickoff_month(account.account)
        months[month] = months.get(month, 0) + 1
    sections = []
    for experiment in experiments:
        name, hypothesis, started_on = experiment.name, experiment.hypothesis, experiment.started_on
        result = experiment_results(database, experiment.id, today)
        if not result.variants:
            continue
        sections.append(
            ExperimentSection(
                name=name,
                hypothesis=hypothesis,
                started_on=started_on,
                variants=tuple(
                    VariantLine(
                        v.variant,
                        v.accounts,
                        v.first_value_within_target.part,
                        v.first_value_within_target.counted,
                        v.ttfv_median_days,
                        v.completion_at_day_30,
                    )
                    for v in result.variants
                ),
                comparisons=result.comparisons,
            )
        )
    return PortfolioReportData(
        today=today,
        accounts=metrics.accounts,
        kpis=kpis,
        health=tuple((h, metrics.health.get(h, 0)) for h in Health),
        funnels=tuple(
            (
                playbook,
                tuple(
                    FunnelLine(s.milestone, s.role, s.achieved.part, s.achieved.counted, s.drop_off)
                    for s in steps
                ),
            )
            for playbook, steps in metrics.funnel.items()
        ),
        cohorts=tuple(
            CohortLine(
                month,
                months.get(month, 0),
                tuple((c, s.part, s.counted) for c, s in checkpoints.items()),
            )
            for month, checkpoints in metrics.cohorts.items()
        ),
        at_risk=at_risk,
        adoption_by_feature=tuple(
            (capability_name(feature, vocabulary), s.part, s.counted)
            for feature, s in metrics.adoption_by_feature.items()
        ),
        experiments=tuple(sections),
        book_name=Path(database.name).stem,
        accounts_without_kickoff=max((unlinked or 0) - metrics.accounts, 0),
        currency=currency,
        long_term=long_term(database, today),
    )


def _kpis(metrics: PortfolioMetrics, risky: int, arr_at_risk: str) -> tuple[Kpi, ...]:
    median = metrics.ttfv_median_days
    fv, adoption, on_time = metrics.first_value_on_time, metrics.adoption, metrics.on_time
    return (
        Kpi("Accounts", str(metrics.accounts), "active, with a kickoff"),
        Kpi(
            "Time to first value",
            "–" if median is None else f"{median:g} days",
            "median over accounts that reached it",
        ),
        Kpi(
            "First value on time",
            _share_text(fv.part, fv.counted),
            f"{fv.part} of {fv.counted} judged accounts",
        ),
        Kpi(
            "Adoption after unlock",
            _share_text(adoption.part, adoption.counted),
            f"{adoption.part} of {adoption.counted} unlocks; {metrics.adoption_pending} pending",
        ),
        Kpi(
            "Milestones on time",
            _share_text(on_time.part, on_time.counted),
            f"{on_time.part} of {on_time.counted} achieved",
        ),
        Kpi("At risk or off track", str(risky), f"ARR {arr_at_risk}"),
    )


def _accounts_at_risk(
    metrics: PortfolioMetrics,
    money: dict[int, tuple[float | None, str | None]],
    today: dt.date,
) -> tuple[AccountAtRisk, ...]:
    rank = {Health.OFF_TRACK: 0, Health.AT_RISK: 1}
    risky = [m for m in metrics.by_account if m.health in rank]
    risky.sort(key=lambda m: (rank[m.health], m.name.casefold()))
    return tuple(
        AccountAtRisk(
            name=m.name,
            health=m.health,
            reasons=health_reasons(m, today),
            owner=money.get(m.account.id or -1, (None, None))[1],
            arr=money.get(m.account.id or -1, (None, None))[0],
            completion=m.completion,
        )
        for m in risky
    )


def write_portfolio_report(
    database: Database, today: dt.date, path: Path, *, format: str = "pdf"
) -> Path:
    """Write the internal portfolio report of the whole book to ``path`` (PDF or deck)."""
    if format not in REPORT_FORMATS:
        raise BadInput(f"Unknown report format {format!r}; use pdf or pptx.")
    data = portfolio_report_data(database, today)
    if format == "pptx":
        from csm_desktop.reports.portfolio_deck import write_portfolio_deck

        return write_atomically(Path(path), lambda target: write_portfolio_deck(data, target))
    from csm_desktop.reports.portfolio import write_portfolio

    return write_atomically(Path(path), lambda target: write_portfolio(data, target))
