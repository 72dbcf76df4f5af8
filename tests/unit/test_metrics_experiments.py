"""Experiment results per variant, the small-sample rule, and value change (DESIGN §3)."""

from __future__ import annotations

import datetime as dt

import pytest
from metrics_books import account, day, milestone

from csm_desktop.domain.metrics import (
    UsageFacts,
    experiment_result,
    latest_measurement,
    value_change,
    variant_result,
)
from csm_desktop.domain.metrics.facts import AccountFacts, week_of
from csm_desktop.domain.vocabulary import Direction, Status

TODAY = day(60)


def fv_account(name: str, achieved_day: int | None) -> AccountFacts:
    """First value due on day 10; achieved on ``achieved_day`` (None: still open, past due)."""
    status = Status.IN_PROGRESS if achieved_day is None else Status.ACHIEVED
    return account(
        name,
        milestone("FV", 10, status, achieved_day=achieved_day, first_value=True),
        milestone("Later", 30, achieved_day=25),
    )


def test_variant_result_per_definition() -> None:
    result = variant_result(
        "B", [fv_account("a", 8), fv_account("b", 10), fv_account("c", 13), fv_account("d", None)],
        TODAY,
    )  # fmt: skip
    assert result.accounts == 4
    assert result.first_value_within_target.part == 2
    assert result.first_value_within_target.counted == 4
    assert result.ttfv_median_days == 10.0  # 8, 10, 13
    # Day 30 completion: a, b, c 2/2 each; d 1/2 → mean 7/8.
    assert result.completion_at_day_30 == pytest.approx(7 / 8)


def test_no_p_value_with_fewer_than_5_accounts_in_a_variant() -> None:
    control = [fv_account(f"c{i}", 5) for i in range(5)]
    variant = [fv_account(f"v{i}", None) for i in range(4)]
    result = experiment_result({"A": control, "B": variant}, TODAY)
    (comparison,) = result.comparisons
    assert comparison.small_sample is True
    assert comparison.p_value is None
    assert comparison.difference == -1.0


def test_p_value_is_fishers_exact_two_sided() -> None:
    # Control 5 of 5 within target, variant 0 of 5: margins 5/5 and 5/5; weights C(5,x)²
    # = 1, 25, 100, 100, 25, 1 of 252. Observed x = 5: tables x = 0 and 5 → 2/252.
    control = [fv_account(f"c{i}", 5) for i in range(5)]
    variant = [fv_account(f"v{i}", 20) for i in range(5)]
    result = experiment_result({"A": control, "B": variant}, TODAY)
    assert [v.variant for v in result.variants] == ["A", "B"]
    (comparison,) = result.comparisons
    assert (comparison.variant, comparison.against) == ("B", "A")
    assert comparison.small_sample is False
    assert comparison.p_value == pytest.approx(2 / 252)


def test_value_change_is_positive_when_better() -> None:
    assert value_change(10.0, 12.5, Direction.HIGHER) == pytest.approx(25.0)
    assert value_change(10.0, 7.5, Direction.LOWER) == pytest.approx(25.0)  # fewer hours
    assert value_change(10.0, 12.5, Direction.LOWER) == pytest.approx(-25.0)
    assert value_change(-4.0, -2.0, Direction.HIGHER) == pytest.approx(50.0)  # |baseline|


def test_value_change_is_none_without_a_usable_baseline() -> None:
    assert value_change(0.0, 5.0, Direction.HIGHER) is None
    assert value_change(None, 5.0, Direction.HIGHER) is None
    assert value_change(5.0, None, Direction.HIGHER) is None


def test_latest_measurement_ignores_dates_after_today() -> None:
    rows = [(dt.date(2026, 3, 1), 4.0), (dt.date(2026, 5, 1), 2.0), (dt.date(2026, 4, 1), 3.0)]
    assert latest_measurement(rows, dt.date(2026, 4, 15)) == (dt.date(2026, 4, 1), 3.0)
    assert latest_measurement(rows, dt.date(2026, 2, 1)) is None


def test_usage_facts_keep_only_counts_above_zero_up_to_today() -> None:
    today = dt.date(2026, 3, 4)
    facts = UsageFacts.from_counts(
        [
            (dt.date(2026, 3, 1), "reports", 0),
            (dt.date(2026, 3, 2), "reports", 2),
            (dt.date(2026, 3, 5), "alerts", 1),
        ],
        today,
    )
    assert facts.has_data is True
    assert facts.active_days == {dt.date(2026, 3, 2)}
    assert facts.feature_days == {"reports": {dt.date(2026, 3, 2)}}
    assert facts.feature_weeks == {"reports": {dt.date(2026, 3, 2)}}
    only_zeros = UsageFacts.from_counts([(dt.date(2026, 3, 1), "reports", 0)], today)
    assert only_zeros.has_data is True
    assert only_zeros.active_days == frozenset()


def test_week_of_is_the_iso_monday() -> None:
    assert week_of(dt.date(2026, 3, 1)) == dt.date(2026, 2, 23)  # Sunday
    assert week_of(dt.date(2026, 3, 2)) == dt.date(2026, 3, 2)  # Monday
