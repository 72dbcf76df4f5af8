"""Which accounts stand behind a figure of the portfolio dashboard (DESIGN §4: "clicking a bar
lists its accounts").

Every function reads a ``PortfolioMetrics`` and returns a ``DrillDown``: the accounts that a
bar, a heat-map cell or a KPI tile counts, split into the same groups as the figure (e.g.
achieved / not achieved), so the list a CSM sees always adds up to the number on the chart.
Pure: no Qt, no SQL, ``today`` comes from the metrics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from csm_desktop.domain.ladder import Milestone, first_value_milestone
from csm_desktop.domain.metrics.account import AccountMetrics, on_time_counts
from csm_desktop.domain.metrics.portfolio import NO_PLAYBOOK, PortfolioMetrics, kickoff_month
from csm_desktop.domain.vocabulary import Health, Phase, Status, phase_of_day


@dataclass(frozen=True, slots=True)
class DrillAccount:
    """One line of a drill-down list: the account, and why it is in its group."""

    account_id: int | None
    name: str
    note: str


@dataclass(frozen=True, slots=True)
class DrillGroup:
    label: str
    accounts: tuple[DrillAccount, ...]

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.accounts]


@dataclass(frozen=True, slots=True)
class DrillDown:
    """The accounts behind one figure, grouped as the figure counts them."""

    title: str
    groups: tuple[DrillGroup, ...]

    @property
    def accounts(self) -> tuple[DrillAccount, ...]:
        return tuple(a for group in self.groups for a in group.accounts)

    def group(self, label_start: str) -> DrillGroup:
        """The group whose label starts with ``label_start`` (labels end with a count)."""
        for group in self.groups:
            if group.label.startswith(label_start):
                return group
        raise KeyError(label_start)


def _group(
    label: str, accounts: Iterable[DrillAccount], *, keep_empty: bool = True
) -> list[DrillGroup]:
    members = tuple(accounts)
    if not members and not keep_empty:
        return []
    return [DrillGroup(f"{label} ({len(members)})", members)]


def _line(metrics: AccountMetrics, note: str) -> DrillAccount:
    return DrillAccount(metrics.account.id, metrics.name, note)


def _open_note(milestone: Milestone, today: dt.date) -> str:
    late = " — overdue" if milestone.is_overdue(today) else ""
    return f"{milestone.status.value}, due {milestone.due_on.isoformat()}{late}"


def _achieved_note(milestone: Milestone, kickoff: dt.date) -> str:
    if milestone.achieved_on is None:
        return "achieved (no date)"
    day = (milestone.achieved_on - kickoff).days
    return f"achieved {milestone.achieved_on.isoformat()} (day {day})"


def funnel_step_accounts(metrics: PortfolioMetrics, playbook: str, index: int) -> DrillDown:
    """The accounts counted by step ``index`` of ``playbook``'s funnel: achieved, or not yet.

    Skipped milestones are left out, as the funnel leaves them out of the share.
    """
    step = metrics.funnel[playbook][index]
    achieved: list[DrillAccount] = []
    not_yet: list[DrillAccount] = []
    for account in metrics.by_account:
        if (account.account.playbook or NO_PLAYBOOK) != playbook:
            continue
        for m in account.account.milestones:
            if (m.title, m.role) != (step.milestone, step.role) or m.status is Status.SKIPPED:
                continue
            if m.status is Status.ACHIEVED:
                achieved.append(_line(account, _achieved_note(m, account.account.kickoff)))
            else:
                not_yet.append(_line(account, _open_note(m, metrics.today)))
    return DrillDown(
        f"{step.milestone} ({step.role}) — {playbook}",
        (*_group("Achieved", achieved), *_group("Not achieved yet", not_yet)),
    )


def _missed(account: AccountMetrics, checkpoint: int) -> list[str]:
    deadline = account.account.kickoff + dt.timedelta(days=checkpoint)
    return [
        m.title
        for m in account.account.milestones
        if m.target_day <= checkpoint
        and m.status is not Status.SKIPPED
        and not (m.status is Status.ACHIEVED and m.achieved_on and m.achieved_on <= deadline)
    ]


def cohort_accounts(metrics: PortfolioMetrics, month: str, checkpoint: int) -> DrillDown:
    """The accounts of a kickoff-month cohort at a checkpoint: on plan, behind, too young."""
    on_plan: list[DrillAccount] = []
    behind: list[DrillAccount] = []
    young: list[DrillAccount] = []
    for account in metrics.by_account:
        if kickoff_month(account.account) != month:
            continue
        kickoff = account.account.kickoff.isoformat()
        met = account.checkpoints.get(checkpoint)
        if met is None:
            young.append(_line(account, f"kickoff {kickoff}, day {account.age_days} today"))
        elif met:
            on_plan.append(_line(account, f"kickoff {kickoff}"))
        else:
            missed = _missed(account, checkpoint)
            more = f" (+{len(missed) - 1} more)" if len(missed) > 1 else ""
            behind.append(_line(account, f"missed {missed[0]}{more}" if missed else "behind"))
    return DrillDown(
        f"Kickoff {month} at day {checkpoint}",
        (
            *_group(f"On plan by day {checkpoint}", on_plan),
            *_group(f"Behind by day {checkpoint}", behind),
            *_group(f"Younger than {checkpoint} days, not counted", young, keep_empty=False),
        ),
    )


def adoption_accounts(
    metrics: PortfolioMetrics,
    feature: str | None = None,
    *,
    name: Callable[[str], str] = str,
) -> DrillDown:
    """Every unlock of ``feature`` (all features when None): adopted, not adopted, pending.
    ``name`` gives the name a person reads for a feature key (the book's vocabulary)."""
    adopted: list[DrillAccount] = []
    missed: list[DrillAccount] = []
    pending: list[DrillAccount] = []
    for account in metrics.by_account:
        for unlock in account.adoptions:
            if feature is not None and unlock.feature != feature:
                continue
            what = name(unlock.feature) if feature is None else unlock.milestone
            note = f"{what}, unlocked {unlock.unlocked_on.isoformat()}"
            {True: adopted, False: missed, None: pending}[unlock.adopted].append(
                _line(account, note)
            )
    return DrillDown(
        f"Adoption after unlock — {name(feature) if feature else 'all features'}",
        (
            *_group("Used within 30 days", adopted),
            *_group("Not used within 30 days", missed),
            *_group("Pending: 30 days not over", pending, keep_empty=False),
        ),
    )


def _health_note(account: AccountMetrics, today: dt.date) -> str:
    if account.health is Health.OFF_TRACK:
        first = first_value_milestone(account.account.milestones)
        assert first is not None
        return f"first value “{first.title}” {(today - first.due_on).days} days late"
    if account.overdue:
        titles = ", ".join(m.title for m in account.overdue[:2])
        more = f" +{account.overdue_count - 2}" if account.overdue_count > 2 else ""
        return f"{account.overdue_count} overdue: {titles}{more}"
    if account.health is Health.AT_RISK:
        return "no product use in the last 14 days"
    completion = "–" if account.completion is None else f"{account.completion:.0%}"
    return f"day {account.age_days}, ladder {completion}"


def health_accounts(metrics: PortfolioMetrics, health: Health) -> DrillDown:
    """The accounts with one health, each with the reason for it."""
    accounts = [
        _line(a, _health_note(a, metrics.today)) for a in metrics.accounts_with_health(health)
    ]
    return DrillDown(f"Health: {health.value}", tuple(_group(health.value.capitalize(), accounts)))


def attention_accounts(metrics: PortfolioMetrics) -> DrillDown:
    """The accounts a CSM lead looks at first: off track, then at risk, each with its reason."""
    return DrillDown(
        "Accounts that need attention",
        tuple(
            group
            for health in (Health.OFF_TRACK, Health.AT_RISK)
            for group in health_accounts(metrics, health).groups
        ),
    )


def phase_accounts(metrics: PortfolioMetrics, phase: Phase) -> DrillDown:
    """Accounts with milestones of ``phase``: all of them achieved, or some still open.

    The bar pools milestones; each line says how many of the account's it holds.
    """
    done: list[DrillAccount] = []
    open_: list[DrillAccount] = []
    for account in metrics.by_account:
        counted = [
            m
            for m in account.account.milestones
            if phase_of_day(m.target_day) is phase and m.status is not Status.SKIPPED
        ]
        if not counted:
            continue
        achieved = sum(m.status is Status.ACHIEVED for m in counted)
        line = _line(account, f"{achieved} of {len(counted)} achieved")
        (done if achieved == len(counted) else open_).append(line)
    return DrillDown(
        f"Milestones of the {phase.value} phase",
        (*_group("All achieved", done), *_group("Some still open", open_)),
    )


def first_value_accounts(metrics: PortfolioMetrics) -> DrillDown:
    """Accounts judged on first value: reached within its target day, or late / past due."""
    on_time: list[DrillAccount] = []
    late: list[DrillAccount] = []
    for account in metrics.by_account:
        judged = account.first_value_within_target
        first = first_value_milestone(account.account.milestones)
        if judged is None or first is None:
            continue
        if account.ttfv_days is not None:
            note = f"day {account.ttfv_days} (target day {first.target_day})"
        else:
            note = _open_note(first, metrics.today)
        (on_time if judged else late).append(_line(account, note))
    return DrillDown(
        "First value within its target day",
        (*_group("On time", on_time), *_group("Late or past due", late)),
    )


def ttfv_accounts(metrics: PortfolioMetrics) -> DrillDown:
    """Accounts that reached first value, fastest first, then those still on the way."""
    reached = sorted(
        (a for a in metrics.by_account if a.ttfv_days is not None),
        key=lambda a: (a.ttfv_days, a.name),
    )
    waiting = [a for a in metrics.by_account if a.ttfv_days is None]
    return DrillDown(
        "Time to first value",
        (
            *_group("First value reached", [_line(a, f"day {a.ttfv_days}") for a in reached]),
            *_group("Not reached yet", [_line(a, f"day {a.age_days} today") for a in waiting]),
        ),
    )


def on_time_accounts(metrics: PortfolioMetrics) -> DrillDown:
    """Accounts with achieved milestones: all on time, or some achieved after their due date."""
    all_on_time: list[DrillAccount] = []
    some_late: list[DrillAccount] = []
    for account in metrics.by_account:
        on_time, achieved = on_time_counts(account.account.milestones)
        if not achieved:
            continue
        line = _line(account, f"{on_time} of {achieved} achieved on time")
        (all_on_time if on_time == achieved else some_late).append(line)
    return DrillDown(
        "Milestones achieved by their due date",
        (*_group("All on time", all_on_time), *_group("Some late", some_late)),
    )


def cohort_sizes(metrics: PortfolioMetrics) -> dict[str, int]:
    """Accounts per kickoff month, for the heat map's row labels."""
    sizes: dict[str, int] = {}
    for account in metrics.by_account:
        month = kickoff_month(account.account)
        sizes[month] = sizes.get(month, 0) + 1
    return sizes


__all__ = [
    "DrillAccount",
    "DrillDown",
    "DrillGroup",
    "adoption_accounts",
    "attention_accounts",
    "cohort_accounts",
    "cohort_sizes",
    "first_value_accounts",
    "funnel_step_accounts",
    "health_accounts",
    "on_time_accounts",
    "phase_accounts",
    "ttfv_accounts",
]
