"""Results of an A/B test of milestone order or timing (DESIGN §3, "Experiment result").

The primary outcome is "first value within target". Two variants are compared with Fisher's
exact test; with fewer than 5 judged accounts in a variant no p-value is given, because a
handful of accounts cannot tell a real difference from luck and the screen must say so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from csm_desktop.domain.metrics.account import (
    completion_at_day,
    first_value_within_target,
    time_to_first_value,
)
from csm_desktop.domain.metrics.facts import AccountFacts
from csm_desktop.domain.metrics.portfolio import Share, share
from csm_desktop.domain.stats import fisher_exact, median

MIN_ACCOUNTS_FOR_P = 5
COMPLETION_DAY = 30
# Two-sided 5 % significance and 80 % power, for "how many accounts does each arm need".
Z_ALPHA = 1.959964
Z_POWER = 0.841621


@dataclass(frozen=True, slots=True)
class VariantResult:
    """One arm of an experiment on one day."""

    variant: str
    accounts: int
    first_value_within_target: Share
    """Among accounts whose first value is achieved or past due (the judged ones)."""
    ttfv_median_days: float | None
    completion_at_day_30: float | None
    """Mean ladder completion on day 30, over accounts at least 30 days old."""


@dataclass(frozen=True, slots=True)
class VariantComparison:
    """A variant against the first (control) variant on first value within target."""

    variant: str
    against: str
    difference: float | None
    """Share of the variant minus share of the control, in 0…1 points."""
    p_value: float | None
    """Fisher's exact, two-sided; None for a small sample (see ``small_sample``)."""
    small_sample: bool


@dataclass(frozen=True, slots=True)
class ExperimentResult:
    variants: tuple[VariantResult, ...]
    comparisons: tuple[VariantComparison, ...]


def variant_result(variant: str, accounts: Iterable[AccountFacts], today: dt.date) -> VariantResult:
    members = list(accounts)
    ttfvs = [t for a in members if (t := time_to_first_value(a)) is not None]
    completions = [
        c for a in members if (c := completion_at_day(a, today, COMPLETION_DAY)) is not None
    ]
    return VariantResult(
        variant=variant,
        accounts=len(members),
        first_value_within_target=share(first_value_within_target(a, today) for a in members),
        ttfv_median_days=median(ttfvs),
        completion_at_day_30=sum(completions) / len(completions) if completions else None,
    )


def compare(variant: VariantResult, control: VariantResult) -> VariantComparison:
    """Difference in first value within target and its two-sided Fisher p."""
    ours, theirs = variant.first_value_within_target, control.first_value_within_target
    small = min(ours.counted, theirs.counted) < MIN_ACCOUNTS_FOR_P
    difference = (
        ours.fraction - theirs.fraction
        if ours.fraction is not None and theirs.fraction is not None
        else None
    )
    p_value = None
    if not small:
        p_value = fisher_exact(
            (
                (ours.part, ours.counted - ours.part),
                (theirs.part, theirs.counted - theirs.part),
            )
        )
    return VariantComparison(variant.variant, control.variant, difference, p_value, small)


def experiment_result(
    accounts_by_variant: Mapping[str, Iterable[AccountFacts]], today: dt.date
) -> ExperimentResult:
    """Per variant (in the given order, the first being the control) and each against it."""
    results = tuple(
        variant_result(name, accounts, today) for name, accounts in accounts_by_variant.items()
    )
    comparisons = tuple(compare(result, results[0]) for result in results[1:])
    return ExperimentResult(results, comparisons)


def accounts_needed(first: float, second: float) -> int | None:
    """Judged accounts per arm to detect shares ``first`` vs ``second`` 8 times in 10 at a
    two-sided 5 % level: the usual normal approximation for two proportions,

        n = (z₀.₉₇₅ √(2 p̄ q̄) + z₀.₈ √(p₁q₁ + p₂q₂))² ÷ (p₁ − p₂)², rounded up,

    with p̄ the mean of the two shares. None when the shares are equal (no difference to
    find). Shares must be in 0…1.
    """
    if not (0 <= first <= 1 and 0 <= second <= 1):
        raise ValueError(f"shares must be in 0…1, got {first!r} and {second!r}")
    if first == second:
        return None
    mean = (first + second) / 2
    spread = Z_ALPHA * math.sqrt(2 * mean * (1 - mean)) + Z_POWER * math.sqrt(
        first * (1 - first) + second * (1 - second)
    )
    # A hair below a whole number is that number (0.5 vs 0.7 gives 92.9999… → 93).
    return math.ceil(round(spread**2 / (first - second) ** 2, 9))
