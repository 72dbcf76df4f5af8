"""The metrics of DESIGN §3 as pure functions over plain facts; ``today`` is always a parameter.

Inputs are ``AccountFacts`` (an account's K, ladder and a usage summary); outputs are
``AccountMetrics`` per account and ``PortfolioMetrics`` for a book. Ladder completion and
overdue live in ``csm_desktop.domain.ladder`` and are reused here, never restated.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csm_desktop.domain.metrics.account import (
        ADOPTION_WINDOW_DAYS,
        CHECKPOINTS,
        HEALTH_QUIET_DAYS,
        AccountMetrics,
        Adoption,
        account_metrics,
        adoption_after_unlock,
        checkpoint_met,
        completion_at_day,
        completion_by_role,
        first_value_within_target,
        health,
        is_repeat_workflow,
        last_complete_iso_weeks,
        on_time_counts,
        on_time_rate,
        recently_active,
        repeat_usage,
        time_to_first_value,
    )
    from csm_desktop.domain.metrics.experiments import (
        MIN_ACCOUNTS_FOR_P,
        ExperimentResult,
        VariantComparison,
        VariantResult,
        compare,
        experiment_result,
        variant_result,
    )
    from csm_desktop.domain.metrics.facts import NO_USAGE, AccountFacts, UsageFacts, week_of
    from csm_desktop.domain.metrics.portfolio import (
        NO_PLAYBOOK,
        FunnelStep,
        PortfolioMetrics,
        PortfolioSummary,
        Share,
        cohorts,
        funnel,
        funnel_steps,
        kickoff_month,
        portfolio_metrics,
        share,
    )
    from csm_desktop.domain.metrics.value import latest_measurement, value_change


# name -> its submodule, imported on first use: importing one submodule (the Today list's
# ``ladder_figures`` needs ``CHECKPOINTS``) must not import every one (~15 ms, issue 17).
_WHERE = {
    "ADOPTION_WINDOW_DAYS": "account",
    "AccountFacts": "facts",
    "AccountMetrics": "account",
    "Adoption": "account",
    "CHECKPOINTS": "account",
    "ExperimentResult": "experiments",
    "FunnelStep": "portfolio",
    "HEALTH_QUIET_DAYS": "account",
    "MIN_ACCOUNTS_FOR_P": "experiments",
    "NO_PLAYBOOK": "portfolio",
    "NO_USAGE": "facts",
    "PortfolioMetrics": "portfolio",
    "PortfolioSummary": "portfolio",
    "Share": "portfolio",
    "UsageFacts": "facts",
    "VariantComparison": "experiments",
    "VariantResult": "experiments",
    "account_metrics": "account",
    "adoption_after_unlock": "account",
    "checkpoint_met": "account",
    "cohorts": "portfolio",
    "compare": "experiments",
    "completion_at_day": "account",
    "completion_by_role": "account",
    "experiment_result": "experiments",
    "first_value_within_target": "account",
    "funnel": "portfolio",
    "funnel_steps": "portfolio",
    "health": "account",
    "is_repeat_workflow": "account",
    "kickoff_month": "portfolio",
    "last_complete_iso_weeks": "account",
    "latest_measurement": "value",
    "on_time_counts": "account",
    "on_time_rate": "account",
    "portfolio_metrics": "portfolio",
    "recently_active": "account",
    "repeat_usage": "account",
    "share": "portfolio",
    "time_to_first_value": "account",
    "value_change": "value",
    "variant_result": "experiments",
    "week_of": "facts",
}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ADOPTION_WINDOW_DAYS",
    "CHECKPOINTS",
    "HEALTH_QUIET_DAYS",
    "MIN_ACCOUNTS_FOR_P",
    "NO_PLAYBOOK",
    "NO_USAGE",
    "AccountFacts",
    "AccountMetrics",
    "Adoption",
    "ExperimentResult",
    "FunnelStep",
    "PortfolioMetrics",
    "PortfolioSummary",
    "Share",
    "UsageFacts",
    "VariantComparison",
    "VariantResult",
    "account_metrics",
    "adoption_after_unlock",
    "checkpoint_met",
    "cohorts",
    "compare",
    "completion_at_day",
    "completion_by_role",
    "experiment_result",
    "first_value_within_target",
    "funnel",
    "funnel_steps",
    "health",
    "is_repeat_workflow",
    "kickoff_month",
    "last_complete_iso_weeks",
    "latest_measurement",
    "on_time_counts",
    "on_time_rate",
    "portfolio_metrics",
    "recently_active",
    "repeat_usage",
    "share",
    "time_to_first_value",
    "value_change",
    "variant_result",
    "week_of",
]
