"""The Book table's per-account figures, counted by the database (fast at 50,000 accounts).

A Book line shows an account's completion, overdue count, next milestone, health and time to
first value. ``account_ladders`` would hand all 600,000 milestones of a big book to Python
for that; here the database counts them per account (``ladder_figures.ladder_counts``) and
picks two milestones per account, its first-value one and its next open one, so Python sees
one row per account. ``services.book.book_rows`` turns them into ``BookRow``s with the
domain's rules; ``tests/store/test_book_figures.py`` proves the rows equal those computed
from the whole ladders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.models import Account, AccountMilestone, Playbook, Role
from csm_desktop.store.queries.fast_path import on_server
from csm_desktop.store.queries.ladder_figures import (
    achieved_later,
    due_date,
    join_first_value,
    kickoff_date,
    ladder_counts,
    milestone_columns,
    milestone_of,
)
from csm_desktop.store.queries.selection import AccountFilter


@dataclass(frozen=True, slots=True)
class BookFigures:
    """One account's Book line before the rules: its columns and two of its milestones (its
    ladder's counts come from ``book_counts``)."""

    id: int
    name: str
    external_id: str | None
    segment: str | None
    owner: str | None
    playbook: str | None
    arr: float | None
    renewal_on: dt.date | None
    kickoff: dt.date | None
    first_value: Milestone | None
    """None without a K (nothing can be scheduled) or without milestones."""
    upcoming: Milestone | None
    """The open milestone due soonest, ladder order breaking ties (``domain.ladder
    .next_open``); None without a K."""


def _still_open(milestone: Any, today: Any) -> Any:
    """Not achieved or skipped as of ``today`` (``domain.ladder.next_open``'s candidates)."""
    done = (Status.ACHIEVED.value, Status.SKIPPED.value)
    return or_(
        milestone.status.is_(None),
        milestone.status.not_in(done),
        achieved_later(milestone, today),
    )


def _join_next_open(
    query: Select[Any], u: Any, session: Session, chosen: AccountFilter, today: Any
) -> Select[Any]:
    """``query`` (over the ``chosen`` accounts) with each account's upcoming milestone (the
    open one due soonest, ladder order breaking ties: ``domain.ladder.next_open``) joined as
    ``u``. As ``join_first_value``: one window pass on PostgreSQL, a subquery per account on
    SQLite, each the faster there."""
    if not on_server(session):
        return query.outerjoin(u, u.id == _next_open_id(today))
    n, own = aliased(AccountMilestone), aliased(Account)
    kickoff = func.coalesce(own.kickoff_on, own.signed_on, type_=Date)
    ranked = (
        select(
            n.id,
            n.account_id,
            func.row_number()
            .over(partition_by=n.account_id, order_by=(due_date(n, kickoff), n.position, n.id))
            .label("rank"),
        )
        .join(own, own.id == n.account_id)
        .where(n.account_id.in_(chosen.account_ids()), _still_open(n, today))
        .subquery()
    )
    return query.outerjoin(
        ranked, and_(ranked.c.account_id == Account.id, ranked.c.rank == 1)
    ).outerjoin(u, u.id == ranked.c.id)


def _next_open_id(today: Any) -> Any:
    n, own = aliased(AccountMilestone), aliased(Account)
    # K from the milestone's own account row: SQLite cannot read the outer account in the
    # ORDER BY of a subquery that sits in a join's ON clause.
    kickoff = func.coalesce(own.kickoff_on, own.signed_on, type_=Date)
    due = due_date(n, kickoff)
    return (
        select(n.id)
        .join(own, own.id == n.account_id)
        .where(n.account_id == Account.id, _still_open(n, today))
        .order_by(due, n.position, n.id)
        .limit(1)
        .scalar_subquery()
    )


def book_names(session: Session, chosen: AccountFilter) -> list[tuple[int, str]]:
    """(id, name) of every account ``chosen`` covers: what the Book's first screenful is
    picked from, without counting anything."""
    query = select(Account.id, Account.name).where(chosen.clause())
    return [(int(i), str(name)) for i, name in session.execute(query)]


def soonest_due_ids(
    session: Session, chosen: AccountFilter, today: dt.date, count: int, *, latest: bool
) -> list[int]:
    """The ``count`` accounts whose next open milestone is due first (``latest``: last),
    names breaking ties as the Book's rows are read (in name order): the first screenful of
    the Book sorted by Next due.

    The upcoming milestone (``_next_open_id``) is the open one due soonest, so its due date
    is the least due date of the account's open milestones: one grouped pass, not one
    subquery per account (with a K every milestone has a due date: its target day is
    required)."""
    m = AccountMilestone
    soonest = func.min(due_date(m, kickoff_date()))
    query = (
        select(Account.id)
        .join(m, m.account_id == Account.id)
        .where(
            chosen.clause(),
            kickoff_date().is_not(None),
            _still_open(m, bindparam("today", today, type_=Date)),
        )
        .group_by(Account.id, Account.name)
        .order_by(soonest.desc() if latest else soonest, Account.name)
        .limit(count)
    )
    return [int(i) for i in session.scalars(query)]


def book_counts(
    session: Session, chosen: AccountFilter, today: dt.date
) -> dict[int, tuple[int, int, int]]:
    """Per chosen account with milestones: (achieved, counted, overdue); as of today with a
    K (``ladder_figures.ladder_counts``), from the stored statuses without one."""
    counts = {
        row[0]: (int(row[1]), int(row[2]), int(row[4]))
        for row in session.execute(ladder_counts(chosen, today))
    }
    m = AccountMilestone
    for row in session.execute(
        select(
            m.account_id,
            func.sum(case((m.status == Status.ACHIEVED.value, 1), else_=0)),
            func.sum(case((m.status == Status.SKIPPED.value, 0), else_=1)),
        )
        .join(Account, Account.id == m.account_id)
        .where(chosen.clause(), kickoff_date().is_(None))
        .group_by(m.account_id)
    ):
        counts[row[0]] = (int(row[1]), int(row[2]), 0)
    return counts


def book_figures(session: Session, chosen: AccountFilter, today: dt.date) -> list[BookFigures]:
    """Every chosen account (with a K or not) in name order, with its first-value and next
    open milestone."""
    f, u = aliased(AccountMilestone), aliased(AccountMilestone)
    f_role, u_role = aliased(Role), aliased(Role)
    on = bindparam("today", today, type_=Date)
    accounts = select(
        Account.id,
        Account.name,
        Account.external_id,
        Account.segment,
        Account.owner,
        Playbook.name,
        Account.arr,
        Account.renewal_on,
        kickoff_date(),
        *milestone_columns(f, f_role),
        *milestone_columns(u, u_role),
    ).outerjoin(Playbook, Playbook.id == Account.playbook_id)
    accounts = join_first_value(accounts, f, session, chosen).outerjoin(
        f_role, f_role.id == f.role_id
    )
    accounts = (
        _join_next_open(accounts, u, session, chosen, on)
        .outerjoin(u_role, u_role.id == u.role_id)
        .where(chosen.clause())
        .order_by(Account.name)
    )
    result = []
    for row in session.execute(accounts):
        account_id, k = row[0], row[8]
        result.append(
            BookFigures(
                account_id, row[1], row[2], row[3], row[4], row[5], row[6], row[7], k,
                milestone_of(row[9:17], k) if k is not None else None,
                milestone_of(row[17:25], k) if k is not None else None,
            )
        )  # fmt: skip
    return result


__all__ = ["BookFigures", "book_counts", "book_figures"]
