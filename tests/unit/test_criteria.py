"""The usage success criterion (DESIGN §3): first day D ≥ K whose window D−W+1…D sums to ≥ N."""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.criteria import criterion_met_on

K = dt.date(2026, 3, 1)


def day(offset: int) -> dt.date:
    return K + dt.timedelta(days=offset)


def test_met_on_the_day_the_running_window_reaches_the_threshold() -> None:
    counts = {day(0): 2, day(1): 2, day(3): 1}
    assert criterion_met_on(counts, K, threshold=5, window_days=7) == day(3)


def test_window_includes_its_first_day() -> None:
    # W = 3 on day 4 covers days 2, 3, 4: the count on day 2 is inside.
    counts = {day(2): 3, day(4): 2}
    assert criterion_met_on(counts, K, threshold=5, window_days=3) == day(4)


def test_window_excludes_the_day_before_its_first_day() -> None:
    # W = 2 on day 4 covers days 3 and 4 only: day 2's count has left the window.
    counts = {day(2): 3, day(4): 2}
    assert criterion_met_on(counts, K, threshold=5, window_days=2) is None


def test_usage_before_kickoff_counts_inside_the_window_but_never_meets_before_kickoff() -> None:
    counts = {day(-2): 10}
    assert criterion_met_on(counts, K, threshold=5, window_days=7) == K


def test_usage_before_kickoff_outside_the_window_is_not_counted() -> None:
    counts = {day(-10): 10, day(1): 1}
    assert criterion_met_on(counts, K, threshold=5, window_days=7) is None


def test_single_day_window_needs_the_threshold_on_one_day() -> None:
    counts = {day(1): 4, day(2): 4, day(3): 5}
    assert criterion_met_on(counts, K, threshold=5, window_days=1) == day(3)


def test_threshold_exactly_reached_counts_as_met() -> None:
    assert criterion_met_on({day(5): 3}, K, threshold=3, window_days=1) == day(5)


def test_no_usage_is_never_met() -> None:
    assert criterion_met_on({}, K, threshold=1, window_days=30) is None


def test_zero_threshold_is_met_on_kickoff() -> None:
    assert criterion_met_on({}, K, threshold=0, window_days=7) == K


def test_window_shorter_than_a_day_is_refused() -> None:
    with pytest.raises(ValueError, match="window_days"):
        criterion_met_on({day(1): 1}, K, threshold=1, window_days=0)


def test_agrees_with_a_day_by_day_computation() -> None:
    counts = {day(offset): (offset * 7) % 5 for offset in range(-5, 60) if offset % 3}
    for threshold in (1, 5, 12, 30):
        for window in (1, 3, 7, 14):
            expected = None
            for offset in range(0, 80):
                total = sum(counts.get(day(offset - back), 0) for back in range(window))
                if total >= threshold:
                    expected = day(offset)
                    break
            assert criterion_met_on(counts, K, threshold, window) == expected, (threshold, window)


def test_day_numbers_and_dates_agree_with_a_day_by_day_count() -> None:
    """The sliding window (``criterion_met_day``, behind ``criterion_met_on``) against the
    definition checked day by day: 300 seeded random cases with gaps, zero counts, usage
    before the kickoff and thresholds that are never met."""
    import random

    from csm_desktop.domain.criteria import criterion_met_day

    rng = random.Random(20261130)
    kickoff = dt.date(2026, 3, 10)
    for _case in range(300):
        daily = {
            kickoff + dt.timedelta(days=rng.randint(-20, 60)): rng.randint(0, 5)
            for _ in range(rng.randint(0, 25))
        }
        threshold, window = rng.randint(-1, 25), rng.randint(1, 15)
        expected = None
        for offset in range(0, 90):
            day = kickoff + dt.timedelta(days=offset)
            window_sum = sum(
                count
                for used, count in daily.items()
                if day - dt.timedelta(days=window) < used <= day
            )
            if window_sum >= threshold:
                expected = day
                break
        assert criterion_met_on(daily, kickoff, threshold, window) == expected
        days = sorted(daily)
        numbers = criterion_met_day(
            [d.toordinal() - 7 for d in days],
            [daily[d] for d in days],
            kickoff.toordinal() - 7,
            threshold,
            window,
        )
        assert numbers == (None if expected is None else expected.toordinal() - 7)
