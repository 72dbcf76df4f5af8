"""The data series behind one account's charts: ladder burn-up, weekly usage, value before/after.

The account view draws them; this module reads them in three short queries (ladder, usage,
value metrics) and returns frozen plain dataclasses, safe to hand from a worker thread to
the UI. Days are counted from K (kickoff, else signed-on date) as everywhere in DESIGN §3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import due_on, reference_date
from csm_desktop.domain.metrics import latest_measurement, value_change, week_of
from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import UnknownAccount
from csm_desktop.store.database import Database
from csm_desktop.store.queries.milestones import chart_ladder
from csm_desktop.store.queries.usage_rows import usage_rows
from csm_desktop.store.queries.values import value_histories


@dataclass(frozen=True, slots=True)
class PlannedMilestone:
    """One milestone on the burn-up: when it is due and when it was achieved (days from K)."""

    title: str
    role: str
    due_day: int
    status: Status
    achieved_day: int | None


@dataclass(frozen=True, slots=True)
class BurnUp:
    """Milestones due (the plan) and achieved, cumulated, as steps over days since K.

    Each series is ``(day, count)`` points where the count changes, starting at ``(0, 0)``
    unless something is due or achieved on day 0 or earlier. Skipped milestones are left out
    of both, as ladder completion leaves them out.
    """

    kickoff: dt.date
    today_day: int
    total: int
    planned: tuple[tuple[int, int], ...]
    achieved: tuple[tuple[int, int], ...]
    milestones: tuple[PlannedMilestone, ...]


@dataclass(frozen=True, slots=True)
class UnlockMark:
    """A milestone achieved on ``day`` (from K) that unlocked or measures a feature."""

    milestone: str
    on: dt.date
    day: int


@dataclass(frozen=True, slots=True)
class FeatureUsage:
    """Weekly use of one key feature: counts per ISO week (Monday) from K's week to today's."""

    feature: str
    weeks: tuple[dt.date, ...]
    week_days: tuple[int, ...]
    """Each week's Monday as a day from K (the first is 0 or negative)."""
    counts: tuple[int, ...]
    marks: tuple[UnlockMark, ...]


@dataclass(frozen=True, slots=True)
class ValueSeries:
    """A customer outcome: baseline, measurements up to today, target and change (+ = better)."""

    metric: str
    unit: str
    direction: Direction
    baseline: float | None
    baseline_on: dt.date | None
    target: float | None
    measurements: tuple[tuple[dt.date, float], ...]
    latest: float | None
    change_percent: float | None


@dataclass(frozen=True, slots=True)
class AccountCharts:
    account_id: int
    name: str
    today: dt.date
    burnup: BurnUp | None
    """None when the account has no K yet (no kickoff, no signed-on date)."""
    usage: tuple[FeatureUsage, ...]
    """Key features (named by the ladder) that have use on record, in ladder order."""
    features_without_usage: tuple[str, ...]
    """Key features the ladder names but the usage data never mentions."""
    values: tuple[ValueSeries, ...]


@dataclass(frozen=True, slots=True)
class _LadderRow:
    title: str
    role: str
    target_day: int
    due_on: dt.date | None
    status: Status
    achieved_on: dt.date | None
    unlocks: str | None
    success_feature: str | None


def _steps(days: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """Cumulative (day, count) points where the count changes, from (0, 0)."""
    points: dict[int, int] = {}
    for count, day in enumerate(sorted(days), start=1):
        points[day] = count
    steps = sorted(points.items())
    if not steps or steps[0][0] > 0:
        steps.insert(0, (0, 0))
    return tuple(steps)


def burn_up(ladder: Sequence[_LadderRow], kickoff: dt.date, today: dt.date) -> BurnUp:
    milestones = []
    for row in ladder:
        due = due_on(row.due_on, kickoff, row.target_day)
        assert due is not None  # K is known here
        achieved_day = None
        if row.status is Status.ACHIEVED and row.achieved_on and row.achieved_on <= today:
            achieved_day = (row.achieved_on - kickoff).days
        milestones.append(
            PlannedMilestone(row.title, row.role, (due - kickoff).days, row.status, achieved_day)
        )
    counted = [m for m in milestones if m.status is not Status.SKIPPED]
    return BurnUp(
        kickoff=kickoff,
        today_day=(today - kickoff).days,
        total=len(counted),
        planned=_steps([m.due_day for m in counted]),
        achieved=_steps([m.achieved_day for m in counted if m.achieved_day is not None]),
        milestones=tuple(milestones),
    )


def _ladder(session: Session, account_id: int) -> tuple[str, dt.date | None, list[_LadderRow]]:
    found = chart_ladder(session, account_id)
    if found is None:
        raise UnknownAccount.gone(account_id)
    name, kickoff = found.name, reference_date(found.kickoff_on, found.signed_on)
    statuses = {s.value: s for s in Status}
    ladder = [
        _LadderRow(
            line.title,
            line.role,
            line.target_day,
            line.due_on,
            statuses.get(line.status, Status.NOT_STARTED),
            line.achieved_on,
            line.unlocks,
            line.success_feature,
        )
        for line in found.lines
    ]
    return name, kickoff, ladder


def _key_features(ladder: Sequence[_LadderRow]) -> list[str]:
    """Features the ladder unlocks or measures, in ladder order (DESIGN §3 "key workflow")."""
    seen: dict[str, None] = {}
    for row in ladder:
        for feature in (row.unlocks, row.success_feature):
            if feature:
                seen.setdefault(feature, None)
    return list(seen)


def weekly_usage(
    rows: Sequence[tuple[str, dt.date, int]],
    ladder: Sequence[_LadderRow],
    kickoff: dt.date,
    today: dt.date,
) -> tuple[tuple[FeatureUsage, ...], tuple[str, ...]]:
    """Per key feature with use on record, counts per ISO week from K's week to today's."""
    first, last = week_of(kickoff), week_of(today)
    weeks = tuple(first + dt.timedelta(days=7 * i) for i in range((last - first).days // 7 + 1))
    week_days = tuple((monday - kickoff).days for monday in weeks)
    index = {monday: i for i, monday in enumerate(weeks)}
    totals: dict[str, list[int]] = {}
    for feature, day, count in rows:
        slot = index.get(week_of(day))
        if slot is not None:
            totals.setdefault(feature, [0] * len(weeks))[slot] += count
    used, unused = [], []
    for feature in _key_features(ladder):
        if feature not in totals:
            unused.append(feature)
            continue
        marks = tuple(
            UnlockMark(r.title, r.achieved_on, (r.achieved_on - kickoff).days)
            for r in ladder
            if feature in (r.unlocks, r.success_feature)
            and r.status is Status.ACHIEVED
            and r.achieved_on is not None
            and r.achieved_on <= today
        )
        used.append(FeatureUsage(feature, weeks, week_days, tuple(totals[feature]), marks))
    return tuple(used), tuple(unused)


def _usage_rows(
    session: Session, account_id: int, since: dt.date, today: dt.date
) -> list[tuple[str, dt.date, int]]:
    rows = usage_rows(session, account_ids=[account_id], since=since, until=today, used_only=True)
    return [(feature, day, count) for _account, day, feature, count, _users in rows]


def _values(session: Session, account_id: int, today: dt.date) -> tuple[ValueSeries, ...]:
    result = []
    for metric in value_histories(session, account_id, today):
        latest = latest_measurement(list(metric.measurements), today)
        value = latest[1] if latest else None
        result.append(
            ValueSeries(
                metric=metric.name,
                unit=metric.unit,
                direction=metric.direction,
                baseline=metric.baseline,
                baseline_on=metric.baseline_on,
                target=metric.target,
                measurements=metric.measurements,
                latest=value,
                change_percent=value_change(metric.baseline, value, metric.direction),
            )
        )
    return tuple(result)


def account_charts(database: Database, account_id: int, today: dt.date) -> AccountCharts:
    """Everything the account's Charts tab draws, as of ``today`` (later data is not known)."""
    with database.session() as session:
        name, kickoff, ladder = _ladder(session, account_id)
        values = _values(session, account_id, today)
        if kickoff is None:
            unused = tuple(_key_features(ladder))
            return AccountCharts(account_id, name, today, None, (), unused, values)
        rows = _usage_rows(session, account_id, week_of(kickoff), today)
    usage, unused = weekly_usage(rows, ladder, kickoff, today)
    return AccountCharts(
        account_id=account_id,
        name=name,
        today=today,
        burnup=burn_up(ladder, kickoff, today),
        usage=usage,
        features_without_usage=unused,
        values=values,
    )


__all__ = [
    "AccountCharts",
    "BurnUp",
    "FeatureUsage",
    "PlannedMilestone",
    "UnlockMark",
    "ValueSeries",
    "account_charts",
]
