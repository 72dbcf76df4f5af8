"""Small hand-built ladders for the metric tests: K is Monday 2026-01-05, days count from it."""

from __future__ import annotations

import datetime as dt

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.metrics import AccountFacts, UsageFacts
from csm_desktop.domain.vocabulary import Status

K = dt.date(2026, 1, 5)


def day(n: int, kickoff: dt.date = K) -> dt.date:
    """The date of day ``n`` after ``kickoff``."""
    return kickoff + dt.timedelta(days=n)


def milestone(
    title: str,
    target_day: int,
    status: Status = Status.NOT_STARTED,
    *,
    achieved_day: int | None = None,
    due_day: int | None = None,
    role: str = "Administrator",
    first_value: bool = False,
    unlocks: str | None = None,
    success_feature: str | None = None,
    kickoff: dt.date = K,
) -> Milestone:
    """A milestone due on ``due_day`` (default: its target day), achieved on ``achieved_day``."""
    if achieved_day is not None and status is Status.NOT_STARTED:
        status = Status.ACHIEVED
    return Milestone(
        title=title,
        role=role,
        target_day=target_day,
        due_on=day(target_day if due_day is None else due_day, kickoff),
        status=status,
        achieved_on=None if achieved_day is None else day(achieved_day, kickoff),
        first_value=first_value,
        unlocks=unlocks,
        success_feature=success_feature,
    )


def account(
    name: str,
    *milestones: Milestone,
    kickoff: dt.date = K,
    usage: list[tuple[int, str, int]] | None = None,
    today: dt.date | None = None,
    playbook: str | None = "Standard",
    variant: str | None = None,
) -> AccountFacts:
    """An account whose usage is given as (day after K, feature, count) rows."""
    facts = UsageFacts()
    if usage is not None:
        assert today is not None, "usage facts are as of a day"
        rows = [(kickoff + dt.timedelta(days=n), feature, count) for n, feature, count in usage]
        facts = UsageFacts.from_counts(rows, today)
    return AccountFacts(
        name=name,
        kickoff=kickoff,
        milestones=tuple(milestones),
        playbook=playbook,
        variant=variant,
        usage=facts,
    )
