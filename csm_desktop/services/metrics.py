"""Portfolio and account metrics over a stored book: load facts, compute in the domain.

The definitions live in ``csm_desktop.domain.metrics``; the facts come from the store's
queries (``store.queries.ladders`` for the ladders, ``store.queries.usage`` for a few usage
values per account and window, never the usage rows). This module joins them and words the
results for the Book, the dashboard, the CLI and the reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import (
    as_of,
)
from csm_desktop.domain.metrics import (
    AccountFacts,
    AccountMetrics,
    ExperimentResult,
    PortfolioMetrics,
    PortfolioSummary,
    UsageFacts,
    experiment_result,
    latest_measurement,
    value_change,
)
from csm_desktop.domain.metrics import account_metrics as compute_account_metrics
from csm_desktop.domain.metrics import portfolio_metrics as compute_portfolio_metrics
from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.vocabulary import Health
from csm_desktop.errors import UnknownAccount
from csm_desktop.services.book import BookRow, book_rows  # the Book's lines, named here too
from csm_desktop.services.gc_pause import collector_paused
from csm_desktop.services.portfolio_summary import portfolio_summary
from csm_desktop.store.database import Database
from csm_desktop.store.queries.experiments import variant_names
from csm_desktop.store.queries.ladders import AccountLadder, account_ladders, ladder_orders
from csm_desktop.store.queries.selection import ACTIVE_ACCOUNTS, AccountFilter
from csm_desktop.store.queries.usage import usage_facts
from csm_desktop.store.queries.values import value_histories


def load_account_facts(
    session: Session, today: dt.date, chosen: AccountFilter = ACTIVE_ACCOUNTS
) -> list[AccountFacts]:
    """The facts the metrics read, for the chosen accounts that have a K, in name order."""
    rows = account_ladders(session, chosen)
    return _all_facts(rows, usage_facts(session, chosen, today, full=True), today)


def _all_facts(
    rows: Iterable[AccountLadder], usage: Mapping[int, UsageFacts], today: dt.date
) -> list[AccountFacts]:
    return [_facts(row, usage, today) for row in rows if row.kickoff is not None]


def load_ladder_facts(
    session: Session, today: dt.date, chosen: AccountFilter
) -> list[AccountFacts]:
    """Like ``load_account_facts`` without usage: for rules that read only the ladder (the
    first-value judgement of the long-term figures), at the cost of two queries."""
    return [_facts(row, {}, today) for row in account_ladders(session, chosen) if row.kickoff]


def _facts(row: AccountLadder, usage: Mapping[int, UsageFacts], today: dt.date) -> AccountFacts:
    """Features match exactly here: the usage import stores them in the ladders' spelling."""
    assert row.kickoff is not None
    return AccountFacts(
        name=row.name,
        kickoff=row.kickoff,
        milestones=tuple(as_of(m, today) for m in row.milestones),
        segment=row.segment,
        owner=row.owner,
        playbook=row.playbook,
        variant=row.variant,
        usage=usage.get(row.id, UsageFacts()),
        id=row.id,
    )


def portfolio_metrics(
    database: Database,
    today: dt.date,
    *,
    segment: str | None = None,
    owner: str | None = None,
    playbook: str | None = None,
) -> PortfolioMetrics:
    """The dashboard's figures on ``today`` over the (optionally filtered) active accounts.

    Accounts with neither a kickoff nor a signed-on date have no K and are left out.
    """
    chosen = AccountFilter(segment=segment, owner=owner, playbook=playbook)

    def usage_of_chosen() -> dict[int, UsageFacts]:
        with database.session() as session:
            return usage_facts(session, chosen, today, full=True)

    # The usage facts are read on a second connection while the ladders are read here: the
    # database steps release the GIL, so the two reads overlap on a second core. The figures
    # hold ~200,000 objects the collector tracks, in no cycles: frozen as the pause ends, so
    # that the collector does not walk them all at once then (see services.gc_pause).
    with collector_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        usage = pool.submit(usage_of_chosen)
        with database.session() as session:
            rows = account_ladders(session, chosen)
            orders = ladder_orders(session)
        facts = _all_facts(rows, usage.result(), today)
        return compute_portfolio_metrics(facts, today, orders)


def account_metrics(database: Database, account_id: int, today: dt.date) -> AccountMetrics:
    """Every §3 figure for one account (archived ones too, for their history)."""
    chosen = AccountFilter(account_id=account_id, include_archived=True)
    with database.session() as session:
        facts = load_account_facts(session, today, chosen)
    if not facts:
        raise UnknownAccount(
            f"Account {account_id} does not exist or has no kickoff or signed-on date yet; "
            "log its kickoff to see its metrics."
        )
    return compute_account_metrics(facts[0], today)


def experiment_results(database: Database, experiment_id: int, today: dt.date) -> ExperimentResult:
    """Per variant of the experiment (first variant = control) and each against the control."""
    chosen = AccountFilter(experiment_id=experiment_id, include_archived=True)
    with database.session() as session:
        variants = variant_names(session, experiment_id)
        facts = load_account_facts(session, today, chosen)
    by_variant: dict[str, list[AccountFacts]] = {name: [] for name in variants}
    for account in facts:
        if account.variant is not None:
            by_variant.setdefault(account.variant, []).append(account)
    return experiment_result(by_variant, today)


def value_changes(database: Database, account_id: int, today: dt.date) -> list[ValueLine]:
    """The account's value metrics in the order they were added, each with its change."""
    with database.session() as session:
        histories = value_histories(session, account_id, today)
    result = []
    for metric in histories:
        latest = latest_measurement(list(metric.measurements), today)
        result.append(
            ValueLine(
                metric=metric.name,
                unit=metric.unit,
                direction=metric.direction,
                baseline=metric.baseline,
                baseline_on=metric.baseline_on,
                latest=latest[1] if latest else None,
                latest_on=latest[0] if latest else None,
                target=metric.target,
                change_percent=value_change(
                    metric.baseline, latest[1] if latest else None, metric.direction
                ),
            )
        )
    return result


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def metrics_as_json(metrics: PortfolioMetrics) -> dict[str, Any]:
    """The ``metrics --json`` object of DESIGN §8: shares rounded to 4 places, null if empty."""
    return {
        "today": metrics.today.isoformat(),
        "accounts": metrics.accounts,
        "ttfv_median_days": metrics.ttfv_median_days,
        "first_value_on_time_share": _rounded(metrics.first_value_on_time_share),
        "adoption_rate": _rounded(metrics.adoption_rate),
        "adoption_pending": metrics.adoption_pending,
        "on_time_rate": _rounded(metrics.on_time_rate),
        "health": {h.value: metrics.health.get(h, 0) for h in Health},
        "funnel": {
            playbook: [
                {
                    "milestone": step.milestone,
                    "role": step.role,
                    "achieved_share": _rounded(step.achieved_share),
                }
                for step in steps
            ]
            for playbook, steps in metrics.funnel.items()
        },
        "cohorts": {
            month: {str(c): _rounded(s.fraction) for c, s in checkpoints.items()}
            for month, checkpoints in metrics.cohorts.items()
        },
        "by_account": [_account_json(m) for m in metrics.by_account],
    }


def _account_json(metrics: AccountMetrics) -> dict[str, Any]:
    return {
        "account": metrics.name,
        "completion": _rounded(metrics.completion),
        "ttfv_days": metrics.ttfv_days,
        "health": metrics.health.value,
        "overdue": metrics.overdue_count,
        "milestones": [
            {
                "milestone": m.title,
                "role": m.role,
                "status": m.status.value,
                "criterion_met_on": m.criterion_met_on.isoformat() if m.criterion_met_on else None,
            }
            for m in metrics.account.milestones
        ],
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def metrics_summary(metrics: PortfolioMetrics | PortfolioSummary) -> str:
    """The portfolio figures as a few lines of text for a terminal."""
    if isinstance(metrics, PortfolioMetrics):
        metrics = metrics.summary()
    median_text = "–" if metrics.ttfv_median_days is None else f"{metrics.ttfv_median_days:g} days"
    lines = [
        f"Portfolio on {metrics.today.isoformat()}: {metrics.accounts} accounts",
        f"  Time to first value (median): {median_text}",
        f"  First value on time: {_percent(metrics.first_value_on_time_share)}",
        f"  Adoption after unlock: {_percent(metrics.adoption_rate)}"
        f" ({metrics.adoption_pending} pending)",
        f"  Milestones on time: {_percent(metrics.on_time_rate)}",
        "  Health: " + ", ".join(f"{metrics.health.get(h, 0)} {h.value}" for h in Health),
    ]
    for playbook, steps in metrics.funnel.items():
        lines.append(f"  Funnel {playbook}:")
        lines.extend(
            f"    {step.milestone} ({step.role}): {_percent(step.achieved_share)}" for step in steps
        )
    if metrics.cohorts:
        lines.append("  Cohorts (30 / 60 / 90 days):")
        lines.extend(
            f"    {month}: " + " / ".join(_percent(s.fraction) for s in checkpoints.values())
            for month, checkpoints in metrics.cohorts.items()
        )
    return "\n".join(lines)


__all__ = [
    "AccountFilter",
    "BookRow",
    "ValueLine",
    "account_metrics",
    "book_rows",
    "experiment_results",
    "load_account_facts",
    "load_ladder_facts",
    "metrics_as_json",
    "metrics_summary",
    "portfolio_metrics",
    "portfolio_summary",
    "value_changes",
]
