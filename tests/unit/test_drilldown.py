"""The accounts behind each dashboard figure add up to the figure (DESIGN §4 drill-down).

Today is 2026-06-30. Ladder: Users provisioned (Administrator, day 10), First workflow live
(Power user, day 20, first value, unlocks workflow), Dashboard in use (Operator, day 45,
unlocks dashboard).

- Alder Co (id 1), K 2026-03-02: achieved on days 8, 15, 50; used workflow on day 18 and
  logged in on day 115. On track; workflow adopted, dashboard not.
- Birch Ltd (id 2), K 2026-03-16: days 12 and 25, dashboard in progress (overdue); used
  workflow on day 35. At risk; first value late; workflow adopted.
- Cedar Inc (id 3), K 2026-05-11: day 12, first value 30 days past due: off track.
- Dogwood (id 4), K 2026-06-15: days 3 and 12; workflow unlock pending. On track.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from metrics_books import account, milestone

from csm_desktop.domain.metrics import AccountFacts, PortfolioMetrics, portfolio_metrics
from csm_desktop.domain.metrics.drilldown import (
    adoption_accounts,
    cohort_accounts,
    cohort_sizes,
    first_value_accounts,
    funnel_step_accounts,
    health_accounts,
    on_time_accounts,
    phase_accounts,
    ttfv_accounts,
)
from csm_desktop.domain.vocabulary import Health, Phase, Status

TODAY = dt.date(2026, 6, 30)
ALDER_K, BIRCH_K = dt.date(2026, 3, 2), dt.date(2026, 3, 16)
CEDAR_K, DOGWOOD_K = dt.date(2026, 5, 11), dt.date(2026, 6, 15)


def ladder(
    kickoff: dt.date,
    users: int | None,
    workflow: int | None,
    dashboard: int | None,
    dashboard_status: Status = Status.NOT_STARTED,
) -> list:  # type: ignore[type-arg]
    return [
        milestone("Users provisioned", 10, achieved_day=users, kickoff=kickoff),
        milestone("First workflow live", 20, achieved_day=workflow, role="Power user",
                  first_value=True, unlocks="workflow", kickoff=kickoff),
        milestone("Dashboard in use", 45, dashboard_status, achieved_day=dashboard,
                  role="Operator", unlocks="dashboard", kickoff=kickoff),
    ]  # fmt: skip


def small_book() -> list[AccountFacts]:
    accounts = [
        account("Alder Co", *ladder(ALDER_K, 8, 15, 50), kickoff=ALDER_K,
                usage=[(18, "workflow", 2), (115, "login", 1)], today=TODAY),
        account("Birch Ltd", *ladder(BIRCH_K, 12, 25, None, Status.IN_PROGRESS),
                kickoff=BIRCH_K, usage=[(35, "workflow", 4)], today=TODAY),
        account("Cedar Inc", *ladder(CEDAR_K, 12, None, None), kickoff=CEDAR_K),
        account("Dogwood", *ladder(DOGWOOD_K, 3, 12, None), kickoff=DOGWOOD_K),
    ]  # fmt: skip
    return [dataclasses.replace(a, id=i) for i, a in enumerate(accounts, start=1)]


@pytest.fixture
def metrics() -> PortfolioMetrics:
    return portfolio_metrics(small_book(), TODAY)


def groups(drill) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {group.label: group.names for group in drill.groups}


def test_funnel_step_lists_achieved_then_not_yet(metrics: PortfolioMetrics) -> None:
    drill = funnel_step_accounts(metrics, "Standard", 1)
    assert drill.title == "First workflow live (Power user) — Standard"
    assert groups(drill) == {
        "Achieved (3)": ["Alder Co", "Birch Ltd", "Dogwood"],
        "Not achieved yet (1)": ["Cedar Inc"],
    }
    step = metrics.funnel["Standard"][1]
    assert (step.achieved.part, step.achieved.counted) == (3, 4)
    assert [a.note for a in drill.accounts] == [
        "achieved 2026-03-17 (day 15)",
        "achieved 2026-04-10 (day 25)",
        "achieved 2026-06-27 (day 12)",
        "not started, due 2026-05-31 — overdue",
    ]
    assert [a.account_id for a in drill.accounts] == [1, 2, 4, 3]


def test_funnel_leaves_skipped_milestones_out() -> None:
    skipped = account(
        "Elm GmbH",
        milestone("Users provisioned", 10, Status.SKIPPED, kickoff=ALDER_K),
        kickoff=ALDER_K,
    )
    metrics = portfolio_metrics([*small_book(), skipped], TODAY)
    assert "Elm GmbH" not in [a.name for a in funnel_step_accounts(metrics, "Standard", 0).accounts]


def test_cohort_cell_splits_on_plan_and_behind(metrics: PortfolioMetrics) -> None:
    assert groups(cohort_accounts(metrics, "2026-03", 60)) == {
        "On plan by day 60 (1)": ["Alder Co"],
        "Behind by day 60 (1)": ["Birch Ltd"],
    }
    assert cohort_accounts(metrics, "2026-03", 60).group("Behind").accounts[0].note == (
        "missed Dashboard in use"
    )
    assert groups(cohort_accounts(metrics, "2026-05", 60)) == {
        "On plan by day 60 (0)": [],
        "Behind by day 60 (0)": [],
        "Younger than 60 days, not counted (1)": ["Cedar Inc"],
    }
    assert cohort_sizes(metrics) == {"2026-03": 2, "2026-05": 1, "2026-06": 1}


def test_adoption_groups_match_the_share_and_pending(metrics: PortfolioMetrics) -> None:
    assert groups(adoption_accounts(metrics, "workflow")) == {
        "Used within 30 days (2)": ["Alder Co", "Birch Ltd"],
        "Not used within 30 days (0)": [],
        "Pending: 30 days not over (1)": ["Dogwood"],
    }
    assert groups(adoption_accounts(metrics)) == {
        "Used within 30 days (2)": ["Alder Co", "Birch Ltd"],
        "Not used within 30 days (1)": ["Alder Co"],
        "Pending: 30 days not over (1)": ["Dogwood"],
    }
    assert adoption_accounts(metrics).group("Not used").accounts[0].note == (
        "dashboard, unlocked 2026-04-21"
    )


def test_health_lists_each_account_with_its_reason(metrics: PortfolioMetrics) -> None:
    off = health_accounts(metrics, Health.OFF_TRACK)
    assert [(a.name, a.note) for a in off.accounts] == [
        ("Cedar Inc", "first value “First workflow live” 30 days late")
    ]
    risk = health_accounts(metrics, Health.AT_RISK)
    assert [(a.name, a.note) for a in risk.accounts] == [
        ("Birch Ltd", "1 overdue: Dashboard in use")
    ]
    assert health_accounts(metrics, Health.ON_TRACK).groups[0].names == ["Alder Co", "Dogwood"]


def test_kpi_drilldowns_add_up_to_the_tiles(metrics: PortfolioMetrics) -> None:
    assert groups(first_value_accounts(metrics)) == {
        "On time (2)": ["Alder Co", "Dogwood"],
        "Late or past due (2)": ["Birch Ltd", "Cedar Inc"],
    }
    assert groups(ttfv_accounts(metrics)) == {
        "First value reached (3)": ["Dogwood", "Alder Co", "Birch Ltd"],
        "Not reached yet (1)": ["Cedar Inc"],
    }
    assert groups(on_time_accounts(metrics)) == {
        "All on time (1)": ["Dogwood"],
        "Some late (3)": ["Alder Co", "Birch Ltd", "Cedar Inc"],
    }
    assert [a.note for a in on_time_accounts(metrics).accounts] == [
        "2 of 2 achieved on time",
        "2 of 3 achieved on time",
        "0 of 2 achieved on time",
        "0 of 1 achieved on time",
    ]


def test_phase_bar_lists_accounts_by_their_phase_milestones(metrics: PortfolioMetrics) -> None:
    early = phase_accounts(metrics, Phase.EARLY)
    assert groups(early) == {
        "All achieved (3)": ["Alder Co", "Birch Ltd", "Dogwood"],
        "Some still open (1)": ["Cedar Inc"],
    }
    assert early.group("Some").accounts[0].note == "1 of 2 achieved"
    assert groups(phase_accounts(metrics, Phase.MID)) == {
        "All achieved (1)": ["Alder Co"],
        "Some still open (3)": ["Birch Ltd", "Cedar Inc", "Dogwood"],
    }
