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

from sqlalchemy import Date, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from csm_desktop.domain.ladder import Milestone
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.models import Account, AccountMilestone, Playbook, Role
from csm_desktop.store.queries.ladder_figures import (
    days_after,
    first_value_id,
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


def _next_open_id(today: Any) -> Any:
    n, own = aliased(AccountMilestone), aliased(Account)
    # K from the milestone's own account row: SQLite cannot read the outer account in the
    # ORDER BY of a subquery that sits in a join's ON clause.
    kickoff = func.coalesce(own.kickoff_on, own.signed_on, type_=Date)
    due = func.coalesce(n.due_on, days_after(kickoff, n.target_day), type_=Date)
    done = (Status.ACHIEVED.value, Status.SKIPPED.value)
    return (
        select(n.id)
        .join(own, own.id == n.account_id)
        .where(
            n.account_id == Account.id,
            or_(n.status.is_(None), n.status.not_in(done), n.achieved_on > today),
        )
        .order_by(due, n.position, n.id)
        .limit(1)
        .scalar_subquery()
    )


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
    accounts = (
        select(
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
        )
        .outerjoin(Playbook, Playbook.id == Account.playbook_id)
        .outerjoin(f, f.id == first_value_id())
        .outerjoin(f_role, f_role.id == f.role_id)
        .outerjoin(u, u.id == _next_open_id(on))
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
