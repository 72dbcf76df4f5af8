"""The review period, plan dates and the money rule of the QBR (pure domain, by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.features import FeatureEntry, FeatureVocabulary
from csm_desktop.domain.review import (
    BadPeriod,
    ReviewPeriod,
    last_full_quarter,
    moved_from,
    needs_replan,
    parse_quarter,
    period_weeks,
    plan_date,
    review_period,
)
from csm_desktop.domain.story import capability_name, looks_like_key
from csm_desktop.domain.value_money import money_text, value_realized
from csm_desktop.domain.vocabulary import Direction

D = dt.date


def test_a_quarter_runs_from_its_first_to_its_last_day() -> None:
    q3 = parse_quarter("2026Q3")
    assert (q3.start, q3.end, q3.label, q3.days) == (D(2026, 7, 1), D(2026, 9, 30), "Q3 2026", 92)
    assert parse_quarter(" 2026-q4 ").end == D(2026, 12, 31)
    with pytest.raises(BadPeriod, match="'2026Q5' is not a quarter"):
        parse_quarter("2026Q5")


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (D(2026, 9, 30), "Q3 2026"),  # the quarter ends today: it is full
        (D(2026, 9, 29), "Q2 2026"),
        (D(2026, 2, 10), "Q4 2025"),
    ],
)
def test_the_default_period_is_the_last_full_quarter(today: dt.date, label: str) -> None:
    assert last_full_quarter(today).label == label


def test_a_range_and_its_mistakes() -> None:
    today = D(2026, 4, 15)
    assert review_period(today, start=D(2026, 2, 1)) == ReviewPeriod(D(2026, 2, 1), today)
    assert review_period(today, end=D(2026, 3, 31)).start == D(2025, 12, 31)
    with pytest.raises(BadPeriod, match="ends after the reporting date"):
        review_period(today, quarter="2026Q2")
    with pytest.raises(BadPeriod, match="swap the dates"):
        review_period(today, start=D(2026, 4, 1), end=D(2026, 3, 1))
    with pytest.raises(BadPeriod, match="not both"):
        review_period(today, quarter="2026Q1", start=D(2026, 1, 1))


def test_period_weeks_are_the_complete_iso_weeks_whose_sunday_is_in_the_period() -> None:
    """Q1 2026: Sundays 4 Jan … 29 Mar are 13; on 1 Apr 2026 (a Wednesday) all are complete."""
    weeks = period_weeks(parse_quarter("2026Q1"), D(2026, 4, 1))
    assert len(weeks) == 13
    assert weeks[0] == (D(2025, 12, 29), D(2026, 1, 4))
    assert weeks[-1] == (D(2026, 3, 23), D(2026, 3, 29))
    # On Sunday 29 Mar that last week is still open: today's data may be partial.
    assert len(period_weeks(parse_quarter("2026Q1"), D(2026, 3, 29))) == 12


def test_plan_date_and_moved_from() -> None:
    assert plan_date(D(2026, 3, 6), None) == D(2026, 3, 6)
    assert plan_date(D(2026, 3, 6), D(2026, 4, 30)) == D(2026, 4, 30)
    assert moved_from(D(2026, 3, 6), D(2026, 4, 30)) == "moved from 6 Mar 2026"
    assert moved_from(D(2026, 3, 6), None) == ""
    assert needs_replan(True, D(2026, 3, 6), None, D(2026, 4, 15))
    assert not needs_replan(True, D(2026, 3, 6), D(2026, 4, 30), D(2026, 4, 15))
    assert not needs_replan(False, D(2026, 3, 6), None, D(2026, 4, 15))


def test_money_of_a_rate_accumulates_over_the_period_and_a_year() -> None:
    """20 → 15 hours a week, lower is better, 60 an hour, 91 days: 5 × 13 × 60 = 3,900;
    a year: 5 × 365.25/7 × 60 = 15,653.57; against an ARR of 48,000: 0.3261."""
    money = value_realized(
        20.0, 15.0, Direction.LOWER, money_per_unit=60.0, rate_per="week", period_days=91,
        arr=48_000.0,
    )  # fmt: skip
    assert money is not None
    assert money.improvement == 5.0
    assert money.per_period == pytest.approx(3900.0)
    assert money.per_year == pytest.approx(15653.5714, abs=1e-3)
    assert money.of_arr == pytest.approx(0.32612, abs=1e-5)


def test_money_of_a_level_is_counted_once_and_a_loss_is_negative() -> None:
    money = value_realized(
        10.0, 8.0, Direction.HIGHER, money_per_unit=100.0, rate_per=None, period_days=90
    )
    assert money is not None
    assert (money.per_period, money.per_year, money.of_arr) == (-200.0, -200.0, None)
    assert value_realized(
        10.0, None, Direction.HIGHER, money_per_unit=1.0, rate_per=None, period_days=9
    ) is None  # fmt: skip
    assert value_realized(
        10.0, 12.0, Direction.HIGHER, money_per_unit=None, rate_per="week", period_days=9
    ) is None  # fmt: skip


def test_money_always_carries_its_currency_on_one_line() -> None:
    assert money_text(3857.14, "EUR") == "EUR\u00a03,857"
    assert money_text(60.0, "USD") == "USD\u00a060"
    assert money_text(12.5, "USD") == "USD\u00a012.50"
    assert money_text(-200.0, "GBP") == "−GBP\u00a0200"
    assert money_text(None, "EUR") == "–"


def test_customers_read_display_names_never_keys() -> None:
    vocabulary = FeatureVocabulary([FeatureEntry("reports.run", "Scheduled reports")])
    assert capability_name("reports.run", vocabulary) == "Scheduled reports"
    assert capability_name("REPORTS_RUN", vocabulary) == "Scheduled reports"
    assert capability_name("alert_routing", vocabulary) == "Alert routing"
    assert capability_name("userInvited", vocabulary) == "User invited"
    assert capability_name("SSO via Okta", vocabulary) == "SSO via Okta"  # words stay as typed
    assert looks_like_key("integration_dashboard") and not looks_like_key("Alert routing")
