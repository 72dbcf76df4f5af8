"""The part of each ladder the Today list reads, chosen by the database (issue 17).

``domain.nudges.account_nudges`` walks an account's whole ladder, but a 50,000-account
book's 600,000 milestones are mostly achieved or skipped, and of those the rules read only
the achieved ones that unlocked something ``unused_unlock_days`` … ``unlock_window_days``
ago ("unlock unused"). Every other rule, and a message's "next milestone", reads open
milestones only; the one that reads the rest, ``domain.ladder.completion`` for "renewal",
asks only about accounts renewing within ``renewal_days``, and for them the database counts
the achieved and the counted milestones (``domain.nudges.LadderCounts``).

Of the open milestones most are late or far off, and the rules name few of them: every
one with a met criterion or due within ``due_soon_days``, the late first-value ones, and
of the others ("plain") only the one due first ("overdue" when late, "stalled") and the
one due next (a message's "next milestone"). The database says which rows are plain and
which are late; the late ones are counted ("3 more overdue"), and of the plain ones only
the two due first (ladder order breaking ties) become ``Milestone``s.

So a page of accounts is four queries: the accounts, the role names, their open milestones
and recent unlocks in ladder order (40 % of the 50,000-account book's milestones; half of
those become objects), and the counts of the renewing ones.
``tests/store/test_today_lines.py`` proves the lines and messages built from these partial
ladders equal those of the whole ladders, on hand-built edge cases, the demo book and
PostgreSQL.

The query is SQLAlchemy Core on the tables (``tables``: reading Today's first page at
start-up does not configure the ORM), the same on every database (dates as in ``ladder_figures``);
on SQLite its compiled text runs on the raw cursor (``fast_path``): a big book's rows cost
more in SQLAlchemy's row processing than in the query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.nudges import LadderCounts, NudgeRules
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.queries.fast_path import day, raw_cursor, use_fast_path
from csm_desktop.store.queries.ladder_figures import as_stored, due_date, kickoff_date
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.tables import account as account_table
from csm_desktop.store.queries.tables import account_milestone, role
from csm_desktop.store.queries.usage_rows import used_after


@dataclass(slots=True)
class TodayLadder:
    """One account with the part of its ladder Today reads (in ladder order)."""

    id: int
    name: str
    owner: str | None
    kickoff: dt.date | None
    renewal_on: dt.date | None
    late: int | None = None
    """Open milestones due before today whose criterion is not met, all of them (None:
    ``milestones`` is the whole ladder)."""
    counts: LadderCounts | None = None
    """The whole ladder's counts, for an account renewing within ``renewal_days``."""
    milestones: list[Milestone] = field(default_factory=list)
    unlocks_used: frozenset[int] = frozenset()
    """Of the unlocks in the window, those whose feature was used since (``unlocks_used``).
    Shared by the (many) accounts with none: a set each cost 50,000 of them."""


class StartedLadders:
    """The milestones query of ``today_ladders`` for one reading, already run by the
    database, its rows not yet taken (``start_ladders``)."""

    def __init__(
        self,
        session: Session,
        chosen: AccountFilter,
        today: dt.date,
        rules: NudgeRules,
        *,
        portable: bool = False,
    ) -> None:
        self.reading = (chosen, today, rules)
        # The raw cursor inlines the query's values: only for filters made of ids and flags.
        typed = (chosen.segment, chosen.owner, chosen.playbook) != (None, None, None)
        self.fast = use_fast_path(session, portable) and not typed
        query = _Parts(chosen, today, rules).milestones()
        self._rows: Any = raw_cursor(session, query) if self.fast else _rows(session, query)

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows, taken once; the cursor is closed then."""
        rows, self._rows = self._rows, []
        if isinstance(rows, list):
            return rows
        taken: list[tuple[Any, ...]] = rows.fetchall()
        rows.close()
        return taken

    def close(self) -> None:
        """Rows not taken are dropped (the accounts query found none, the page was
        cancelled or failed). A SQLite cursor left open would keep its connection's read
        snapshot when the pool takes it back: the next session on it would read an old book
        and be refused its first write."""
        if not isinstance(self._rows, list):
            self._rows.close()
        self._rows = []


def start_ladders(
    session: Session, chosen: AccountFilter, today: dt.date, rules: NudgeRules
) -> StartedLadders:
    """Runs the milestones query of ``today_ladders`` now and leaves its rows in the
    database (on SQLite: in the sorted result, see ``_Parts.milestones``).

    The Today list reads a big book page by page; a second connection starts the next page
    in a thread while this one builds the lines of the page before: SQLite does the
    query's work with the interpreter released, then only the rows are left to take.
    ``today_ladders(session, …, started=…)`` on the same session reads the page; its other
    queries then run while this one's read is still open, in the same snapshot."""
    return StartedLadders(session, chosen, today, rules)


def today_ladders(
    session: Session,
    chosen: AccountFilter,
    today: dt.date,
    rules: NudgeRules,
    *,
    portable: bool = False,
    started: StartedLadders | None = None,
    messages: dict[int, tuple[int | None, str]] | None = None,
) -> list[TodayLadder]:
    """The chosen accounts in id order, each with the milestones Today reads (the
    milestones query ``started`` on this session, when given: ``start_ladders``).

    ``messages`` gets, per milestone read, its template id (whose messages fill a nudge)
    and its cue: one dict for the reading, not one per account merged afterwards."""
    if started is None:
        started = StartedLadders(session, chosen, today, rules, portable=portable)
    assert started.reading == (chosen, today, rules)
    fast = started.fast
    rows = _raw_rows if fast else _rows
    date: Callable[[Any], dt.date | None] = day if fast else _same
    due: Callable[[Any], dt.date] = day.parse if fast else _same_day
    a = account_table.c
    accounts = {
        row[0]: TodayLadder(row[0], row[1], row[2], date(row[3]), date(row[4]), 0)
        for row in rows(
            session,
            select(a.id, a.name, a.owner, kickoff_date(), a.renewal_on)
            .where(chosen.clause())
            .order_by(a.id),
        )
    }
    if not accounts:
        started.close()
        return []
    parts = _Parts(chosen, today, rules)
    horizon = today + dt.timedelta(days=rules.renewal_days)
    renewing = [
        a.id for a in accounts.values() if a.renewal_on and today <= a.renewal_on <= horizon
    ]
    if renewing:  # only their ladders are counted; a page with none reads no ladder here
        for account_id, achieved, counted in rows(session, parts.counts(renewing)):
            accounts[account_id].counts = LadderCounts(int(achieved), int(counted))
    roles = dict(rows(session, select(role.c.id, role.c.name)))
    if messages is None:
        messages = {}
    account: TodayLadder | None = None
    # Of an account's plain rows (``_PLAIN`` in ``row[_FLAGS]``) only the two due first are
    # named; rows come in ladder order, so on equal due dates the earlier one is first. The
    # two kept so far, as (due, milestone), ``first`` due first:
    first: tuple[Any, Milestone] | None = None
    second: tuple[Any, Milestone] | None = None
    for row in started.rows():
        if account is None or account.id != row[0]:
            account = accounts.get(row[0])
            first = second = None
        if account is None:  # archived or deleted since its milestones were read (a team
            continue  # server reads each query in its own snapshot): the next read drops it
        flags = row[_FLAGS]
        if flags & _LATE:
            account.late = (account.late or 0) + 1
        plain = flags & _PLAIN
        if plain and second is not None and row[5] >= second[0]:
            continue  # due on or after the two kept: never named
        milestone = Milestone(
            # Positional, in field order (as ``ladders._assemble`` does).
            row[2], roles.get(row[3], ""), row[4], due(row[5]), _STATUSES[flags >> _STATUS_SHIFT],
            row[6] and due(row[6]), bool(flags & _FIRST_VALUE), row[7], row[8], row[9],
            row[10], row[11] and due(row[11]), row[1], row[12],
        )  # fmt: skip
        account.milestones.append(milestone)
        messages[row[1]] = (row[13], row[14])
        if flags & _USED:
            account.unlocks_used |= {row[1]}
        if plain:
            if second is not None:  # due before it: it is the third now
                _drop(account, second[1], messages)
            if first is None:
                first = (row[5], milestone)
            elif row[5] < first[0]:
                first, second = (row[5], milestone), first
            else:
                second = (row[5], milestone)
    return list(accounts.values())


def _drop(
    account: TodayLadder, milestone: Milestone, messages: dict[int, tuple[int | None, str]]
) -> None:
    """Takes back a plain milestone that two others due before it displaced."""
    ladder = account.milestones
    for n in range(len(ladder) - 1, -1, -1):
        if ladder[n] is milestone:
            del ladder[n]
            del messages[milestone.id or 0]
            return


_FLAGS = 15
_LATE, _PLAIN, _USED, _FIRST_VALUE, _STATUS_SHIFT = 1, 2, 4, 8, 4
"""A milestone row's last column holds its flags (one number, not five columns: each
column of 240,000 rows costs the 50,000-account book's reading 0.02-0.03 s of the
interpreter, a text one like the status twice that; issue 17): late (open, criterion not
met, due before today: how ``account_nudges`` sorts them), plain (open, criterion not met,
neither due soon nor a late first-value one), for an unlock in the window used since
(``activity.unlocks_used``'s rule), first value, and from bit ``_STATUS_SHIFT`` on the status's
place in ``_STATUSES``."""
_STATUSES = tuple(Status)
"""``Status.is_open``: a status no one knows reads as not started, the first."""


def _rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(query)]


def _raw_rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = raw_cursor(session, query).fetchall()
    return found


def _same(value: Any) -> dt.date | None:
    return value  # type: ignore[no-any-return]


def _same_day(value: Any) -> dt.date:
    return value  # type: ignore[no-any-return]


class _Parts:
    """The SQL spelling of what the rules read, for one reading (``today``, the accounts)."""

    def __init__(self, chosen: AccountFilter, today: dt.date, rules: NudgeRules) -> None:
        m = account_milestone.c
        self.today = today
        self.rules = rules
        self.due = due_date(m, kickoff_date())
        """``domain.ladder.due_on``; a milestone without one is not in the ladder at all."""
        self.chosen = and_(chosen.clause(), self.due.is_not(None))

    def _from(self, *columns: Any) -> Any:
        m = account_milestone.c
        return (
            select(*columns)
            .select_from(account_milestone)
            .join(account_table, account_table.c.id == m.account_id)
        )

    def counts(self, renewing: list[int]) -> Any:
        """Per account of ``renewing`` (those renewing within ``renewal_days``, found by the
        accounts query): achieved, counted (not skipped)."""
        m = account_milestone.c
        return (
            self._from(
                m.account_id,
                func.sum(case((m.status == Status.ACHIEVED.value, 1), else_=0)),
                func.sum(case((m.status == Status.SKIPPED.value, 0), else_=1)),
            )
            .where(self.chosen, m.account_id.in_(renewing))
            .group_by(m.account_id)
        )

    def milestones(self) -> Any:
        """The open milestones (``Status.is_open``: a status no one knows reads as not
        started) and the achieved ones that unlocked something within the unlock window,
        in ladder order (account, position, id), each flagged when late and when plain."""
        m = account_milestone.c
        today, rules = self.today, self.rules
        is_open = m.status.not_in((Status.ACHIEVED.value, Status.SKIPPED.value))
        # Dates compared as stored (``as_stored``: on SQLite without the column's numeric
        # affinity, which tried to read each date text as a number first).
        met = and_(m.criterion_met_on.is_not(None), as_stored(m.criterion_met_on) <= today)
        late = and_(is_open, ~met, self.due < today)
        soon = self.due.between(today, today + dt.timedelta(days=rules.due_soon_days))
        plain = and_(is_open, ~met, ~soon, ~and_(late, m.first_value.is_(True)))
        unlocked = and_(
            m.status == Status.ACHIEVED.value,
            m.unlocks.is_not(None),
            as_stored(m.achieved_on) >= today - dt.timedelta(days=rules.unlock_window_days),
            as_stored(m.achieved_on) <= today - dt.timedelta(days=rules.unused_unlock_days),
        )
        used = used_after(m.account_id, m.unlocks, m.achieved_on, today)
        return (
            self._from(
                m.account_id,
                m.id,
                m.title,
                m.role_id,
                m.target_day,
                self.due,
                m.achieved_on,
                m.unlocks,
                m.success_feature,
                m.success_threshold,
                m.success_window_days,
                m.criterion_met_on,
                m.version,
                m.template_id,
                m.cue,
                # ``_FLAGS``. Used is asked only of the unlocks in the window.
                case((late, _LATE), else_=0)
                + case((plain, _PLAIN), else_=0)
                + case((unlocked, case((used, _USED), else_=0)), else_=0)
                + case((m.first_value.is_(True), _FIRST_VALUE), else_=0)
                + case(
                    {status.value: n << _STATUS_SHIFT for n, status in enumerate(_STATUSES)},
                    value=m.status,
                    else_=0,
                ),
            )
            .where(
                self.chosen,
                or_(is_open, unlocked),
            )
            # Sorted by an expression, not along the account/position index: SQLite then
            # builds the whole sorted result in the query's first step (one call that
            # releases the interpreter, ``start_ladders``), not row by row as they are taken.
            .order_by(m.account_id + 0, m.position, m.id)
        )
