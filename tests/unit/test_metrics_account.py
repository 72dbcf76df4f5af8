"""One account's metrics (DESIGN §3) on hand-built ladders, with the boundaries pinned."""

from __future__ import annotations

import datetime as dt

from metrics_books import K, account, day, milestone

from csm_desktop.domain.metrics import (
    Adoption,
    account_metrics,
    adoption_after_unlock,
    checkpoint_met,
    completion_at_day,
    completion_by_role,
    first_value_within_target,
    health,
    last_complete_iso_weeks,
    on_time_rate,
    repeat_usage,
    time_to_first_value,
)
from csm_desktop.domain.vocabulary import Health, Phase, Status


def test_on_time_rate_counts_achieving_on_the_due_date_as_on_time() -> None:
    ladder = [
        milestone("On the day", 10, achieved_day=10),
        milestone("Late", 10, achieved_day=11),
        milestone("Early", 20, achieved_day=3),
        milestone("Open", 5),
    ]
    assert on_time_rate(ladder) == 2 / 3


def test_on_time_rate_uses_an_overridden_due_date() -> None:
    # Target day 10 but the CSM moved the due date to day 15: day 12 is on time.
    assert on_time_rate([milestone("Moved", 10, achieved_day=12, due_day=15)]) == 1.0


def test_on_time_rate_is_none_without_achieved_milestones() -> None:
    assert on_time_rate([milestone("Open", 5), milestone("Skipped", 5, Status.SKIPPED)]) is None


def test_completion_by_role_leaves_skipped_milestones_out() -> None:
    ladder = [
        milestone("A1", 5, achieved_day=5),
        milestone("A2", 9, Status.SKIPPED),
        milestone("A3", 9),
        milestone("P1", 5, Status.SKIPPED, role="Power user"),
    ]
    assert completion_by_role(ladder) == {"Administrator": 0.5, "Power user": None}


def test_ttfv_is_the_day_the_flagged_first_value_milestone_was_achieved() -> None:
    facts = account(
        "A",
        milestone("Setup", 3, achieved_day=2),
        milestone("First report", 10, achieved_day=12, first_value=True),
    )
    assert time_to_first_value(facts) == 12


def test_ttfv_falls_back_to_the_first_milestone_when_none_is_flagged() -> None:
    facts = account("A", milestone("Setup", 3, achieved_day=4), milestone("Later", 9))
    assert time_to_first_value(facts) == 4


def test_ttfv_is_censored_while_first_value_is_not_achieved() -> None:
    facts = account("A", milestone("Setup", 3, Status.IN_PROGRESS))
    assert time_to_first_value(facts) is None


def test_first_value_on_its_target_day_is_within_target() -> None:
    assert first_value_within_target(account("A", milestone("FV", 10, achieved_day=10)), day(40))
    late = account("A", milestone("FV", 10, achieved_day=11))
    assert first_value_within_target(late, day(40)) is False


def test_first_value_within_target_reads_the_target_day_not_a_moved_due_date() -> None:
    moved = account("A", milestone("FV", 10, achieved_day=15, due_day=20))
    assert first_value_within_target(moved, day(40)) is False


def test_open_first_value_is_judged_only_once_past_its_due_date() -> None:
    facts = account("A", milestone("FV", 10, Status.IN_PROGRESS, due_day=20))
    assert first_value_within_target(facts, day(20)) is None  # due today: not past it
    assert first_value_within_target(facts, day(21)) is False


def test_skipped_first_value_is_not_judged() -> None:
    facts = account("A", milestone("FV", 10, Status.SKIPPED))
    assert first_value_within_target(facts, day(90)) is None


def test_adoption_window_includes_day_30() -> None:
    today = day(50)
    ladder = milestone("Automations", 10, achieved_day=10, unlocks="automations")
    used_on_u30 = account("A", ladder, usage=[(40, "automations", 1)], today=today)
    used_on_u31 = account("B", ladder, usage=[(41, "automations", 5)], today=today)
    used_on_u = account("C", ladder, usage=[(10, "automations", 5)], today=today)
    assert adoption_after_unlock(used_on_u30, today) == (
        Adoption("Automations", "Administrator", "automations", day(10), True),
    )
    assert adoption_after_unlock(used_on_u31, today)[0].adopted is False
    assert adoption_after_unlock(used_on_u, today)[0].adopted is False


def test_adoption_ignores_zero_counts_and_other_features() -> None:
    today = day(50)
    facts = account(
        "A",
        milestone("Automations", 10, achieved_day=10, unlocks="automations"),
        usage=[(11, "automations", 0), (12, "reports", 3)],
        today=today,
    )
    assert adoption_after_unlock(facts, today)[0].adopted is False


def test_adoption_is_pending_until_u_plus_30_has_passed() -> None:
    ladder = milestone("Automations", 10, achieved_day=10, unlocks="automations")
    facts = account("A", ladder, usage=[(11, "automations", 1)], today=day(39))
    assert adoption_after_unlock(facts, day(39))[0].adopted is None  # U+30 = day 40 > today
    facts = account("A", ladder, usage=[(11, "automations", 1)], today=day(40))
    assert adoption_after_unlock(facts, day(40))[0].adopted is True  # U+30 = today counts


def test_unlocks_not_yet_achieved_are_not_adoptions() -> None:
    facts = account("A", milestone("Automations", 10, Status.IN_PROGRESS, unlocks="automations"))
    assert adoption_after_unlock(facts, day(90)) == ()


def test_last_complete_iso_weeks_end_on_the_sunday_before_today() -> None:
    monday = dt.date(2026, 3, 2)
    assert last_complete_iso_weeks(monday) == (
        (dt.date(2026, 2, 2), dt.date(2026, 2, 8)),
        (dt.date(2026, 2, 9), dt.date(2026, 2, 15)),
        (dt.date(2026, 2, 16), dt.date(2026, 2, 22)),
        (dt.date(2026, 2, 23), dt.date(2026, 3, 1)),
    )
    # On a Sunday the week holding today is not complete yet.
    assert last_complete_iso_weeks(dt.date(2026, 3, 1))[-1] == (
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 22),
    )


def test_repeat_usage_counts_distinct_weeks_among_the_last_four_complete_ones() -> None:
    today = day(35)  # Monday 2026-02-09; last complete weeks start on days 7, 14, 21, 28
    facts = account(
        "A",
        milestone("Reports", 5, achieved_day=5, unlocks="reports"),
        milestone("Alerts", 5, success_feature="alerts"),
        usage=[
            (6, "reports", 9),  # Sunday before the window
            (7, "reports", 1),  # first day of the window (Monday)
            (8, "reports", 1),  # same week again
            (27, "reports", 2),  # Sunday of the third week
            (34, "reports", 2),  # last day of the window (Sunday)
            (35, "reports", 2),  # today: its week is not complete
            (20, "alerts", 0),
            (21, "alerts", 4),
        ],
        today=today,
    )
    assert repeat_usage(facts, today) == {"reports": 3, "alerts": 1}


def test_first_value_more_than_14_days_past_due_is_off_track() -> None:
    facts = account("A", milestone("FV", 10, Status.IN_PROGRESS, first_value=True))
    assert health(facts, day(24)) is Health.AT_RISK  # 14 days past due: overdue only
    assert health(facts, day(25)) is Health.OFF_TRACK


def test_off_track_reads_an_overridden_due_date() -> None:
    facts = account("A", milestone("FV", 10, Status.IN_PROGRESS, due_day=30))
    assert health(facts, day(30)) is Health.ON_TRACK
    assert health(facts, day(45)) is Health.OFF_TRACK


def test_skipped_first_value_never_puts_an_account_off_track() -> None:
    facts = account("A", milestone("FV", 10, Status.SKIPPED), milestone("Next", 200))
    assert health(facts, day(90)) is Health.ON_TRACK


def test_usage_in_the_last_14_days_keeps_an_account_on_track() -> None:
    ladder = milestone("Later", 100)
    today = day(60)
    used_13_days_ago = account("A", ladder, usage=[(47, "reports", 1)], today=today)
    used_14_days_ago = account("B", ladder, usage=[(46, "reports", 1), (50, "x", 0)], today=today)
    no_usage_data = account("C", ladder)
    assert health(used_13_days_ago, today) is Health.ON_TRACK
    assert health(used_14_days_ago, today) is Health.AT_RISK
    assert health(no_usage_data, today) is Health.ON_TRACK


def test_usage_after_today_is_not_known_yet() -> None:
    facts = account("A", milestone("Later", 100), usage=[(61, "reports", 5)], today=day(60))
    assert health(facts, day(60)) is Health.ON_TRACK  # no usage data as of today


def test_checkpoint_is_not_judged_for_accounts_younger_than_it() -> None:
    facts = account("A", milestone("Early", 10, achieved_day=10))
    assert checkpoint_met(facts, day(29), 30) is None
    assert checkpoint_met(facts, day(30), 30) is True


def test_checkpoint_needs_each_milestone_due_by_then_achieved_by_k_plus_checkpoint() -> None:
    on_day_30 = account("A", milestone("M", 30, achieved_day=30), milestone("Later", 31))
    on_day_31 = account("B", milestone("M", 30, achieved_day=31))
    skipped = account("C", milestone("M", 20, Status.SKIPPED), milestone("N", 25, achieved_day=2))
    assert checkpoint_met(on_day_30, day(90), 30) is True
    assert checkpoint_met(on_day_31, day(90), 30) is False
    assert checkpoint_met(skipped, day(90), 30) is True


def test_completion_at_day_counts_only_what_was_achieved_by_then() -> None:
    facts = account(
        "A",
        milestone("M1", 5, achieved_day=30),
        milestone("M2", 10, achieved_day=31),
        milestone("M3", 10, Status.SKIPPED),
        milestone("M4", 60),
    )
    assert completion_at_day(facts, day(29), 30) is None
    assert completion_at_day(facts, day(90), 30) == 1 / 3


def test_account_metrics_gathers_every_figure() -> None:
    today = day(45)
    facts = account(
        "A",
        milestone("Setup", 5, achieved_day=4),
        milestone("FV", 14, achieved_day=20, first_value=True, unlocks="reports"),
        milestone("Ops", 30, role="Operator"),
        milestone("Later", 60, role="Operator"),
        usage=[(40, "reports", 2)],
        today=today,
    )
    metrics = account_metrics(facts, today)
    assert metrics.age_days == 45
    assert metrics.phase is Phase.MID
    assert metrics.completion == 0.5
    assert metrics.completion_by_role == {"Administrator": 1.0, "Operator": 0.0}
    assert metrics.on_time_rate == 0.5
    assert [m.title for m in metrics.overdue] == ["Ops"]
    assert metrics.next_milestone is not None and metrics.next_milestone.title == "Ops"
    assert metrics.ttfv_days == 20
    assert metrics.first_value_within_target is False
    assert metrics.health is Health.AT_RISK
    assert metrics.adoptions[0].adopted is None  # U+30 = day 50 is after today
    assert metrics.checkpoints == {30: False, 60: None, 90: None}
    assert facts.kickoff == K
