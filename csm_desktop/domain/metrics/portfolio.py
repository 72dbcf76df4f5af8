"""Metrics of a whole book (DESIGN §3): KPIs, funnel and drop-off, cohorts, adoption.

Built from per-account metrics so that a figure on the dashboard always adds up to the
accounts listed behind it when a CSM clicks a bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from csm_desktop.domain.metrics.account import (
    CHECKPOINTS,
    AccountMetrics,
    account_metrics,
    is_repeat_workflow,
    on_time_counts,
)
from csm_desktop.domain.metrics.facts import AccountFacts
from csm_desktop.domain.stats import median
from csm_desktop.domain.vocabulary import Health, Phase, Status, phase_of_day

NO_PLAYBOOK = "(no playbook)"


@dataclass(frozen=True, slots=True)
class Share:
    """``part`` of ``counted``, with the fraction; None when nothing counts."""

    part: int
    counted: int

    @property
    def fraction(self) -> float | None:
        return self.part / self.counted if self.counted else None


def share(flags: Iterable[bool | None]) -> Share:
    """How many flags are True among those that are not None (None means "not counted")."""
    part = counted = 0
    for flag in flags:
        if flag is None:
            continue
        counted += 1
        part += flag
    return Share(part, counted)


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """One milestone of a playbook's ladder and how many accounts got there."""

    milestone: str
    role: str
    achieved: Share
    drop_off: float | None
    """share(i−1) − share(i); None for the first step or when either share is None."""

    @property
    def achieved_share(self) -> float | None:
        return self.achieved.fraction


def funnel(
    accounts: Sequence[AccountFacts],
    orders: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> dict[str, tuple[FunnelStep, ...]]:
    """Per playbook, the share of accounts that achieved each milestone, in ladder order.

    A step is a (title, role) pair. Ladder order is the playbook's own order from ``orders``
    (playbook name → steps); steps it does not list follow in the order they first appear
    walking the accounts by name. An account that skipped a step is left out of that step's
    share.
    """
    by_playbook: dict[str, list[AccountFacts]] = {}
    for account in sorted(accounts, key=lambda a: a.name):
        by_playbook.setdefault(account.playbook or NO_PLAYBOOK, []).append(account)
    skipped, achieved = Status.SKIPPED, Status.ACHIEVED
    result = {}
    for playbook in sorted(by_playbook):
        # (achieved, counted) per step, in the order the steps are first met
        met: dict[tuple[str, str], list[int]] = {}
        for account in by_playbook[playbook]:
            for m in account.milestones:
                counts = met.get((m.title, m.role))
                if counts is None:
                    counts = met[(m.title, m.role)] = [0, 0]
                if m.status is not skipped:
                    counts[0] += m.status is achieved
                    counts[1] += 1
        ordered = [step for step in (orders or {}).get(playbook, ()) if step in met]
        steps = dict.fromkeys(ordered) | dict.fromkeys(met)  # the playbook's order first
        result[playbook] = funnel_steps({step: Share(*met[step]) for step in steps})
    return result


def funnel_steps(shares: Mapping[tuple[str, str], Share]) -> tuple[FunnelStep, ...]:
    """The funnel's steps from each (title, role)'s achieved share, in the given order, with
    the drop-off from the step before."""
    rows: list[FunnelStep] = []
    previous: float | None = None
    for index, ((title, role), achieved) in enumerate(shares.items()):
        current = achieved.fraction
        drop = (
            previous - current if index and previous is not None and current is not None else None
        )
        rows.append(FunnelStep(title, role, achieved, drop))
        previous = current
    return tuple(rows)


def kickoff_month(account: AccountFacts) -> str:
    """The cohort an account belongs to: its K as YYYY-MM."""
    return f"{account.kickoff.year:04d}-{account.kickoff.month:02d}"


def cohorts(per_account: Sequence[AccountMetrics]) -> dict[str, dict[int, Share]]:
    """Per kickoff month (oldest first), per checkpoint, the accounts on plan by then."""
    flags: dict[str, dict[int, list[bool | None]]] = {}
    for metrics in per_account:
        month = flags.setdefault(kickoff_month(metrics.account), {c: [] for c in CHECKPOINTS})
        for checkpoint in CHECKPOINTS:
            month[checkpoint].append(metrics.checkpoints[checkpoint])
    return {
        month: {c: share(values) for c, values in flags[month].items()} for month in sorted(flags)
    }


class _HeadlineRates:
    """The headline shares as fractions, for the whole metrics and their summary alike."""

    __slots__ = ()
    first_value_on_time: Share
    adoption: Share
    on_time: Share

    @property
    def first_value_on_time_share(self) -> float | None:
        return self.first_value_on_time.fraction

    @property
    def adoption_rate(self) -> float | None:
        return self.adoption.fraction

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time.fraction


@dataclass(frozen=True, slots=True)
class PortfolioMetrics(_HeadlineRates):
    """The dashboard's figures for a book (or a filtered part of it) on one day."""

    today: dt.date
    by_account: tuple[AccountMetrics, ...]
    """In account name order."""
    ttfv_median_days: float | None
    first_value_on_time: Share
    adoption: Share
    adoption_pending: int
    adoption_by_feature: Mapping[str, Share]
    on_time: Share
    health: Mapping[Health, int]
    funnel: Mapping[str, tuple[FunnelStep, ...]]
    cohorts: Mapping[str, Mapping[int, Share]]
    repeat_usage_by_feature: Mapping[str, Share]
    """Accounts using a key workflow in ≥ 3 of the last 4 complete ISO weeks."""
    completion_by_phase: Mapping[Phase, Share]
    """Achieved ÷ (all − skipped) milestones, pooled over the book, by milestone phase."""

    @property
    def accounts(self) -> int:
        return len(self.by_account)

    def accounts_with_health(self, health: Health) -> tuple[AccountMetrics, ...]:
        return tuple(m for m in self.by_account if m.health is health)

    def summary(self) -> PortfolioSummary:
        """The headline figures alone (what ``metrics`` prints without ``--json``)."""
        return PortfolioSummary(
            today=self.today,
            accounts=self.accounts,
            ttfv_median_days=self.ttfv_median_days,
            first_value_on_time=self.first_value_on_time,
            adoption=self.adoption,
            adoption_pending=self.adoption_pending,
            on_time=self.on_time,
            health=dict(self.health),
            funnel=dict(self.funnel),
            cohorts={month: dict(shares) for month, shares in self.cohorts.items()},
        )


@dataclass(frozen=True, slots=True)
class PortfolioSummary(_HeadlineRates):
    """The headline figures of ``PortfolioMetrics`` without the per-account ones.

    A big book's summary can be counted by the database (``services.metrics
    .portfolio_summary``); it must always equal ``PortfolioMetrics.summary()``.
    """

    today: dt.date
    accounts: int
    ttfv_median_days: float | None
    first_value_on_time: Share
    adoption: Share
    adoption_pending: int
    on_time: Share
    health: Mapping[Health, int]
    funnel: Mapping[str, tuple[FunnelStep, ...]]
    cohorts: Mapping[str, Mapping[int, Share]]


def portfolio_metrics(
    accounts: Iterable[AccountFacts],
    today: dt.date,
    ladder_orders: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> PortfolioMetrics:
    """All §3 figures over ``accounts`` on ``today``; ``ladder_orders`` orders the funnel."""
    ordered = sorted(accounts, key=lambda a: a.name)
    per_account = tuple(account_metrics(a, today) for a in ordered)

    on_time = achieved = pending = 0
    adoption_flags: dict[str, list[bool | None]] = {}
    repeat_flags: dict[str, list[bool | None]] = {}
    phase_flags: dict[Phase, list[bool | None]] = {phase: [] for phase in Phase}
    health_counts = dict.fromkeys(Health, 0)
    flags_of_day: dict[int, list[bool | None]] = {}  # target day -> its phase's flags
    skipped, achieved_status = Status.SKIPPED, Status.ACHIEVED
    for metrics in per_account:
        account_on_time, account_achieved = on_time_counts(metrics.account.milestones)
        on_time += account_on_time
        achieved += account_achieved
        health_counts[metrics.health] += 1
        for adoption in metrics.adoptions:
            adoption_flags.setdefault(adoption.feature, []).append(adoption.adopted)
            pending += adoption.adopted is None
        for feature, weeks in metrics.repeat_usage.items():
            repeat_flags.setdefault(feature, []).append(is_repeat_workflow(weeks))
        for m in metrics.account.milestones:
            if m.status is not skipped:
                flags = flags_of_day.get(m.target_day)
                if flags is None:
                    flags = flags_of_day[m.target_day] = phase_flags[phase_of_day(m.target_day)]
                flags.append(m.status is achieved_status)

    return PortfolioMetrics(
        today=today,
        by_account=per_account,
        ttfv_median_days=median(m.ttfv_days for m in per_account if m.ttfv_days is not None),
        first_value_on_time=share(m.first_value_within_target for m in per_account),
        adoption=share(flag for flags in adoption_flags.values() for flag in flags),
        adoption_pending=pending,
        adoption_by_feature={f: share(adoption_flags[f]) for f in sorted(adoption_flags)},
        on_time=Share(on_time, achieved),
        health=health_counts,
        funnel=funnel(ordered, ladder_orders),
        cohorts=cohorts(per_account),
        repeat_usage_by_feature={f: share(repeat_flags[f]) for f in sorted(repeat_flags)},
        completion_by_phase={phase: share(flags) for phase, flags in phase_flags.items()},
    )
