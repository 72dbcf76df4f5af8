"""The metrics of DESIGN §3 as pure functions over plain facts; ``today`` is always a parameter.

Inputs are ``AccountFacts`` (an account's K, ladder and a usage summary); outputs are
``AccountMetrics`` per account and ``PortfolioMetrics`` for a book. Ladder completion and
overdue live in ``csm_desktop.domain.ladder`` and are reused here, never restated.
"""

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
    Share,
    cohorts,
    funnel,
    kickoff_month,
    portfolio_metrics,
    share,
)
from csm_desktop.domain.metrics.value import latest_measurement, value_change

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
