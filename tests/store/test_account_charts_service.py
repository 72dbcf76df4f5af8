"""The series behind one account's charts, on an account worked out by hand.

K is Monday 2026-03-02, today Wednesday 2026-04-15 (day 44). Ladder: Users provisioned
(day 10, proved by user_invited) achieved on day 7; First workflow live (day 20, unlocks
Automation, proved by workflow_run) achieved on day 23; Dashboard in use (day 30, unlocks
dashboard_view, due date moved to day 39) in progress; Alerts tuned (day 50) skipped.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import UnknownAccount
from csm_desktop.services.account_charts import (
    PlannedMilestone,
    UnlockMark,
    account_charts,
)
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    Measurement,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    UsageEvent,
    ValueMetric,
)

K = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 4, 15)


def day(n: int) -> dt.date:
    return K + dt.timedelta(days=n)


def build_account(database: Database) -> int:
    with database.session() as session:
        roles = {role.name: role for role in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(key="users", title="Users provisioned", role=roles["Administrator"],
                              target_day=10, success_feature="user_invited"),
            MilestoneTemplate(key="workflow", title="First workflow live",
                              role=roles["Power user"], target_day=20, first_value=True,
                              unlocks="Automation", success_feature="workflow_run"),
            MilestoneTemplate(key="dashboard", title="Dashboard in use", role=roles["Operator"],
                              target_day=30, unlocks="dashboard_view"),
            MilestoneTemplate(key="alerts", title="Alerts tuned", role=roles["Operator"],
                              target_day=50),
        ]  # fmt: skip
        playbook = Playbook(name="Standard")
        playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates)]
        account = Account(name="Alder Co", kickoff_on=K, signed_on=K - dt.timedelta(days=9))
        session.add_all([playbook, account])
        session.flush()
        users, workflow, dashboard, alerts = apply_playbook(session, account, playbook)
        change_status(session, users, Status.ACHIEVED, on=day(7))
        change_status(session, workflow, Status.ACHIEVED, on=day(23))
        change_status(session, dashboard, Status.IN_PROGRESS, on=day(25))
        dashboard.due_on = day(39)
        change_status(session, alerts, Status.SKIPPED, on=day(30), reason="Not needed")
        usage = [
            (dt.date(2026, 2, 27), "workflow_run", 5),  # before K's week: not shown
            (dt.date(2026, 3, 3), "user_invited", 2),
            (dt.date(2026, 3, 8), "user_invited", 3),  # Sunday: still K's week
            (dt.date(2026, 3, 9), "user_invited", 1),
            (dt.date(2026, 3, 24), "workflow_run", 4),
            (dt.date(2026, 3, 26), "workflow_run", 6),
            (dt.date(2026, 3, 30), "dashboard_view", 0),  # a zero is no use
            (dt.date(2026, 4, 1), "login", 7),  # not a key feature
            (TODAY, "workflow_run", 2),
            (dt.date(2026, 4, 16), "workflow_run", 9),  # after today: not known yet
        ]
        session.add_all(
            UsageEvent(account_id=account.id, day=d, feature=f, count=c) for d, f, c in usage
        )
        hours = ValueMetric(name="Hours on weekly reporting", unit="hours", direction="lower",
                            baseline=20.0, baseline_on=K, target=14.0)  # fmt: skip
        hours.measurements = [
            Measurement(measured_on=dt.date(2026, 3, 30), value=18.0),
            Measurement(measured_on=dt.date(2026, 4, 13), value=15.0),
            Measurement(measured_on=dt.date(2026, 4, 20), value=12.0),  # after today
        ]
        nps = ValueMetric(name="NPS", unit="points", direction="higher")
        nps.measurements = [Measurement(measured_on=dt.date(2026, 4, 1), value=30.0)]
        account.value_metrics = [hours, nps]
        session.flush()
        return account.id


@pytest.fixture
def account_id(book: Database) -> int:
    return build_account(book)


def test_burn_up_steps_follow_due_and_achieved_days(book: Database, account_id: int) -> None:
    charts = account_charts(book, account_id, TODAY)
    assert charts.name == "Alder Co"
    burnup = charts.burnup
    assert burnup is not None
    assert (burnup.kickoff, burnup.today_day, burnup.total) == (K, 44, 3)  # skipped left out
    assert burnup.planned == ((0, 0), (10, 1), (20, 2), (39, 3))  # moved due date counts
    assert burnup.achieved == ((0, 0), (7, 1), (23, 2))
    assert burnup.milestones == (
        PlannedMilestone("Users provisioned", "Administrator", 10, Status.ACHIEVED, 7),
        PlannedMilestone("First workflow live", "Power user", 20, Status.ACHIEVED, 23),
        PlannedMilestone("Dashboard in use", "Operator", 39, Status.IN_PROGRESS, None),
        PlannedMilestone("Alerts tuned", "Operator", 50, Status.SKIPPED, None),
    )


def test_burn_up_does_not_know_what_is_achieved_after_today(
    book: Database, account_id: int
) -> None:
    burnup = account_charts(book, account_id, day(20)).burnup
    assert burnup is not None
    assert burnup.achieved == ((0, 0), (7, 1))
    assert burnup.today_day == 20


def test_weekly_usage_of_key_features_with_their_milestones(
    book: Database, account_id: int
) -> None:
    charts = account_charts(book, account_id, TODAY)
    assert [u.feature for u in charts.usage] == ["user_invited", "workflow_run"]
    users, workflow = charts.usage
    mondays = tuple(K + dt.timedelta(days=7 * i) for i in range(7))  # 2 Mar … 13 Apr
    assert users.weeks == mondays
    assert users.week_days == (0, 7, 14, 21, 28, 35, 42)
    assert users.counts == (5, 1, 0, 0, 0, 0, 0)
    assert workflow.counts == (0, 0, 0, 10, 0, 0, 2)
    assert users.marks == (UnlockMark("Users provisioned", day(7), 7),)
    assert workflow.marks == (UnlockMark("First workflow live", day(23), 23),)
    assert charts.features_without_usage == ("Automation", "dashboard_view")


def test_value_metrics_before_and_now(book: Database, account_id: int) -> None:
    hours, nps = account_charts(book, account_id, TODAY).values
    assert (hours.metric, hours.unit, hours.direction) == (
        "Hours on weekly reporting",
        "hours",
        Direction.LOWER,
    )
    assert (hours.baseline, hours.baseline_on, hours.target) == (20.0, K, 14.0)
    assert hours.measurements == ((dt.date(2026, 3, 30), 18.0), (dt.date(2026, 4, 13), 15.0))
    assert hours.latest == 15.0
    assert hours.change_percent == 25.0  # 5 hours fewer of 20: 25 % better
    assert (nps.baseline, nps.latest, nps.change_percent) == (None, 30.0, None)


def test_account_without_kickoff_has_no_burn_up(book: Database) -> None:
    with book.session() as session:
        account = Account(name="Birch Ltd")
        session.add(account)
        session.flush()
        account_id = account.id
    charts = account_charts(book, account_id, TODAY)
    assert charts.burnup is None
    assert charts.usage == ()
    assert charts.values == ()


def test_unknown_account_is_a_user_error(book: Database) -> None:
    with pytest.raises(UnknownAccount) as refused:
        account_charts(book, 999, TODAY)
    assert str(refused.value) == "Account #999 no longer exists; refresh the Book."
