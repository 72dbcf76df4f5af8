"""The "does onboarding pay off?" figures over a stored book, for the dashboard, the
portfolio report and ``metrics --json``.

Definitions live in ``domain.metrics.long_term``; this module reads the renewals and judges
each account's first value with the same ladder facts and rule as every other metric
(``services.metrics.load_ladder_facts`` and ``first_value_within_target``). Archived
accounts count here, unlike in the onboarding figures: a churned customer is often archived,
and leaving it out would flatter the renewal rate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from csm_desktop.domain.metrics import first_value_within_target
from csm_desktop.domain.metrics.long_term import (
    FIRST_VALUE_GROUPS,
    LongTermMetrics,
    RenewalFact,
    RenewalGroup,
    long_term_metrics,
)
from csm_desktop.services.metrics import AccountFilter, load_ladder_facts
from csm_desktop.services.renewals import parse_outcome
from csm_desktop.store.database import Database
from csm_desktop.store.queries.renewals import renewal_rows


def long_term(
    database: Database,
    today: dt.date,
    *,
    segment: str | None = None,
    owner: str | None = None,
    playbook: str | None = None,
) -> LongTermMetrics:
    """Renewal rate and NRR on ``today``, in total and by first value, over the chosen accounts."""
    chosen = AccountFilter(
        segment=segment,
        owner=owner,
        playbook=playbook,
        include_archived=True,
        with_renewals=True,  # a ladder is read only for an account that has a renewal
    )
    with database.session() as session:
        renewals = [
            RenewalFact(name, on, parse_outcome(outcome), before, after, account_id)
            for account_id, name, on, outcome, before, after in renewal_rows(session, chosen)
        ]
        renewing = {r.account_id for r in renewals}
        facts = (
            [f for f in load_ladder_facts(session, today, chosen) if f.id in renewing]
            if renewing
            else []
        )
    judged = {f.id: first_value_within_target(f, today) for f in facts if f.id is not None}
    return long_term_metrics(renewals, judged, today)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _group_json(group: RenewalGroup) -> dict[str, Any]:
    return {
        "decided": group.decided,
        "renewal_rate": _rounded(group.renewal_rate),
        "nrr": _rounded(group.nrr),
    }


def long_term_as_json(metrics: LongTermMetrics) -> dict[str, Any]:
    """The ``"long_term"`` object of ``metrics --json`` (fractions to 4 places, null if none)."""
    return {
        "renewal_rate": _rounded(metrics.renewal_rate),
        "nrr": _rounded(metrics.nrr),
        "decided": metrics.decided,
        "by_first_value": {
            name: _group_json(metrics.by_first_value[name]) for name in FIRST_VALUE_GROUPS
        },
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def long_term_summary(metrics: LongTermMetrics) -> str:
    """The figures as a few lines for a terminal, after the portfolio summary."""
    lines = [
        f"  Renewals decided: {metrics.decided}; renewal rate {_percent(metrics.renewal_rate)},"
        f" NRR {_percent(metrics.nrr)}"
    ]
    for name in FIRST_VALUE_GROUPS:
        group = metrics.by_first_value[name]
        lines.append(
            f"    first value {name}: {group.decided} decided, renewal rate "
            f"{_percent(group.renewal_rate)}, NRR {_percent(group.nrr)}"
        )
    return "\n".join(lines)


__all__ = ["long_term", "long_term_as_json", "long_term_summary"]
