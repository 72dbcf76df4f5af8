"""The pure ladder rules: completion, overdue, next milestone, phases, due dates."""

from __future__ import annotations

import datetime as dt

from csm_desktop.domain.ladder import (
    Milestone,
    completion,
    due_date,
    due_on,
    first_value_milestone,
    is_overdue,
    next_open,
    overdue,
    reference_date,
)
from csm_desktop.domain.vocabulary import Phase, Status, phase_of_day

K = dt.date(2026, 1, 1)


def step(title: str, role: str, day: int, status: Status, **extra: object) -> Milestone:
    return Milestone(title, role, day, due_date(K, day), status, **extra)  # type: ignore[arg-type]


LADDER = [
    step("SSO", "Administrator", 7, Status.ACHIEVED, achieved_on=dt.date(2026, 1, 6)),
    step("Workflow", "Power user", 14, Status.IN_PROGRESS, first_value=True),
    step("Audit", "Administrator", 60, Status.SKIPPED),
    step("Dashboard", "Operator", 30, Status.BLOCKED),
    step("Report", "Operator", 80, Status.NOT_STARTED),
]


def test_completion_leaves_skipped_milestones_out() -> None:
    assert completion(LADDER) == 1 / 4
    assert completion(LADDER, "Administrator") == 1.0
    assert completion(LADDER, "Operator") == 0.0
    assert completion(LADDER, "Executive sponsor") is None


def test_overdue_is_open_and_due_before_today() -> None:
    # Workflow is due Jan 15: on Jan 15 it is not yet overdue, on Jan 16 it is.
    assert [m.title for m in overdue(LADDER, dt.date(2026, 1, 15))] == []
    assert [m.title for m in overdue(LADDER, dt.date(2026, 1, 16))] == ["Workflow"]
    # Skipped (due Mar 2) and achieved never count.
    assert [m.title for m in overdue(LADDER, dt.date(2026, 6, 1))] == [
        "Workflow",
        "Dashboard",
        "Report",
    ]


def test_next_open_is_the_open_milestone_due_soonest() -> None:
    assert next_open(LADDER) == LADDER[1]
    assert next_open([LADDER[0], LADDER[2]]) is None


def test_first_value_falls_back_to_the_first_milestone() -> None:
    assert first_value_milestone(LADDER) == LADDER[1]
    assert first_value_milestone([LADDER[0], LADDER[2]]) == LADDER[0]
    assert first_value_milestone([]) is None


def test_phase_bounds_are_inclusive() -> None:
    assert [phase_of_day(d) for d in (0, 30, 31, 60, 61, 90, 91)] == [
        Phase.EARLY,
        Phase.EARLY,
        Phase.MID,
        Phase.MID,
        Phase.LATE,
        Phase.LATE,
        Phase.BEYOND,
    ]


def test_reference_date_prefers_kickoff_over_signed_on() -> None:
    assert reference_date(dt.date(2026, 2, 1), dt.date(2026, 1, 20)) == dt.date(2026, 2, 1)
    assert reference_date(None, dt.date(2026, 1, 20)) == dt.date(2026, 1, 20)
    assert reference_date(None, None) is None


def test_as_of_a_past_day_an_achievement_made_later_has_not_happened() -> None:
    from csm_desktop.domain.ladder import as_of

    done = step("SSO", "Administrator", 7, Status.ACHIEVED, achieved_on=dt.date(2026, 1, 6),
                criterion_met_on=dt.date(2026, 1, 5))  # fmt: skip
    assert as_of(done, dt.date(2026, 1, 6)) is done  # achieved on that very day counts
    before = as_of(done, dt.date(2026, 1, 5))
    assert (before.status, before.achieved_on, before.criterion_met_on) == (
        Status.IN_PROGRESS, None, dt.date(2026, 1, 5),
    )  # fmt: skip
    earlier = as_of(done, dt.date(2026, 1, 4))
    assert (earlier.status, earlier.criterion_met_on) == (Status.IN_PROGRESS, None)


def test_due_on_prefers_the_stored_date_then_k_plus_target_day() -> None:
    assert due_on(dt.date(2026, 2, 1), K, 7) == dt.date(2026, 2, 1)
    assert due_on(None, K, 7) == dt.date(2026, 1, 8)
    assert due_on(None, None, 7) is None


def test_overdue_means_open_and_due_before_today_never_without_a_date() -> None:
    today = dt.date(2026, 1, 8)
    assert is_overdue(Status.IN_PROGRESS, dt.date(2026, 1, 7), today)
    assert not is_overdue(Status.IN_PROGRESS, today, today)  # due today is not late yet
    assert not is_overdue(Status.ACHIEVED, dt.date(2026, 1, 7), today)
    assert not is_overdue(Status.SKIPPED, dt.date(2026, 1, 7), today)
    assert not is_overdue(Status.BLOCKED, None, today)
