"""The SQL spellings of the ladder's date rules equal the domain functions, milestone by milestone.

``store.queries.ladder_figures.due_date`` (as a date and as a day number) and
``achieved_later`` are the one SQL spelling of ``domain.ladder.due_on`` and of ``as_of``'s
"achieved after today", used by the Book, the portfolio summary, the first-value verdicts,
the unlock counts and Today. Here each is read for every milestone of a hand-built book
(own due dates or none, K from a kickoff or a signed-on date or none, target days across a
leap day and a year end, achievements before, on and after the day asked) on several days,
and compared with the domain; with ``--backend postgresql`` on a server book.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, bindparam, select

from csm_desktop.domain.ladder import Milestone, as_of, due_on, reference_date
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.database import Database
from csm_desktop.store.day_numbers import day_number, day_number_of
from csm_desktop.store.models import Account, AccountMilestone, Role
from csm_desktop.store.queries.ladder_figures import achieved_later, due_date, kickoff_date

D = dt.date


def rules_book(book: Database) -> None:
    """Kicked off 2024-02-20 (a leap year), signed 2025-12-25 without a kickoff (K is the
    signing), kicked off after signing, and no K at all; each with milestones whose own due
    date is set or not, target days 0 … 400, achieved never, early, on or after 2024-03-01."""
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        accounts = [
            Account(name="Leap", kickoff_on=D(2024, 2, 20)),
            Account(name="Signed", signed_on=D(2025, 12, 25)),
            Account(name="Both", signed_on=D(2023, 5, 1), kickoff_on=D(2023, 6, 30)),
            Account(name="No K"),
        ]
        session.add_all(accounts)
        session.flush()
        plans = [
            (0, None, None),
            (9, None, D(2024, 3, 1)),
            (10, D(2024, 2, 1), D(2024, 2, 29)),
            (7, D(2026, 1, 3), D(2024, 3, 2)),
            (400, None, D(2027, 1, 1)),
            (366, D(2025, 1, 1), None),
        ]
        for account in accounts:
            for position, (target, due, achieved) in enumerate(plans):
                session.add(
                    AccountMilestone(
                        account_id=account.id, position=position, title=f"Step {position}",
                        role_id=role.id, target_day=target, due_on=due, achieved_on=achieved,
                        status=Status.ACHIEVED.value if achieved else Status.NOT_STARTED.value,
                    )
                )  # fmt: skip


def test_due_date_and_achieved_later_equal_the_domain_rules(book: Database) -> None:
    rules_book(book)
    m = AccountMilestone
    days = (D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1), D(2024, 3, 2), D(2026, 12, 31))
    checked = 0
    with book.session() as session:
        for today in days:
            query = (
                select(
                    Account.kickoff_on, Account.signed_on, m.due_on, m.target_day, m.achieved_on,
                    due_date(m, kickoff_date()),
                    due_date(m, day_number_of(kickoff_date()), day_numbers=True),
                    achieved_later(m, bindparam("today", today, type_=Date)),
                )
                .join(Account, Account.id == m.account_id)
                .order_by(m.id)
            )  # fmt: skip
            for row in session.execute(query):
                kickoff_on, signed_on, own, target, achieved_on, due, due_day, later = row
                expected = due_on(own, reference_date(kickoff_on, signed_on), target)
                assert due == expected
                assert due_day == (None if expected is None else day_number(expected))
                milestone = Milestone(
                    "Step", "Role", target, expected or D(2024, 1, 1), Status.ACHIEVED, achieved_on
                )
                seen = as_of(milestone, today)
                assert bool(later) == (achieved_on is not None and seen.achieved_on is None)
                assert bool(later) == (seen.status is Status.IN_PROGRESS)
                checked += 1
    assert checked == len(days) * 24
