"""The portfolio's headline figures counted by the database: fast at 50,000 accounts.

``services.metrics.portfolio_metrics`` computes every account's metrics in Python from its
whole ladder, which the dashboard's drill-downs and ``metrics --json`` need. The headline
figures alone (what ``metrics`` prints) need only counts per account, per ladder step and
over the unlocks, which ``store.queries.ladder_figures`` and ``unlock_figures`` sum in SQL,
and three verdicts per account on its first-value milestone, which
``store.queries.first_value_figures`` decides in SQL (each compared with its domain function
account by account in ``tests/store/test_first_value_figures.py``). Health's usage rule is
still the domain's own function, so ``portfolio_summary(...) ==
portfolio_metrics(...).summary()`` always (``tests/store/test_ladder_figures.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.metrics import (
    CHECKPOINTS,
    NO_PLAYBOOK,
    NO_USAGE,
    AccountFacts,
    PortfolioSummary,
    Share,
    UsageFacts,
    funnel_steps,
    health,
    kickoff_month,
    share,
)
from csm_desktop.domain.metrics.portfolio import FunnelStep
from csm_desktop.domain.stats import median
from csm_desktop.domain.vocabulary import Health
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.store.database import Database
from csm_desktop.store.queries.first_value_figures import FirstValueRow, first_value_rows
from csm_desktop.store.queries.ladder_figures import (
    NO_COUNTS,
    StepCounts,
    counts_by_account,
    step_counts,
    steps_in_name_order,
)
from csm_desktop.store.queries.ladders import ladder_orders
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.unlock_figures import UnlockCounts, unlock_counts
from csm_desktop.store.queries.usage import usage_facts

_Step = tuple[str, str]


def portfolio_summary(
    database: Database,
    today: dt.date,
    *,
    segment: str | None = None,
    owner: str | None = None,
    playbook: str | None = None,
) -> PortfolioSummary:
    """``portfolio_metrics(...).summary()`` with the same arguments, without loading ladders."""
    chosen = AccountFilter(segment=segment, owner=owner, playbook=playbook)

    def first_values() -> list[FirstValueRow]:
        with database.session() as session:
            return list(first_value_rows(session, chosen, today))

    def by_step_and_feature() -> tuple[list[StepCounts], dict[str, list[_Step]], UnlockCounts]:
        with database.session() as session:
            steps = step_counts(session, chosen, today)
            return steps, ladder_orders(session), unlock_counts(session, chosen, today)

    # The database counts on two connections at once (SQLite and the driver release the GIL
    # while a query runs), which halves the wait on a second core: the per-account counts
    # and usage facts here; the first-value rows, then the per-step and per-feature counts
    # in a thread: two shares of about the same CPU at 50,000 accounts (a third thread cost
    # more CPU than it saved on two cores).
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(first_values)
        other = pool.submit(by_step_and_feature)
        with database.session() as session:
            counts = counts_by_account(session, chosen, today)
            usage = usage_facts(session, chosen, today, full=False)
        accounts = first.result()
        totals = _Totals.of(accounts, counts, usage, today)
        steps, orders, adoption = other.result()
        playbooks = {row[1] or NO_PLAYBOOK for row in accounts}
        with database.session() as session:
            funnel = _funnel(steps, orders, playbooks, lambda: steps_in_name_order(session, chosen))

    return PortfolioSummary(
        today=today,
        accounts=len(accounts),
        ttfv_median_days=median(totals.ttfvs),
        first_value_on_time=share(totals.within),
        adoption=Share(adoption.adopted, adoption.unlocks - adoption.pending),
        adoption_pending=adoption.pending,
        on_time=Share(totals.on_time, totals.achieved),
        health=totals.health,
        funnel=funnel,
        cohorts={
            month: {c: share(flags) for c, flags in totals.months[month].items()}
            for month in sorted(totals.months)
        },
    )


@dataclass
class _Totals:
    """What the summary adds up over the accounts, each judged by the domain's rules (the
    first-value ones spelled in SQL: ``store.queries.first_value_figures``)."""

    health: dict[Health, int]
    ttfvs: list[int] = field(default_factory=list)
    within: list[bool | None] = field(default_factory=list)
    """Per account: first value within its target (None: not yet known)."""
    months: dict[str, dict[int, list[bool | None]]] = field(default_factory=dict)
    """Per kickoff month and checkpoint: each account's verdict (None: not that old yet)."""
    on_time: int = 0
    achieved: int = 0

    @classmethod
    def of(
        cls,
        accounts: Iterable[FirstValueRow],
        counts: Mapping[int, Sequence[int]],
        usage: Mapping[int, UsageFacts],
        today: dt.date,
    ) -> _Totals:
        totals = cls(dict.fromkeys(Health, 0))
        cohort_of: dict[dt.date, tuple[str, int]] = {}
        for account_id, _playbook, kickoff, ttfv, within, off_track in accounts:
            achieved, on_time, overdue, *misses = counts.get(account_id, NO_COUNTS)
            if ttfv is not None:
                totals.ttfvs.append(ttfv)
            totals.within.append(None if within is None else within == 1)
            if off_track:
                totals.health[Health.OFF_TRACK] += 1
            elif overdue:
                totals.health[Health.AT_RISK] += 1
            else:
                totals.health[usage_health(kickoff, usage.get(account_id, NO_USAGE), today)] += 1
            cohort = cohort_of.get(kickoff)
            if cohort is None:
                facts = AccountFacts("", kickoff, ())
                cohort = cohort_of[kickoff] = (kickoff_month(facts), facts.age(today))
            month, age = cohort
            flags = totals.months.setdefault(month, {c: [] for c in CHECKPOINTS})
            for checkpoint, missed in zip(CHECKPOINTS, misses, strict=True):
                flags[checkpoint].append(None if age < checkpoint else missed == 0)
            totals.on_time += on_time
            totals.achieved += achieved
        return totals


def usage_health(kickoff: dt.date, usage: UsageFacts, today: dt.date) -> Health:
    """``domain.metrics.health`` of an account neither off track nor overdue: its usage
    alone decides, so the domain function reads it on an account with no milestones."""
    return health(AccountFacts("", kickoff, (), usage=usage), today)


def judged(
    name: str,
    kickoff: dt.date,
    first_value: Milestone | None,
    overdue: int,
    usage: Mapping[int, UsageFacts],
    account_id: int,
    today: dt.date,
) -> tuple[AccountFacts, Health]:
    """An account's facts as far as its first-value milestone (as of today) and usage go,
    and its health: the domain's verdict on those, plus "anything overdue" from the count,
    which is exactly ``domain.metrics.health`` over the whole ladder."""
    facts = AccountFacts(
        name,
        kickoff,
        () if first_value is None else (first_value,),
        usage=usage.get(account_id, NO_USAGE),
    )
    verdict = health(facts, today)
    if verdict is Health.ON_TRACK and overdue:
        verdict = Health.AT_RISK
    return facts, verdict


def _funnel(
    steps: Iterable[StepCounts],
    orders: Mapping[str, Sequence[_Step]],
    playbooks: Iterable[str],
    walk: Callable[[], Iterable[tuple[str | None, str, str]]],
) -> dict[str, tuple[FunnelStep, ...]]:
    """``domain.metrics.funnel`` from the step counts: the playbook's own order first, then
    steps it does not list where they first appear walking the accounts by name, each
    ladder in order (``walk()``: (playbook, title, role) in that order, read only until
    every such step was met)."""
    counted: dict[str, dict[_Step, Share]] = {playbook: {} for playbook in playbooks}
    for step in steps:
        playbook = step.playbook or NO_PLAYBOOK
        key = (step.title, step.role)
        before = counted[playbook].get(key, Share(0, 0))
        counted[playbook][key] = Share(before.part + step.achieved, before.counted + step.counted)
    ordered = {
        playbook: [s for s in dict.fromkeys(orders.get(playbook, ())) if s in steps]
        for playbook, steps in counted.items()
    }
    extra = {
        (playbook, step)
        for playbook, steps in counted.items()
        for step in steps
        if step not in ordered[playbook]
    }
    if extra:
        for playbook_name, title, role in walk():
            late = (playbook_name or NO_PLAYBOOK, (title, role))
            if late in extra:
                extra.discard(late)
                ordered[late[0]].append(late[1])
                if not extra:
                    break
    return {
        playbook: funnel_steps({step: counted[playbook][step] for step in ordered[playbook]})
        for playbook in sorted(counted)
    }


__all__ = ["judged", "portfolio_summary"]
