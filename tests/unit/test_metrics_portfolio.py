"""Portfolio figures (DESIGN §3) on a four-account book worked out by hand.

Today is 2026-04-15. "Standard" ladder: Setup (Administrator, day 5), First report (Power
user, day 14, first value), Dashboards (Operator, day 30, unlocks dashboards), Automation
(Power user, day 60).

- Alpha, K 2026-01-05 (age 100): 4, 12, 35 achieved, Automation skipped; dashboards used
  on day 50, reports on day 95. On time 2/3, TTFV 12 (within target), on track.
- Bravo, K 2026-01-20 (age 85): 6, 20, 30 achieved, Automation open (overdue); only use is
  reports on day 70. On time 1/3, TTFV 20 (late), dashboards not adopted, at risk.
- Charlie, K 2026-02-02 (age 72): Setup on day 5, First report open 58 days past due: off
  track; no usage data.
- Delta, K 2026-04-01 (age 14), "Lite" ladder: Kickoff call (day 3) on day 2, Dashboards
  (day 10, unlocks dashboards) on day 8: adoption pending; on track.
"""

from __future__ import annotations

import datetime as dt

import pytest
from metrics_books import account, milestone

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.metrics import (
    AccountFacts,
    FunnelStep,
    PortfolioMetrics,
    Share,
    portfolio_metrics,
)
from csm_desktop.domain.vocabulary import Health, Phase, Status

TODAY = dt.date(2026, 4, 15)


ALPHA_K, BRAVO_K = dt.date(2026, 1, 5), dt.date(2026, 1, 20)
CHARLIE_K, DELTA_K = dt.date(2026, 2, 2), dt.date(2026, 4, 1)


def standard(
    kickoff: dt.date,
    setup: int | None,
    first_report: int | None,
    dashboards: int | None,
    automation: Status = Status.NOT_STARTED,
) -> list[Milestone]:
    """The "Standard" ladder achieved on the given days (None: still open)."""
    first_report_status = Status.IN_PROGRESS if first_report is None else Status.ACHIEVED
    return [
        milestone("Setup", 5, achieved_day=setup, kickoff=kickoff),
        milestone("First report", 14, first_report_status, achieved_day=first_report,
                  role="Power user", first_value=True, kickoff=kickoff),
        milestone("Dashboards", 30, achieved_day=dashboards, role="Operator",
                  unlocks="dashboards", kickoff=kickoff),
        milestone("Automation", 60, automation, role="Power user", kickoff=kickoff),
    ]  # fmt: skip


def book() -> list[AccountFacts]:
    """Alpha, Bravo, Charlie and Delta as the module docstring tells (Bravo comes first)."""
    return [
        account("Bravo", *standard(BRAVO_K, 6, 20, 30), kickoff=BRAVO_K,
                usage=[(70, "reports", 3)], today=TODAY),
        account("Alpha", *standard(ALPHA_K, 4, 12, 35, Status.SKIPPED), kickoff=ALPHA_K,
                usage=[(50, "dashboards", 1), (95, "reports", 2)], today=TODAY),
        account("Charlie", *standard(CHARLIE_K, 5, None, None), kickoff=CHARLIE_K),
        account(
            "Delta",
            milestone("Kickoff call", 3, achieved_day=2, kickoff=DELTA_K),
            milestone("Dashboards", 10, achieved_day=8, role="Operator", unlocks="dashboards",
                      kickoff=DELTA_K),
            kickoff=DELTA_K,
            playbook="Lite",
        ),
    ]  # fmt: skip


@pytest.fixture
def metrics() -> PortfolioMetrics:
    return portfolio_metrics(book(), TODAY)


def test_accounts_are_listed_by_name(metrics: PortfolioMetrics) -> None:
    assert metrics.accounts == 4
    assert [m.name for m in metrics.by_account] == ["Alpha", "Bravo", "Charlie", "Delta"]


def test_ttfv_median_is_over_achieved_accounts_only(metrics: PortfolioMetrics) -> None:
    assert [m.ttfv_days for m in metrics.by_account] == [12, 20, None, 2]
    assert metrics.ttfv_median_days == 12.0


def test_first_value_on_time_share_counts_achieved_and_past_due(
    metrics: PortfolioMetrics,
) -> None:
    assert metrics.first_value_on_time == Share(2, 4)
    assert metrics.first_value_on_time_share == 0.5


def test_adoption_rate_leaves_pending_unlocks_out(metrics: PortfolioMetrics) -> None:
    assert metrics.adoption == Share(1, 2)
    assert metrics.adoption_rate == 0.5
    assert metrics.adoption_pending == 1
    assert metrics.adoption_by_feature == {"dashboards": Share(1, 2)}


def test_on_time_rate_is_pooled_over_achieved_milestones(metrics: PortfolioMetrics) -> None:
    assert metrics.on_time == Share(6, 9)


def test_health_counts(metrics: PortfolioMetrics) -> None:
    assert [m.health for m in metrics.by_account] == [
        Health.ON_TRACK,
        Health.AT_RISK,
        Health.OFF_TRACK,
        Health.ON_TRACK,
    ]
    assert metrics.health == {Health.ON_TRACK: 2, Health.AT_RISK: 1, Health.OFF_TRACK: 1}


def test_funnel_follows_ladder_order_and_leaves_skips_out(metrics: PortfolioMetrics) -> None:
    assert list(metrics.funnel) == ["Lite", "Standard"]
    assert metrics.funnel["Lite"] == (
        FunnelStep("Kickoff call", "Administrator", Share(1, 1), None),
        FunnelStep("Dashboards", "Operator", Share(1, 1), 0.0),
    )
    standard_steps = metrics.funnel["Standard"]
    assert [(s.milestone, s.achieved) for s in standard_steps] == [
        ("Setup", Share(3, 3)),
        ("First report", Share(2, 3)),
        ("Dashboards", Share(2, 3)),
        ("Automation", Share(0, 2)),  # Alpha skipped it
    ]
    drops = [s.drop_off for s in standard_steps]
    assert drops[0] is None
    assert drops[1:] == pytest.approx([1 / 3, 0.0, 2 / 3])


def test_cohorts_count_only_accounts_old_enough(metrics: PortfolioMetrics) -> None:
    assert metrics.cohorts == {
        "2026-01": {30: Share(1, 2), 60: Share(1, 2), 90: Share(1, 1)},
        "2026-02": {30: Share(0, 1), 60: Share(0, 1), 90: Share(0, 0)},
        "2026-04": {30: Share(0, 0), 60: Share(0, 0), 90: Share(0, 0)},
    }
    assert metrics.cohorts["2026-02"][90].fraction is None


def test_repeat_usage_and_phase_completion(metrics: PortfolioMetrics) -> None:
    # Last complete ISO weeks before Wed 2026-04-15: 16 Mar … 12 Apr. Nobody used a key
    # workflow (dashboards) there: Alpha's dashboards day 50 is 24 Feb.
    assert metrics.repeat_usage_by_feature == {"dashboards": Share(0, 4)}
    assert metrics.completion_by_phase[Phase.EARLY] == Share(9, 11)
    assert metrics.completion_by_phase[Phase.MID] == Share(0, 2)


def test_empty_book_has_nothing_to_count() -> None:
    empty = portfolio_metrics([], TODAY)
    assert empty.accounts == 0
    assert empty.ttfv_median_days is None
    assert empty.first_value_on_time_share is None
    assert empty.adoption_rate is None
    assert empty.on_time_rate is None
    assert empty.funnel == {}
    assert empty.cohorts == {}


def test_funnel_follows_the_playbook_order_not_the_first_account() -> None:
    # Alpha (first by name) walks the ladder in another order; the playbook's order wins.
    order = {"Standard": [("Setup", "Administrator"), ("First report", "Power user"),
                          ("Dashboards", "Operator"), ("Automation", "Power user")]}  # fmt: skip
    swapped = account("Alpha", *reversed(standard(ALPHA_K, 4, 12, 35)), kickoff=ALPHA_K)
    bravo = account("Bravo", *standard(BRAVO_K, 6, 20, 30), kickoff=BRAVO_K)
    steps = portfolio_metrics([swapped, bravo], TODAY, order).funnel["Standard"]
    assert [s.milestone for s in steps] == ["Setup", "First report", "Dashboards", "Automation"]
    without = portfolio_metrics([swapped, bravo], TODAY).funnel["Standard"]
    assert without[0].milestone == "Automation"  # first-seen order otherwise
