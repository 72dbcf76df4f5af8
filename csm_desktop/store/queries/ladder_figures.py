"""Per-account ladder counts summed in SQL, for the portfolio figures of a big book.

``account_ladders`` hands every milestone to Python, which a 50,000-account book (600,000
milestones) cannot afford when only counts are shown. These queries let the database count
instead: per account the achieved, counted, on-time and overdue milestones and the
checkpoint misses; per playbook step the achieved share (the unlock adoptions:
``store.queries.unlock_figures``; each account's first-value verdicts:
``store.queries.first_value_figures``). Each count is the SQL spelling of one rule
of ``domain`` (named beside it), read as of ``today`` exactly like ``domain.ladder.as_of``
(an achievement dated after today has not happened yet).
``tests/store/test_ladder_figures.py`` proves the figures built from them equal the
domain's on hand-built books, the demo book and PostgreSQL.

Only accounts with a K (a kickoff or signed-on date) are counted, like the metrics do. The
queries are SQLAlchemy Core, the same on every database; the one dialect-specific piece is
``days_after`` (a date plus a number of days).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from csm_desktop.domain.ladder import Milestone, due_on
from csm_desktop.domain.metrics import CHECKPOINTS
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.day_numbers import day_number_of
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Playbook,
    Role,
)
from csm_desktop.store.queries.fast_path import on_server, use_fast_path
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.tables import account


class days_after(FunctionElement[dt.date]):
    """SQL: a date plus a whole number of days (a date again)."""

    type = Date()
    inherit_cache = True
    name = "days_after"


@compiles(days_after)
def _days_after_default(element: days_after, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({day} + CAST({days} AS INTEGER))"


@compiles(days_after, "sqlite")
def _days_after_sqlite(element: days_after, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, printf('%+d days', {days}))"


class as_stored(FunctionElement[Any]):
    """SQL: a date column's value as stored, for comparing it with a date.

    SQLite gives a DATE column numeric affinity, so a comparison of it with a date's text
    first tries to read that text as a number, on every row, and fails; ``+column`` has no
    affinity and compares the two texts directly (the same answer: a date's text is never a
    number): 15 % of the per-account counts' CPU. Elsewhere the column itself."""

    inherit_cache = True
    name = "as_stored"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(as_stored)
def _as_stored_default(element: as_stored, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(as_stored, "sqlite")
def _as_stored_sqlite(element: as_stored, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def kickoff_date() -> ColumnElement[dt.date]:
    """K in SQL: the kickoff date, else the signed-on date."""
    a = account.c  # plain Core: Today's first page does not configure the ORM (``tables``)
    return func.coalesce(a.kickoff_on, a.signed_on, type_=Date)


def due_date(m: Any, kickoff: Any, *, day_numbers: bool = False) -> ColumnElement[Any]:
    """``domain.ladder.due_on`` in SQL, its one spelling for every query: the milestone's own
    due date, else K (``kickoff``) + its target day; NULL with neither. ``day_numbers``: the
    same as a day number (``store.day_numbers``; ``kickoff`` is then a day number too), for
    queries that count days. ``tests/store/test_ladder_rules.py`` compares both with the
    domain function."""
    if day_numbers:
        return func.coalesce(day_number_of(m.due_on), kickoff + m.target_day)
    return func.coalesce(m.due_on, days_after(kickoff, m.target_day), type_=Date)


def achieved_later(m: Any, today: Any) -> ColumnElement[bool]:
    """Achieved after ``today``: not achieved yet as of today, whatever the status says
    (``domain.ladder.as_of``'s ``achieved_later``; NULL, i.e. false, without a date)."""
    return as_stored(m.achieved_on) > today  # type: ignore[no-any-return]


def with_kickoff(chosen: AccountFilter) -> ColumnElement[bool]:
    """The chosen accounts that have a K."""
    return and_(chosen.clause(), kickoff_date().is_not(None))


class AsOf:
    """A milestone's status as of ``today`` (``domain.ladder.as_of``) inside SQL ``CASE``s.

    Each count is one ``CASE`` whose first branch asks whether the milestone was achieved
    after today (then it is still in progress); SQLite evaluates the branches in order, so
    the common rows pay for two comparisons, not for the whole rule.
    """

    def __init__(self, m: Any, today: Any) -> None:
        self.m = m
        self.later = achieved_later(m, today)

    def is_(self, status: Status) -> ColumnElement[bool]:
        return self.m.status == status.value  # type: ignore[no-any-return]

    def achieved(self) -> Any:
        return func.sum(case((self.later, 0), (self.is_(Status.ACHIEVED), 1), else_=0))

    def counted(self) -> Any:
        return func.sum(case((self.later, 1), (self.is_(Status.SKIPPED), 0), else_=1))

    def standing(self) -> Any:
        """One milestone's part in ``achieved`` and ``counted`` as one number: 2 achieved
        (and counted), 0 skipped (neither), 1 counted only."""
        return case(
            (self.later, _COUNTED),
            (self.is_(Status.ACHIEVED), _ACHIEVED),
            (self.is_(Status.SKIPPED), _SKIPPED),
            else_=_COUNTED,
        )


_SKIPPED, _COUNTED, _ACHIEVED = 0, 1, 2


def ladder_counts(chosen: AccountFilter, today: dt.date, *, counted: bool = True) -> Any:
    """Per chosen account with a K: account id, achieved, counted (unless not ``counted``),
    on time, overdue, then the checkpoint misses. Each sum is the SQL spelling of one domain
    rule: achieved and counted (all but the skipped ones) as ``domain.ladder.completion``
    counts them; on time as ``domain.metrics.on_time_counts``; overdue as
    ``domain.ladder.is_overdue``; a checkpoint miss, a milestone with target day ≤ the
    checkpoint neither skipped nor achieved by K + checkpoint, as
    ``domain.metrics.checkpoint_met``."""
    on = bindparam("today", today, type_=Date)
    kickoff = kickoff_date()
    m = AccountMilestone
    state = AsOf(m, on)
    due = due_date(m, kickoff)
    done = (Status.ACHIEVED.value, Status.SKIPPED.value)
    checkpoint_misses = [
        func.sum(
            case(
                (m.target_day > checkpoint, 0),
                (state.later, 1),
                (state.is_(Status.SKIPPED), 0),
                (
                    and_(
                        state.is_(Status.ACHIEVED),
                        as_stored(m.achieved_on) <= days_after(kickoff, checkpoint),
                    ),
                    0,
                ),
                else_=1,
            )
        )
        for checkpoint in CHECKPOINTS
    ]
    return (
        select(
            m.account_id,
            state.achieved(),
            *([state.counted()] if counted else []),
            func.sum(
                case(
                    (state.later, 0),
                    (and_(state.is_(Status.ACHIEVED), as_stored(m.achieved_on) <= due), 1),
                    else_=0,
                )
            ),
            func.sum(case((due >= on, 0), (state.later, 1), (m.status.in_(done), 0), else_=1)),
            *checkpoint_misses,
        )
        .join(Account, Account.id == m.account_id)
        .where(with_kickoff(chosen))
        .group_by(m.account_id)
    )


def counts_by_account(
    session: Session, chosen: AccountFilter, today: dt.date
) -> dict[int, tuple[int, ...]]:
    """``ladder_counts`` but counted (which the summary does not show: 7 % of the query) by
    account id; an account without milestones has none (its counts are ``NO_COUNTS``)."""
    rows = session.connection().execute(ladder_counts(chosen, today, counted=False))
    return {row[0]: tuple(map(int, row[1:])) for row in rows}


def _first_value_order(m: Any) -> tuple[Any, ...]:
    """The account's first-value milestone comes first in this order: the first flagged one
    in ladder order, else the first of the ladder (``domain.ladder.first_value_milestone``)."""
    return case((m.first_value.is_(True), 0), else_=1), m.position, m.id


def join_first_value(
    query: Select[Any], f: Any, session: Session, chosen: AccountFilter
) -> Select[Any]:
    """``query`` (over the ``chosen`` accounts) with each account's first-value milestone
    joined as ``f`` (an alias of ``AccountMilestone``; no row: NULLs).

    Two forms of one rule (``_first_value_order``), each where it is faster (50,000
    accounts, 600,000 milestones): PostgreSQL ranks every milestone in one window pass
    (0.37 s, against 1.1 s for a subquery per account); SQLite runs two subqueries per
    account that walk the order in its two steps (against 1.7 s for the window).
    ``tests/team`` compares the figures of one book on both;
    ``tests/store/test_first_value_figures.py`` checks ties and unflagged ladders.
    """
    if on_server(session):
        m = aliased(AccountMilestone)
        ranked = (
            select(
                m.id,
                m.account_id,
                func.row_number()
                .over(partition_by=m.account_id, order_by=_first_value_order(m))
                .label("rank"),
            )
            .where(m.account_id.in_(chosen.account_ids()))
            .subquery()
        )
        return query.outerjoin(
            ranked, and_(ranked.c.account_id == Account.id, ranked.c.rank == 1)
        ).outerjoin(f, f.id == ranked.c.id)
    # On SQLite the order is walked in two steps, each on the (account, position) index
    # without a sort: the first flagged milestone in ladder order, else the first of the
    # ladder. The flagged one is near the top of a ladder, so a few rows are read per
    # account instead of the whole ladder sorted (0.22 s against 0.43 s).
    flagged, top = aliased(AccountMilestone), aliased(AccountMilestone)
    flagged_id = (
        select(flagged.id)
        .where(flagged.account_id == Account.id, flagged.first_value.is_(True))
        .order_by(flagged.position, flagged.id)
        .limit(1)
        .scalar_subquery()
    )
    top_id = (
        select(top.id)
        .where(top.account_id == Account.id)
        .order_by(top.position, top.id)
        .limit(1)
        .scalar_subquery()
    )
    return query.outerjoin(f, f.id == func.coalesce(flagged_id, top_id))


def milestone_columns(f: Any, role: Any = Role) -> tuple[Any, ...]:
    """A milestone's columns for ``milestone_of`` (its role joined as ``role``)."""
    return (
        f.title, role.name, f.target_day, f.due_on, f.status, f.achieved_on, f.first_value, f.id,
    )  # fmt: skip


_STATUSES = {status.value: status for status in Status}


def milestone_of(row: Any, kickoff: dt.date | None) -> Milestone | None:
    """The milestone of ``milestone_columns``' values; None when there was none or it
    cannot be scheduled (no due date of its own and no K, like ``account_ladders``)."""
    title, role, target, due, status, achieved_on, first_value, milestone_id = row
    if milestone_id is None:
        return None
    scheduled = due_on(due, kickoff, target)
    if scheduled is None:
        return None
    return Milestone(
        title, role, target, scheduled,
        _STATUSES.get(status, Status.NOT_STARTED), achieved_on, bool(first_value),
        id=milestone_id,
    )  # fmt: skip


NO_COUNTS = (0, 0, 0) + (0,) * len(CHECKPOINTS)
"""``counts_by_account`` of an account without milestones: nothing achieved, on time,
overdue or missed."""


@dataclass(frozen=True, slots=True)
class StepCounts:
    """One ladder step (title, role) of a playbook: accounts that achieved it of those that
    did not skip it (``domain.metrics.funnel``)."""

    playbook: str | None
    title: str
    role: str
    achieved: int
    counted: int


def step_counts(
    session: Session, chosen: AccountFilter, today: dt.date, *, portable: bool = False
) -> list[StepCounts]:
    """Every (playbook, title, role) step of the chosen accounts' ladders, in no set order.

    A server groups the milestones by step itself. SQLite would sort all of them for the
    GROUP BY (0.85 of the query's 1.1 s CPU at 50,000 accounts), so there each milestone
    becomes one short text (``_tally``) that Python counts (``portable``: the grouped form
    there too, for the tests)."""
    m = AccountMilestone
    state = AsOf(m, bindparam("today", today, type_=Date))
    # Grouped by ids, named afterwards: joining role and playbook names to 600,000 rows
    # costs more than the grouping (the service merges a playbook's versions by name). No
    # account name in the grouping: sorting it with every row took a third of the query
    # (``steps_in_name_order`` finds the first account of the steps that need one).
    steps = (
        select(Account.playbook_id, m.title, m.role_id)
        .select_from(m)
        .join(Account, Account.id == m.account_id)
        .where(with_kickoff(chosen))
    )
    playbooks: dict[int, str] = {
        row[0]: row[1] for row in session.execute(select(Playbook.id, Playbook.name))
    }
    roles: dict[int, str] = {row[0]: row[1] for row in session.execute(select(Role.id, Role.name))}
    rows: Sequence[Any] | None = None
    if use_fast_path(session, portable):
        rows = _tally(session, steps, state, playbooks, roles)
    if rows is None:
        grouped = steps.add_columns(state.achieved(), state.counted())
        rows = session.execute(grouped.group_by(Account.playbook_id, m.title, m.role_id)).all()
    return [
        StepCounts(
            playbooks.get(row[0]) if row[0] is not None else None,
            row[1],
            roles[row[2]],
            int(row[3]),
            int(row[4]),
        )
        for row in rows
    ]


_NO_PLAYBOOK_CODE = 0x100
"""The code of "no playbook" in a step's text; a playbook or role id ``n`` is ``n + 0x101``
(clear of the control characters, one of which separates the texts)."""
_LAST_ID = 0xD7FF - 0x101
"""Ids up to here have a code below the surrogates, which are no characters."""
_SEPARATOR = "\x1e"


def _tally(
    session: Session,
    steps: Select[int | None, str, int],
    state: AsOf,
    playbooks: Mapping[int, str],
    roles: Mapping[int, str],
) -> list[tuple[Any, ...]] | None:
    """``step_counts``' grouped rows (playbook id, title, role id, achieved, counted) added
    up in Python: SQLite joins one text per milestone, its playbook id, role id and
    ``AsOf.standing`` as one character each, then its title; ``Counter`` counts the texts
    (0.7 s against 1.1 s CPU at 50,000 accounts: no sort, no row objects). None when the
    ids are too big for a character or a title holds the separator (a text more than the
    milestones): the grouped query answers then."""
    if any(not 0 <= n <= _LAST_ID for n in (*playbooks, *roles)):
        return None
    a, m = Account, AccountMilestone
    text = func.char(
        func.coalesce(a.playbook_id + 0x101, _NO_PLAYBOOK_CODE),
        m.role_id + 0x101,
        state.standing() + ord("0"),
    ).op("||")(m.title)
    milestones, joined = session.execute(
        steps.with_only_columns(func.count(), func.group_concat(text, _SEPARATOR))
    ).one()
    texts = joined.split(_SEPARATOR) if joined is not None else []
    if len(texts) != milestones:
        return None
    totals: dict[tuple[Any, ...], list[int]] = {}
    for text_of, count in Counter(texts).items():
        playbook_code, role_code, standing = map(ord, text_of[:3])
        playbook_id = None if playbook_code == _NO_PLAYBOOK_CODE else playbook_code - 0x101
        sums = totals.setdefault((playbook_id, text_of[3:], role_code - 0x101), [0, 0])
        if standing - ord("0") == _ACHIEVED:
            sums[0] += count
        if standing - ord("0") != _SKIPPED:
            sums[1] += count
    return [(*step, achieved, counted) for step, (achieved, counted) in totals.items()]


def steps_in_name_order(
    session: Session, chosen: AccountFilter
) -> Iterator[tuple[str | None, str, str]]:
    """(playbook, title, role) of every milestone of the chosen accounts with a K, walking
    the accounts by name and each ladder in order. Read lazily, so a caller may stop early:
    SQLite's name and ladder indexes give this order without a sort, and a server sends the
    rows in batches (a server-side cursor; psycopg would otherwise fetch all of them)."""
    m = AccountMilestone
    query = (
        select(Playbook.name, m.title, Role.name)
        .select_from(Account)
        .join(m, m.account_id == Account.id)
        .outerjoin(Playbook, Playbook.id == Account.playbook_id)
        .join(Role, Role.id == m.role_id)
        .where(with_kickoff(chosen))
        .order_by(Account.name, m.position, m.id)
    )
    # Core: the ORM would fetch every row first
    result = session.connection().execute(query.execution_options(yield_per=1_000))
    try:
        for row in result:
            yield row[0], row[1], row[2]
    finally:
        result.close()


__all__ = [
    "NO_COUNTS",
    "AsOf",
    "StepCounts",
    "achieved_later",
    "as_stored",
    "counts_by_account",
    "days_after",
    "due_date",
    "join_first_value",
    "kickoff_date",
    "ladder_counts",
    "milestone_columns",
    "milestone_of",
    "step_counts",
    "steps_in_name_order",
    "with_kickoff",
]
