"""Variant kinds (message, timing, criterion), their own figures and the sample-size advice.

Sample size, by hand, for first value within target 50 % (control) vs 70 % (hoped for):
p̄ = 0.6, √(2·0.6·0.4) = √0.48 = 0.692820; √(0.5·0.5 + 0.7·0.3) = √0.46 = 0.678233;
1.959964 · 0.692820 + 0.841621 · 0.678233 = 1.357910 + 0.570814 = 1.928724;
1.928724² = 3.719976; ÷ 0.2² = 92.9994 → 93 accounts per arm (the textbook value for
α 0.05 two-sided, power 80 %, no continuity correction). 20 % vs 40 %: p̄ 0.3,
√0.42 = 0.648074, √(0.16 + 0.24) = 0.632456; 1.270204 + 0.532287 = 1.802491;
3.248974 ÷ 0.04 = 81.22 → 82.
"""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.experiment_changes import (
    BadChange,
    CriterionChange,
    MessageChange,
    TimingChange,
    VariantKind,
    change_from_json,
    change_to_json,
    check_change,
    describe,
)
from csm_desktop.domain.metrics.experiment_kinds import (
    criterion_met_by_due,
    nudge_response,
    on_time_among_judged,
)
from csm_desktop.domain.metrics.experiments import accounts_needed
from csm_desktop.domain.vocabulary import Status
from tests.unit.metrics_books import day, milestone

TODAY = dt.date(2026, 3, 1)


def test_accounts_needed_matches_the_textbook_value() -> None:
    assert accounts_needed(0.5, 0.7) == 93
    assert accounts_needed(0.7, 0.5) == 93
    assert accounts_needed(0.2, 0.4) == 82
    assert accounts_needed(0.5, 0.5) is None
    with pytest.raises(ValueError, match="shares must be in 0…1"):
        accounts_needed(50, 70)


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        (VariantKind.MESSAGE, MessageChange("report", "Hi {contact}, try the report!", "", "")),
        (VariantKind.TIMING, TimingChange(0.5, 3, ("report", "setup"))),
        (VariantKind.CRITERION, CriterionChange("report", 3, None)),
        (VariantKind.ORDER, None),
    ],
)
def test_changes_round_trip_through_their_stored_text(kind: VariantKind, change: object) -> None:
    assert change_from_json(kind, change_to_json(change)) == change  # type: ignore[arg-type]


def test_timing_scales_then_shifts_rounding_half_up_never_below_day_0() -> None:
    """14 × 0.5 + 3 = 10; 5 × 0.5 = 2.5 → 3, − 4 = −1 → 0; 21 × 1.5 = 31.5 → 32."""
    assert TimingChange(0.5, 3).target_day(14) == 10
    assert TimingChange(0.5, -4).target_day(5) == 0
    assert TimingChange(1.5).target_day(21) == 32
    assert TimingChange(2.0, templates=("a",)).applies_to("b") is False
    assert TimingChange(2.0).applies_to(None) is True


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        (VariantKind.MESSAGE, MessageChange("report"), "needs the new text"),
        (VariantKind.MESSAGE, MessageChange(""), "needs the milestone"),
        (VariantKind.TIMING, TimingChange(1.0, 0), "changes nothing"),
        (VariantKind.TIMING, TimingChange(0.0), "more than 0"),
        (VariantKind.CRITERION, CriterionChange("report"), "another threshold"),
        (VariantKind.CRITERION, CriterionChange("report", 0), "at least 1"),
        (VariantKind.ORDER, TimingChange(2.0), "takes no change"),
    ],
)
def test_unusable_changes_say_what_to_fix(kind: VariantKind, change: object, message: str) -> None:
    with pytest.raises(BadChange, match=message):
        check_change(kind, change)  # type: ignore[arg-type]


def test_damaged_stored_change_is_a_bad_change() -> None:
    with pytest.raises(BadChange, match="cannot be read"):
        change_from_json(VariantKind.MESSAGE, "{not json")


def test_describe_in_a_csms_words() -> None:
    titles = {"report": "First report"}
    assert describe(VariantKind.TIMING, TimingChange(0.5, 2), titles) == (
        "target days × 0.5 and +2 days for every milestone"
    )
    assert describe(VariantKind.MESSAGE, MessageChange("report", "Hi"), titles) == (
        "another in-app nudge for “First report”"
    )
    assert describe(VariantKind.CRITERION, CriterionChange("report", 3, 7), titles) == (
        "criterion of “First report”: threshold 3, window 7 days"
    )


def test_nudge_response_counts_achieved_within_7_days_of_the_nudge() -> None:
    """Today 2026-03-01. (nudged, achieved):
    02-01 → 02-08: day 7, yes; 02-01 → 02-09: day 8, no; 02-10 → none, window over: no;
    02-25 → none: window open, pending; 02-25 → 02-27: yes (early); 02-10 → 02-05: achieved
    before the nudge, left out. 2 of 4."""
    d = dt.date
    nudges = [
        (d(2026, 2, 1), d(2026, 2, 8)),
        (d(2026, 2, 1), d(2026, 2, 9)),
        (d(2026, 2, 10), None),
        (d(2026, 2, 25), None),
        (d(2026, 2, 25), d(2026, 2, 27)),
        (d(2026, 2, 10), d(2026, 2, 5)),
    ]
    result = nudge_response(nudges, TODAY)
    assert (result.part, result.counted) == (2, 4)


def test_on_time_and_criterion_shares_count_judged_milestones_only() -> None:
    """K 2026-01-05; due day 14 = 01-19. a: achieved day 10 (on time); b: achieved day 20
    (late); c: open, past due (late); d: skipped; e: due day 60 = 03-06, open (not judged).
    On time 1 of 3. Criterion: a met day 12 (≤ due), b met day 16 (after), c never (past
    due), e not judged → 1 of 3."""
    a = milestone("a", 14, achieved_day=10)
    b = milestone("b", 14, achieved_day=20)
    c = milestone("c", 14)
    d = milestone("d", 14, Status.SKIPPED)
    e = milestone("e", 60)
    ms = [a, b, c, d, e]
    assert on_time_among_judged(ms, TODAY).part == 1
    assert on_time_among_judged(ms, TODAY).counted == 3
    from dataclasses import replace

    with_criteria = [
        replace(a, criterion_met_on=day(12)),
        replace(b, criterion_met_on=day(16)),
        c,
        d,
        e,
    ]
    met = criterion_met_by_due(with_criteria, TODAY)
    assert (met.part, met.counted) == (1, 3)
