"""Metrics of one account (DESIGN §3): on-time rate, TTFV, adoption, repeat usage, health.

Each function reads an ``AccountFacts`` and the reporting date; none reads the clock, so a
report for a past date gives the numbers that were true on that date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from csm_desktop.domain.ladder import (
    Milestone,
    completion,
    current_phase,
    day_of,
    first_value_milestone,
    next_open,
    overdue,
)
from csm_desktop.domain.metrics.facts import AccountFacts
from csm_desktop.domain.vocabulary import Health, Phase, Status

ADOPTION_WINDOW_DAYS = 30
HEALTH_QUIET_DAYS = 14
OFF_TRACK_GRACE_DAYS = 14
REPEAT_WEEKS = 4
REPEAT_MIN_WEEKS = 3
CHECKPOINTS: tuple[int, ...] = (30, 60, 90)

# The statuses the rules compare with, read once: reading a member off its enum class costs
# ~0.13 µs, and a 5,000-account book's metrics asked it about a million times (issue 17).
_ACHIEVED = Status.ACHIEVED
_SKIPPED = Status.SKIPPED


def on_time_counts(milestones: Iterable[Milestone]) -> tuple[int, int]:
    """(achieved on or before the due date, achieved); an achieved one without a date is late."""
    on_time = achieved = 0
    for milestone in milestones:
        if milestone.status is _ACHIEVED:
            achieved += 1
            if milestone.achieved_on is not None and milestone.achieved_on <= milestone.due_on:
                on_time += 1
    return on_time, achieved


def on_time_rate(milestones: Iterable[Milestone]) -> float | None:
    """Achieved by the (possibly overridden) due date ÷ achieved; None when none achieved."""
    on_time, achieved = on_time_counts(milestones)
    return on_time / achieved if achieved else None


def completion_by_role(milestones: Sequence[Milestone]) -> dict[str, float | None]:
    """Ladder completion per role, roles in the order the ladder first names them."""
    by_role: dict[str, list[Milestone]] = {}
    for milestone in milestones:  # one pass, not one per role
        by_role.setdefault(milestone.role, []).append(milestone)
    return {role: completion(ladder) for role, ladder in by_role.items()}


def time_to_first_value(account: AccountFacts) -> int | None:
    """Day of the first-value milestone's achieved date; None while censored (not achieved)."""
    milestone = first_value_milestone(account.milestones)
    if milestone is None or milestone.status is not _ACHIEVED:
        return None
    if milestone.achieved_on is None:
        return None
    return day_of(milestone.achieved_on, account.kickoff)


def first_value_within_target(account: AccountFacts, today: dt.date) -> bool | None:
    """Whether first value came on a day ≤ its target day.

    None while it cannot be judged yet: not achieved and not past its due date, or skipped,
    or the ladder is empty. Past due and not achieved counts as not within target.
    """
    milestone = first_value_milestone(account.milestones)
    if milestone is None:
        return None
    if milestone.status is _ACHIEVED:
        ttfv = time_to_first_value(account)
        return ttfv is not None and ttfv <= milestone.target_day
    if milestone.status is _SKIPPED or milestone.due_on >= today:
        return None
    return False


@dataclass(frozen=True, slots=True)
class Adoption:
    """One unlock and whether the customer used what it unlocked within 30 days."""

    milestone: str
    role: str
    feature: str
    unlocked_on: dt.date
    adopted: bool | None
    """None while pending: U+30 is after today."""


def adoption_after_unlock(account: AccountFacts, today: dt.date) -> tuple[Adoption, ...]:
    """Every achieved unlock of the ladder; adopted if F had a count > 0 on U+1 … U+30."""
    outcomes = []
    window = _ADOPTION_WINDOW
    for milestone in account.milestones:
        unlocked_on = milestone.achieved_on
        feature = milestone.unlocks
        if not feature or milestone.status is not _ACHIEVED or unlocked_on is None:
            continue
        adopted: bool | None = None
        closes_on = unlocked_on + window
        if closes_on <= today:  # the whole window U+1 … U+30 is in the past
            days = account.usage.feature_days.get(feature, ())
            adopted = any(unlocked_on < day <= closes_on for day in days)
        outcomes.append(Adoption(milestone.title, milestone.role, feature, unlocked_on, adopted))
    return tuple(outcomes)


_ADOPTION_WINDOW = dt.timedelta(days=ADOPTION_WINDOW_DAYS)


def last_complete_iso_weeks(
    today: dt.date, count: int = REPEAT_WEEKS
) -> tuple[tuple[dt.date, dt.date], ...]:
    """(Monday, Sunday) of the last ``count`` ISO weeks that ended before today, oldest first.

    The week holding today is never complete, even on a Sunday: today's data may be partial.
    """
    last_sunday = today - dt.timedelta(days=today.isoweekday())
    return tuple(
        (
            last_sunday - dt.timedelta(days=7 * weeks_back + 6),
            last_sunday - dt.timedelta(days=7 * weeks_back),
        )
        for weeks_back in reversed(range(count))
    )


def repeat_usage(account: AccountFacts, today: dt.date) -> dict[str, int]:
    """Per key workflow, the distinct ISO weeks with use among the last 4 complete ones."""
    mondays = _recent_mondays(today)
    weeks = account.usage.feature_weeks
    return {
        feature: len(mondays.intersection(weeks.get(feature, ())))
        for feature in account.key_workflows
    }


@functools.lru_cache(maxsize=8)
def _recent_mondays(today: dt.date) -> frozenset[dt.date]:
    """The Mondays of ``last_complete_iso_weeks``, worked out once per day, not per account."""
    return frozenset(monday for monday, _sunday in last_complete_iso_weeks(today))


def is_repeat_workflow(weeks_used: int) -> bool:
    return weeks_used >= REPEAT_MIN_WEEKS


def recently_active(account: AccountFacts, today: dt.date) -> bool:
    """A count > 0 of any feature on one of the days today−13 … today (both included)."""
    since = today - dt.timedelta(days=HEALTH_QUIET_DAYS - 1)
    return any(since <= day <= today for day in account.usage.active_days)


def health(account: AccountFacts, today: dt.date) -> Health:
    """Off track, at risk or on track, exactly as DESIGN §3 words it.

    Off track: the first-value milestone is still open and today is more than 14 days past
    its due date (a skipped one is not open). At risk: anything overdue, or usage data but
    no use at all in the last 14 days.
    """
    first_value = first_value_milestone(account.milestones)
    if (
        first_value is not None
        and first_value.status.is_open
        and (today - first_value.due_on).days > OFF_TRACK_GRACE_DAYS
    ):
        return Health.OFF_TRACK
    if any(m.is_overdue(today) for m in account.milestones):
        return Health.AT_RISK
    if account.usage.has_data and not recently_active(account, today):
        return Health.AT_RISK
    return Health.ON_TRACK


def checkpoint_met(account: AccountFacts, today: dt.date, checkpoint: int) -> bool | None:
    """Whether every milestone with target day ≤ checkpoint was achieved by K + checkpoint.

    Skipped ones count as done. None when the account is younger than the checkpoint.
    """
    if account.age(today) < checkpoint:
        return None
    deadline = account.kickoff + dt.timedelta(days=checkpoint)
    return all(
        m.status is _SKIPPED
        or (m.status is _ACHIEVED and m.achieved_on is not None and m.achieved_on <= deadline)
        for m in account.milestones
        if m.target_day <= checkpoint
    )


def completion_at_day(account: AccountFacts, today: dt.date, day: int) -> float | None:
    """Ladder completion as it stood on day ``day``; None if younger or nothing counts."""
    if account.age(today) < day:
        return None
    counted = [m for m in account.milestones if m.status is not _SKIPPED]
    if not counted:
        return None
    deadline = account.kickoff + dt.timedelta(days=day)
    done = sum(
        m.status is _ACHIEVED and m.achieved_on is not None and m.achieved_on <= deadline
        for m in counted
    )
    return done / len(counted)


@dataclass(frozen=True, slots=True)
class AccountMetrics:
    """Every §3 figure for one account, as the account view, Book and reports show it."""

    account: AccountFacts
    age_days: int
    phase: Phase
    completion: float | None
    completion_by_role: Mapping[str, float | None]
    on_time_rate: float | None
    overdue: tuple[Milestone, ...]
    next_milestone: Milestone | None
    ttfv_days: int | None
    first_value_within_target: bool | None
    health: Health
    adoptions: tuple[Adoption, ...]
    repeat_usage: Mapping[str, int]
    checkpoints: Mapping[int, bool | None]

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


def account_metrics(account: AccountFacts, today: dt.date) -> AccountMetrics:
    """All of one account's metrics on ``today``."""
    milestones = account.milestones
    age = account.age(today)
    return AccountMetrics(
        account=account,
        age_days=age,
        phase=current_phase(age),
        completion=completion(milestones),
        completion_by_role=completion_by_role(milestones),
        on_time_rate=on_time_rate(milestones),
        overdue=tuple(overdue(milestones, today)),
        next_milestone=next_open(milestones),
        ttfv_days=time_to_first_value(account),
        first_value_within_target=first_value_within_target(account, today),
        health=health(account, today),
        adoptions=adoption_after_unlock(account, today),
        repeat_usage=repeat_usage(account, today),
        checkpoints={c: checkpoint_met(account, today, c) for c in CHECKPOINTS},
    )
