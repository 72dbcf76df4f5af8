"""Each account's first-value verdicts decided in SQL, for the portfolio summary of a big book.

The summary needs, per account, three small facts about its first-value milestone: the
time to first value, whether it came within its target and whether the account is off
track. Handing the milestone to Python for the domain's functions cost more than the
database's whole count at 50,000 accounts (a ``Milestone`` and an ``AccountFacts`` per
account, five dates parsed). Each fact here is the SQL spelling of one domain function,
named beside it and read as of ``today`` exactly like ``domain.ladder.as_of`` (an
achievement dated after today has not happened yet, whatever the status says);
``tests/store/test_first_value_figures.py`` compares them with the domain functions,
account by account, on hand-built books over many dates, on the demo book and on
PostgreSQL. Dates are compared as day numbers (``store.day_numbers``), the same on every
database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, case, or_, select
from sqlalchemy.orm import Session, aliased

from csm_desktop.domain.metrics.account import OFF_TRACK_GRACE_DAYS
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.day_numbers import day_number, day_number_of
from csm_desktop.store.models import Account, AccountMilestone, Playbook
from csm_desktop.store.queries.ladder_figures import (
    achieved_later,
    due_date,
    join_first_value,
    kickoff_date,
    with_kickoff,
)
from csm_desktop.store.queries.selection import AccountFilter

_ACHIEVED, _SKIPPED = Status.ACHIEVED.value, Status.SKIPPED.value

FirstValueRow = tuple[int, str | None, dt.date, int | None, int | None, int]
"""(account id, playbook, K, time to first value, within target, off track)."""


class _FirstValue:
    """An account's first-value milestone ``f`` (NULLs when it has none) beside its K."""

    def __init__(self, f: Any, today: dt.date) -> None:
        self.f = f
        self.today = bindparam("today", today, type_=Date)
        self.today_day = bindparam("today_day", day_number(today), type_=Integer)
        self.kickoff_day = day_number_of(kickoff_date())
        self.later = achieved_later(f, self.today)
        """Achieved after today: still in progress today (``domain.ladder.as_of``)."""
        self.due_day = due_date(f, self.kickoff_day, day_numbers=True)
        """Its due date as a day number (``domain.ladder.due_on``)."""

    def ttfv_days(self) -> Any:
        """``domain.metrics.time_to_first_value``: days from K to its achievement; NULL
        while not achieved (as of today) or achieved without a day."""
        f = self.f
        return case(
            (self.later, None),
            (and_(f.status == _ACHIEVED, f.achieved_on.is_not(None)), self._achieved_day()),
            else_=None,
        )

    def within_target(self) -> Any:
        """``domain.metrics.first_value_within_target`` as 1 / 0 / NULL: achieved on a day
        ≤ its target day; NULL without a milestone, when skipped, or open and not past due;
        0 when achieved without a day or open and past due."""
        f = self.f
        not_due_yet = self.due_day >= self.today_day
        on_target = and_(f.achieved_on.is_not(None), self._achieved_day() <= f.target_day)
        return case(
            (f.id.is_(None), None),
            (self.later, case((not_due_yet, None), else_=0)),
            (f.status == _ACHIEVED, case((on_target, 1), else_=0)),
            (or_(f.status == _SKIPPED, not_due_yet), None),
            else_=0,
        )

    def off_track(self) -> Any:
        """The off-track rule of ``domain.metrics.health`` as 1 / 0: the milestone is still
        open (as of today) and today is more than ``OFF_TRACK_GRACE_DAYS`` past its due
        date."""
        f = self.f
        still_open = or_(self.later, f.status.not_in((_ACHIEVED, _SKIPPED)))
        late = self.today_day - self.due_day > OFF_TRACK_GRACE_DAYS
        return case((and_(f.id.is_not(None), still_open, late), 1), else_=0)

    def _achieved_day(self) -> Any:
        return day_number_of(self.f.achieved_on) - self.kickoff_day


def first_value_rows(
    session: Session, chosen: AccountFilter, today: dt.date
) -> Iterator[FirstValueRow]:
    """Per chosen account with a K, in no set order: (id, playbook, K, time to first value,
    within target, off track), the last three as ``_FirstValue`` words them."""
    f = aliased(AccountMilestone)
    first = _FirstValue(f, today)
    query = join_first_value(
        select(
            Account.id,
            Playbook.name,
            kickoff_date(),
            first.ttfv_days(),
            first.within_target(),
            first.off_track(),
        )
        .select_from(Account)
        .outerjoin(Playbook, Playbook.id == Account.playbook_id),
        f,
        session,
        chosen,
    ).where(with_kickoff(chosen))
    for row in session.connection().execute(query):
        yield row[0], row[1], row[2], row[3], row[4], row[5]


__all__ = ["FirstValueRow", "first_value_rows"]
