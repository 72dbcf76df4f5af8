"""Portfolio and account metrics over a stored book: load facts fast, compute in the domain.

The definitions live in ``csm_desktop.domain.metrics``; this module only reads what they need.
Usage is never loaded row by row (a book may hold millions of rows): SQL answers each window
a metric reads with one value (a day or a week) per account, feature and window, driven
from the account so that every lookup is an index seek on (account, day) of the partial
index of used days (migration 0002). The SQL is SQLite's (``date()``, named parameters on
the DB-API cursor); a PostgreSQL book needs its own spelling of these few queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import (
    Milestone,
    as_of,
    completion,
    due_on,
    next_open,
    overdue,
)
from csm_desktop.domain.metrics import (
    ADOPTION_WINDOW_DAYS,
    HEALTH_QUIET_DAYS,
    AccountFacts,
    AccountMetrics,
    ExperimentResult,
    PortfolioMetrics,
    UsageFacts,
    experiment_result,
    health,
    last_complete_iso_weeks,
    latest_measurement,
    time_to_first_value,
    value_change,
)
from csm_desktop.domain.metrics import account_metrics as compute_account_metrics
from csm_desktop.domain.metrics import portfolio_metrics as compute_portfolio_metrics
from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.vocabulary import Direction, Health, Phase, Status, phase_of_day
from csm_desktop.errors import UnknownAccount
from csm_desktop.store.database import Database

_ACCOUNTS = """
SELECT a.id, a.name, a.segment, a.owner, p.name, v.name, a.kickoff_on, a.signed_on,
       a.arr, a.renewal_on, a.external_id
FROM account a
LEFT JOIN playbook p ON p.id = a.playbook_id
LEFT JOIN variant v ON v.id = a.variant_id
WHERE {where}
ORDER BY a.name
"""

_MILESTONES = """
SELECT m.account_id, m.id, m.title, r.name, m.target_day, m.due_on, m.status, m.achieved_on,
       m.first_value, m.unlocks, m.success_feature, m.success_threshold,
       m.success_window_days, m.criterion_met_on
FROM account a
CROSS JOIN account_milestone m ON m.account_id = a.id
JOIN role r ON r.id = m.role_id
{playbook_join}
WHERE {where}
ORDER BY a.id, m.position, m.id
"""

# Usage on or before today at all (counts of 0 included): "has usage data".
_HAS_USAGE = """
SELECT a.id FROM account a {playbook_join}
WHERE {where} AND EXISTS (
    SELECT 1 FROM usage_event e WHERE e.account_id = a.id AND e.day <= :today LIMIT 1)
"""

# The latest day with any use in the health window today−13 … today.
_LAST_ACTIVE = """
SELECT a.id, (SELECT e.day FROM usage_event e
              WHERE e.account_id = a.id AND e.day BETWEEN :quiet_from AND :today
                AND e.count > 0 ORDER BY e.day DESC LIMIT 1)
FROM account a {playbook_join}
WHERE {where}
"""

_LADDER_ORDERS = """
SELECT p.name, p.version, t.title, r.name
FROM playbook_step s
JOIN playbook p ON p.id = s.playbook_id
JOIN milestone_template t ON t.id = s.template_id
JOIN role r ON r.id = t.role_id
ORDER BY p.name, p.version DESC, s.position
"""

# One day of use per unlock window U+1 … U+30, for windows that closed by today.
_ADOPTION_DAYS = """
SELECT m.account_id, m.unlocks,
       (SELECT e.day FROM usage_event e
        WHERE e.account_id = m.account_id AND e.feature = m.unlocks
          AND e.day > m.achieved_on AND e.day <= date(m.achieved_on, :window)
          AND e.count > 0 ORDER BY e.day LIMIT 1)
FROM account a
CROSS JOIN account_milestone m ON m.account_id = a.id
{playbook_join}
WHERE {where} AND m.status = 'achieved' AND m.unlocks IS NOT NULL
  AND m.achieved_on IS NOT NULL AND m.achieved_on <= :adoption_closed_by
"""

# Which features were used in each of the last four complete ISO weeks, as a bit mask per
# account and feature (bit i = week i, oldest first). DISTINCT per week, then one small
# GROUP BY, is several times faster in SQLite than grouping all usage rows by week.
_WEEK_USAGE = """
SELECT account_id, feature, sum(week_bit) FROM ({weeks}) GROUP BY account_id, feature
"""
_ONE_WEEK_USAGE = """
SELECT DISTINCT e.account_id, e.feature, {bit} AS week_bit FROM account a
CROSS JOIN usage_event e ON e.account_id = a.id AND e.day BETWEEN :monday{week} AND :sunday{week}
{playbook_join}
WHERE {where} AND e.count > 0
"""


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Which accounts a figure covers; None means any. Archived accounts never count."""

    segment: str | None = None
    owner: str | None = None
    playbook: str | None = None
    account_id: int | None = None
    experiment_id: int | None = None
    include_archived: bool = False

    def sql(self, template: str, **parts: object) -> str:
        """``template`` with this filter's condition on ``account a`` filled in."""
        where, _params = self.where()
        join = "LEFT JOIN playbook p ON p.id = a.playbook_id" if self.playbook is not None else ""
        return template.format(where=where, playbook_join=join, **parts)

    def where(self) -> tuple[str, dict[str, Any]]:
        """A condition on ``account a`` (and ``playbook p``) with its parameters."""
        clauses = [] if self.include_archived else ["a.archived = 0"]
        params: dict[str, Any] = {}
        if self.segment is not None:
            clauses.append("a.segment = :f_segment")
            params["f_segment"] = self.segment
        if self.owner is not None:
            clauses.append("a.owner = :f_owner")
            params["f_owner"] = self.owner
        if self.playbook is not None:
            clauses.append("p.name = :f_playbook")
            params["f_playbook"] = self.playbook
        if self.account_id is not None:
            clauses.append("a.id = :f_account")
            params["f_account"] = self.account_id
        if self.experiment_id is not None:
            clauses.append(
                "a.variant_id IN (SELECT id FROM variant WHERE experiment_id = :f_experiment)"
            )
            params["f_experiment"] = self.experiment_id
        return " AND ".join(clauses) or "1", params


def _rows(session: Session, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """All rows of a query on the session's own SQLite connection (and transaction).

    The DB-API cursor skips SQLAlchemy's per-row processing, which costs more than the
    query itself on the tens of thousands of rows a big book yields.
    """
    cursor = session.connection().connection.dbapi_connection
    assert cursor is not None
    rows: list[tuple[Any, ...]] = cursor.execute(sql, dict(params)).fetchall()
    return rows


class _Days:
    """ISO date text to dates, each distinct text parsed once (a book repeats few dates)."""

    def __init__(self) -> None:
        self._known: dict[str, dt.date] = {}

    def __call__(self, value: str | None) -> dt.date | None:
        return self.parse(value) if value else None

    def parse(self, value: str) -> dt.date:
        day = self._known.get(value)
        if day is None:
            day = self._known[value] = dt.date.fromisoformat(value)
        return day


_day = _Days()


@dataclass(slots=True)
class _AccountRow:
    id: int
    name: str
    segment: str | None
    owner: str | None
    playbook: str | None
    variant: str | None
    kickoff: dt.date | None
    arr: float | None
    renewal_on: dt.date | None
    external_id: str | None
    statuses: list[Status]
    milestones: list[Milestone]


def _load_accounts(session: Session, chosen: AccountFilter) -> list[_AccountRow]:
    """Accounts in name order with their ladders; K is kickoff, else signed-on date."""
    params = chosen.where()[1]
    accounts: dict[int, _AccountRow] = {}
    for row in _rows(session, chosen.sql(_ACCOUNTS), params):
        kickoff = _day(row[6]) or _day(row[7])
        accounts[row[0]] = _AccountRow(
            row[0], row[1], row[2], row[3], row[4], row[5], kickoff, row[8], _day(row[9]),
            row[10], [], [],
        )  # fmt: skip
    statuses = {status.value: status for status in Status}
    for row in _rows(session, chosen.sql(_MILESTONES), params):
        account = accounts[row[0]]
        status = statuses.get(row[6], Status.NOT_STARTED)
        account.statuses.append(status)
        due = due_on(_day(row[5]), account.kickoff, row[4])
        if due is None:
            continue  # no K and no due date: the ladder cannot be scheduled yet
        account.milestones.append(
            # Positional, in field order: 60,000 keyword calls cost a tenth of a second.
            Milestone(
                row[2], row[3], row[4], due, status, _day(row[7]), bool(row[8]),
                row[9], row[10], row[11], row[12], _day(row[13]), row[1],
            )
        )  # fmt: skip
    return list(accounts.values())


def _load_usage(
    session: Session, chosen: AccountFilter, today: dt.date, *, full: bool
) -> dict[int, UsageFacts]:
    """Per account the usage facts of ``UsageFacts``; only health's part unless ``full``."""
    params = {**chosen.where()[1], "today": today.isoformat()}
    has_data = {row[0] for row in _rows(session, chosen.sql(_HAS_USAGE), params)}
    quiet_from = today - dt.timedelta(days=HEALTH_QUIET_DAYS - 1)
    active = {
        account_id: frozenset({_day.parse(day)})
        for account_id, day in _rows(
            session, chosen.sql(_LAST_ACTIVE), {**params, "quiet_from": quiet_from.isoformat()}
        )
        if day is not None
    }
    feature_days: dict[int, dict[str, set[dt.date]]] = {}
    feature_weeks: dict[int, dict[str, frozenset[dt.date]]] = {}
    if full:
        adoption_params = {
            **params,
            "window": f"+{ADOPTION_WINDOW_DAYS} days",
            "adoption_closed_by": (today - dt.timedelta(days=ADOPTION_WINDOW_DAYS)).isoformat(),
        }
        for account_id, feature, day in _rows(session, chosen.sql(_ADOPTION_DAYS), adoption_params):
            if day is not None:
                feature_days.setdefault(account_id, {}).setdefault(feature, set()).add(
                    _day.parse(day)
                )
        weeks = last_complete_iso_weeks(today)
        week_params = dict(params)
        for index, (monday, sunday) in enumerate(weeks):
            week_params[f"monday{index}"] = monday.isoformat()
            week_params[f"sunday{index}"] = sunday.isoformat()
        one_week = [chosen.sql(_ONE_WEEK_USAGE, week=i, bit=1 << i) for i in range(len(weeks))]
        sql = _WEEK_USAGE.format(weeks=" UNION ALL ".join(one_week))
        mondays_of_mask = [
            frozenset(monday for i, (monday, _) in enumerate(weeks) if mask >> i & 1)
            for mask in range(1 << len(weeks))
        ]
        for account_id, feature, mask in _rows(session, sql, week_params):
            feature_weeks.setdefault(account_id, {})[feature] = mondays_of_mask[mask]
    no_days: dict[str, set[dt.date]] = {}
    no_weeks: dict[str, frozenset[dt.date]] = {}
    return {
        account_id: UsageFacts(
            account_id in has_data,
            active.get(account_id, frozenset()),
            feature_days.get(account_id, no_days),
            feature_weeks.get(account_id, no_weeks),
        )
        for account_id in has_data | active.keys() | feature_days.keys() | feature_weeks.keys()
    }


def load_account_facts(
    session: Session, today: dt.date, chosen: AccountFilter = AccountFilter()
) -> list[AccountFacts]:
    """The facts the metrics read, for the chosen accounts that have a K, in name order."""
    rows = _load_accounts(session, chosen)
    usage = _load_usage(session, chosen, today, full=True)
    return [_facts(row, usage, today) for row in rows if row.kickoff is not None]


def load_ladder_facts(
    session: Session, today: dt.date, chosen: AccountFilter
) -> list[AccountFacts]:
    """Like ``load_account_facts`` without usage: for rules that read only the ladder (the
    first-value judgement of the long-term figures), at the cost of two queries."""
    return [_facts(row, {}, today) for row in _load_accounts(session, chosen) if row.kickoff]


def _facts(row: _AccountRow, usage: Mapping[int, UsageFacts], today: dt.date) -> AccountFacts:
    """Features match exactly here: the usage import stores them in the ladders' spelling."""
    assert row.kickoff is not None
    return AccountFacts(
        name=row.name,
        kickoff=row.kickoff,
        milestones=tuple(as_of(m, today) for m in row.milestones),
        segment=row.segment,
        owner=row.owner,
        playbook=row.playbook,
        variant=row.variant,
        usage=usage.get(row.id, UsageFacts()),
        id=row.id,
    )


def portfolio_metrics(
    database: Database,
    today: dt.date,
    *,
    segment: str | None = None,
    owner: str | None = None,
    playbook: str | None = None,
) -> PortfolioMetrics:
    """The dashboard's figures on ``today`` over the (optionally filtered) active accounts.

    Accounts with neither a kickoff nor a signed-on date have no K and are left out.
    """
    chosen = AccountFilter(segment=segment, owner=owner, playbook=playbook)
    with database.session() as session:
        facts = load_account_facts(session, today, chosen)
        orders = ladder_orders(session)
    return compute_portfolio_metrics(facts, today, orders)


def ladder_orders(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Each playbook's ladder as (title, role) in its newest version's order (the funnel's)."""
    newest: dict[str, list[tuple[str, str]]] = {}
    version_seen: dict[str, int] = {}
    for name, version, title, role in _rows(session, _LADDER_ORDERS, {}):
        if version_seen.setdefault(name, version) == version:
            newest.setdefault(name, []).append((title, role))
    return newest


def account_metrics(database: Database, account_id: int, today: dt.date) -> AccountMetrics:
    """Every §3 figure for one account (archived ones too, for their history)."""
    chosen = AccountFilter(account_id=account_id, include_archived=True)
    with database.session() as session:
        facts = load_account_facts(session, today, chosen)
    if not facts:
        raise UnknownAccount(
            f"Account {account_id} does not exist or has no kickoff or signed-on date yet; "
            "log its kickoff to see its metrics."
        )
    return compute_account_metrics(facts[0], today)


def experiment_results(database: Database, experiment_id: int, today: dt.date) -> ExperimentResult:
    """Per variant of the experiment (first variant = control) and each against the control."""
    chosen = AccountFilter(experiment_id=experiment_id, include_archived=True)
    with database.session() as session:
        variants = [
            name
            for (name,) in session.execute(
                text("SELECT name FROM variant WHERE experiment_id = :e ORDER BY id"),
                {"e": experiment_id},
            )
        ]
        facts = load_account_facts(session, today, chosen)
    by_variant: dict[str, list[AccountFacts]] = {name: [] for name in variants}
    for account in facts:
        if account.variant is not None:
            by_variant.setdefault(account.variant, []).append(account)
    return experiment_result(by_variant, today)


@dataclass(frozen=True, slots=True)
class BookRow:
    """One line of the Book table (DESIGN §4); None where a figure has nothing to count."""

    account_id: int
    name: str
    external_id: str | None
    segment: str | None
    owner: str | None
    playbook: str | None
    kickoff_on: dt.date | None  # K: the kickoff, else the signed-on date
    age_days: int | None
    phase: Phase | None
    completion: float | None
    next_milestone: str | None
    next_due_on: dt.date | None
    overdue: int
    health: Health | None
    ttfv_days: int | None
    arr: float | None
    renewal_on: dt.date | None


def book_rows(
    database: Database, today: dt.date, *, include_archived: bool = False
) -> list[BookRow]:
    """Every account's Book line on ``today``, in name order; reads only what the table shows."""
    chosen = AccountFilter(include_archived=include_archived)
    with database.session() as session:
        rows = _load_accounts(session, chosen)
        usage = _load_usage(session, chosen, today, full=False)
    result = []
    for row in rows:
        if row.kickoff is None:
            counted = [s for s in row.statuses if s is not Status.SKIPPED]
            done = sum(s is Status.ACHIEVED for s in counted)
            result.append(
                BookRow(
                    row.id, row.name, row.external_id, row.segment, row.owner, row.playbook,
                    None, None, None, done / len(counted) if counted else None, None, None, 0,
                    None, None, row.arr, row.renewal_on,
                )
            )  # fmt: skip
            continue
        facts = _facts(row, usage, today)
        age = facts.age(today)
        upcoming = next_open(facts.milestones)
        result.append(
            BookRow(
                account_id=row.id,
                name=row.name,
                external_id=row.external_id,
                segment=row.segment,
                owner=row.owner,
                playbook=row.playbook,
                kickoff_on=row.kickoff,
                age_days=age,
                phase=phase_of_day(max(age, 0)),
                completion=completion(facts.milestones),
                next_milestone=upcoming.title if upcoming else None,
                next_due_on=upcoming.due_on if upcoming else None,
                overdue=len(overdue(facts.milestones, today)),
                health=health(facts, today),
                ttfv_days=time_to_first_value(facts),
                arr=row.arr,
                renewal_on=row.renewal_on,
            )
        )
    return result


def value_changes(database: Database, account_id: int, today: dt.date) -> list[ValueLine]:
    """The account's value metrics in the order they were added, each with its change."""
    sql = text(
        "SELECT v.id, v.name, v.unit, v.direction, v.baseline, v.baseline_on, v.target, "
        "m.measured_on, m.value FROM value_metric v "
        "LEFT JOIN measurement m ON m.metric_id = v.id AND m.measured_on <= :today "
        "WHERE v.account_id = :account ORDER BY v.id, m.measured_on"
    )
    metrics: dict[int, tuple[Any, ...]] = {}
    measured: dict[int, list[tuple[dt.date, float]]] = {}
    with database.session() as session:
        for row in session.execute(sql, {"account": account_id, "today": today.isoformat()}):
            metrics.setdefault(row[0], tuple(row[1:7]))
            if row[7] is not None:
                measured.setdefault(row[0], []).append((dt.date.fromisoformat(row[7]), row[8]))
    result = []
    for metric_id, (name, unit, direction_text, baseline, baseline_on, target) in metrics.items():
        direction = (
            Direction(direction_text)
            if direction_text in ("higher", "lower")
            else (Direction.HIGHER)
        )
        latest = latest_measurement(measured.get(metric_id, []), today)
        result.append(
            ValueLine(
                metric=name,
                unit=unit,
                direction=direction,
                baseline=baseline,
                baseline_on=_day(baseline_on),
                latest=latest[1] if latest else None,
                latest_on=latest[0] if latest else None,
                target=target,
                change_percent=value_change(baseline, latest[1] if latest else None, direction),
            )
        )
    return result


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def metrics_as_json(metrics: PortfolioMetrics) -> dict[str, Any]:
    """The ``metrics --json`` object of DESIGN §8: shares rounded to 4 places, null if empty."""
    return {
        "today": metrics.today.isoformat(),
        "accounts": metrics.accounts,
        "ttfv_median_days": metrics.ttfv_median_days,
        "first_value_on_time_share": _rounded(metrics.first_value_on_time_share),
        "adoption_rate": _rounded(metrics.adoption_rate),
        "adoption_pending": metrics.adoption_pending,
        "on_time_rate": _rounded(metrics.on_time_rate),
        "health": {h.value: metrics.health.get(h, 0) for h in Health},
        "funnel": {
            playbook: [
                {
                    "milestone": step.milestone,
                    "role": step.role,
                    "achieved_share": _rounded(step.achieved_share),
                }
                for step in steps
            ]
            for playbook, steps in metrics.funnel.items()
        },
        "cohorts": {
            month: {str(c): _rounded(s.fraction) for c, s in checkpoints.items()}
            for month, checkpoints in metrics.cohorts.items()
        },
        "by_account": [_account_json(m) for m in metrics.by_account],
    }


def _account_json(metrics: AccountMetrics) -> dict[str, Any]:
    return {
        "account": metrics.name,
        "completion": _rounded(metrics.completion),
        "ttfv_days": metrics.ttfv_days,
        "health": metrics.health.value,
        "overdue": metrics.overdue_count,
        "milestones": [
            {
                "milestone": m.title,
                "role": m.role,
                "status": m.status.value,
                "criterion_met_on": m.criterion_met_on.isoformat() if m.criterion_met_on else None,
            }
            for m in metrics.account.milestones
        ],
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def metrics_summary(metrics: PortfolioMetrics) -> str:
    """The portfolio figures as a few lines of text for a terminal."""
    median_text = "–" if metrics.ttfv_median_days is None else f"{metrics.ttfv_median_days:g} days"
    lines = [
        f"Portfolio on {metrics.today.isoformat()}: {metrics.accounts} accounts",
        f"  Time to first value (median): {median_text}",
        f"  First value on time: {_percent(metrics.first_value_on_time_share)}",
        f"  Adoption after unlock: {_percent(metrics.adoption_rate)}"
        f" ({metrics.adoption_pending} pending)",
        f"  Milestones on time: {_percent(metrics.on_time_rate)}",
        "  Health: " + ", ".join(f"{metrics.health.get(h, 0)} {h.value}" for h in Health),
    ]
    for playbook, steps in metrics.funnel.items():
        lines.append(f"  Funnel {playbook}:")
        lines.extend(
            f"    {step.milestone} ({step.role}): {_percent(step.achieved_share)}" for step in steps
        )
    if metrics.cohorts:
        lines.append("  Cohorts (30 / 60 / 90 days):")
        lines.extend(
            f"    {month}: " + " / ".join(_percent(s.fraction) for s in checkpoints.values())
            for month, checkpoints in metrics.cohorts.items()
        )
    return "\n".join(lines)


__all__ = [
    "AccountFilter",
    "BookRow",
    "ValueLine",
    "account_metrics",
    "book_rows",
    "experiment_results",
    "load_account_facts",
    "load_ladder_facts",
    "metrics_as_json",
    "metrics_summary",
    "portfolio_metrics",
    "value_changes",
]
