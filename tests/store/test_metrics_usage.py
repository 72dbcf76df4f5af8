"""The usage facts the store sends (a few values per account) give the domain's answers.

``store.queries.usage.usage_facts`` thins each account's usage to what the metrics read
(one day per unlock window, the latest active day, the weeks used); the reference is
``UsageFacts.from_counts`` over every usage row of the account. Adoption after unlock,
health and repeat usage must come out the same from both, in every form of the loader
(SQLite's raw SQL, the Core forms, a server's: ``--backend postgresql``), on hand-built
books with the edges of each rule and on several dates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.metrics import (
    AccountFacts,
    UsageFacts,
    adoption_after_unlock,
    health,
    last_complete_iso_weeks,
    repeat_usage,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Role, UsageEvent
from csm_desktop.store.queries.ladders import account_ladders
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.usage import usage_facts
from tests.store.test_ladder_figures import edge_case_book
from tests.store.test_query_forms import hand_built_book

TODAY = dt.date(2026, 3, 1)
ALL_CLOSED = dt.date(2026, 3, 21)
"""The day the last unlock window of ``unlock_window_book`` (U+40 + 30) has closed."""


def unlock_window_book(book: Database) -> None:
    """Accounts unlocking features on U = 2026-01-10, used on the edges of U+1 … U+30.

    On: used on U (not in the window) and on U+1 (adopted). Last: used on U+30 only
    (adopted). Late: used on U+31 only (not adopted). Zero: a count of 0 on U+5 (not).
    Other: used another feature on U+2 (not). Two: unlocked feat_a twice (U and U+40),
    used on U+35 and U+41: the first window has no use, the second has. Twice: two
    features unlocked on U, only feat_b used (U+3). None: "unknown" is unlocked, a feature
    no usage row names. Each also has an achieved milestone that unlocks nothing.
    """
    unlocked = dt.date(2026, 1, 10)

    def on(days: int) -> dt.date:
        return unlocked + dt.timedelta(days=days)

    plan: dict[str, tuple[list[tuple[str, int]], list[tuple[int, str, int]]]] = {
        "On": ([("feat_a", 0)], [(0, "feat_a", 1), (1, "feat_a", 2)]),
        "Last": ([("feat_a", 0)], [(30, "feat_a", 1)]),
        "Late": ([("feat_a", 0)], [(31, "feat_a", 1)]),
        "Zero": ([("feat_a", 0)], [(5, "feat_a", 0)]),
        "Other": ([("feat_a", 0)], [(2, "feat_b", 4)]),
        "Two": ([("feat_a", 0), ("feat_a", 40)], [(35, "feat_a", 1), (41, "feat_a", 1)]),
        "Twice": ([("feat_a", 0), ("feat_b", 0)], [(3, "feat_b", 1)]),
        "None": ([("unknown", 0)], [(1, "feat_a", 1)]),
    }
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        for name, (unlocks, usage) in plan.items():
            account = Account(name=name, kickoff_on=dt.date(2026, 1, 1))
            session.add(account)
            session.flush()
            for position, (feature, day) in enumerate([*unlocks, (None, 0)]):
                session.add(
                    AccountMilestone(
                        account_id=account.id, position=position, title=f"Step {position}",
                        role_id=role.id, target_day=10, status="achieved", achieved_on=on(day),
                        unlocks=feature,
                    )
                )  # fmt: skip
            for day, feature, count in usage:
                session.add(
                    UsageEvent(account_id=account.id, day=on(day), feature=feature, count=count)
                )


def every_row(book: Database) -> dict[int, list[tuple[dt.date, str, int]]]:
    e = UsageEvent
    rows: dict[int, list[tuple[dt.date, str, int]]] = {}
    with book.session() as session:
        for account_id, day, feature, count in session.execute(
            select(e.account_id, e.day, e.feature, e.count)
        ):
            rows.setdefault(account_id, []).append((day, feature, count))
    return rows


def figures(account: AccountFacts, today: dt.date) -> tuple[object, ...]:
    return (
        adoption_after_unlock(account, today),
        health(account, today),
        repeat_usage(account, today),
    )


def assert_loader_gives_the_domain_figures(book: Database, today: dt.date) -> int:
    """Every loader form against the reference; returns how many unlocks were judged."""
    rows = every_row(book)
    judged = 0
    for chosen in (AccountFilter(), AccountFilter(include_archived=True)):
        with book.session() as session:
            ladders = [row for row in account_ladders(session, chosen) if row.kickoff]
            loaded = {
                portable: usage_facts(session, chosen, today, full=True, portable=portable)
                for portable in (False, True)
            }
        assert loaded[False] == loaded[True]
        for row in ladders:
            assert row.kickoff is not None
            reference = AccountFacts(
                row.name, row.kickoff, tuple(row.milestones),
                usage=UsageFacts.from_counts(rows.get(row.id, []), today),
            )  # fmt: skip
            thinned = AccountFacts(
                row.name, row.kickoff, tuple(row.milestones),
                usage=loaded[False].get(row.id, UsageFacts()),
            )  # fmt: skip
            assert figures(thinned, today) == figures(reference, today), (row.name, today)
            judged += sum(a.adopted is not None for a in adoption_after_unlock(reference, today))
    return judged


@pytest.mark.parametrize(
    "today",
    [TODAY, dt.date(2026, 2, 9), dt.date(2026, 2, 10), ALL_CLOSED, dt.date(2026, 6, 1)],
)
def test_unlock_windows_give_the_domain_adoption(book: Database, today: dt.date) -> None:
    unlock_window_book(book)
    judged = assert_loader_gives_the_domain_figures(book, today)
    if today >= ALL_CLOSED:  # not vacuous: all 10 unlocks judged, with and without archived
        assert judged == 20


def test_unlock_windows_as_counted_by_hand(book: Database) -> None:
    unlock_window_book(book)
    with book.session() as session:
        ladders = {row.id: row for row in account_ladders(session, AccountFilter())}
        facts = usage_facts(session, AccountFilter(), ALL_CLOSED, full=True)
    adopted = {}
    for account_id, row in ladders.items():
        assert row.kickoff is not None
        account = AccountFacts(
            row.name, row.kickoff, tuple(row.milestones), usage=facts.get(account_id, UsageFacts())
        )
        adopted[row.name] = [a.adopted for a in adoption_after_unlock(account, ALL_CLOSED)]
    assert adopted == {
        "On": [True],
        "Last": [True],
        "Late": [False],
        "Zero": [False],
        "Other": [False],
        "Two": [False, True],
        "Twice": [False, True],
        "None": [False],
    }


@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 1, 20), dt.date(2026, 4, 15)])
def test_the_edge_case_books_give_the_domain_figures(book: Database, today: dt.date) -> None:
    hand_built_book(book)
    edge_case_book(book)
    assert_loader_gives_the_domain_figures(book, today)


WEEKS_TODAY = dt.date(2026, 3, 4)  # a Wednesday: its own week is not complete


def week_edges_book(book: Database) -> None:
    """Usage on the edges of the last four complete ISO weeks, for key workflows.

    Edge used feat_a on the first Monday (week 1), with a count of 0 in week 2, on the last
    Sunday (week 4) and on today's Monday (outside), feat_b the day before the first Monday
    (outside) and in weeks 2 and 3: feat_a 2 weeks, feat_b 2. Busy used feat_a and
    feat_c (not a key workflow) every day of the four weeks: feat_a 4 weeks (a repeat
    workflow), feat_b 0. Both have feat_a and feat_b as key workflows.
    """
    (first, _), (second, _), (third, _), (_, last) = last_complete_iso_weeks(WEEKS_TODAY)
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        usage = {
            "Edge": [
                (first - dt.timedelta(days=1), "feat_b", 3),
                (first, "feat_a", 1),
                (second + dt.timedelta(days=2), "feat_a", 0),
                (last, "feat_a", 2),
                (last + dt.timedelta(days=1), "feat_a", 5),
                (second, "feat_b", 1),
                (third + dt.timedelta(days=6), "feat_b", 1),
            ],
            "Busy": [
                (first + dt.timedelta(days=n), feature, 1)
                for n in range(28)
                for feature in ("feat_a", "feat_c")
            ],
        }
        for name, rows in usage.items():
            account = Account(name=name, kickoff_on=dt.date(2026, 1, 1))
            session.add(account)
            session.flush()
            for position, feature in enumerate(("feat_a", "feat_b")):
                session.add(
                    AccountMilestone(
                        account_id=account.id, position=position, title=feature,
                        role_id=role.id, target_day=10, status="in progress", unlocks=feature,
                    )
                )  # fmt: skip
            for day, feature, count in rows:
                session.add(
                    UsageEvent(account_id=account.id, day=day, feature=feature, count=count)
                )


def test_week_edges_give_the_domain_repeat_usage(book: Database) -> None:
    week_edges_book(book)
    for today in (WEEKS_TODAY, WEEKS_TODAY + dt.timedelta(days=5), WEEKS_TODAY + dt.timedelta(7)):
        assert_loader_gives_the_domain_figures(book, today)
    with book.session() as session:
        ladders = account_ladders(session, AccountFilter())
        facts = usage_facts(session, AccountFilter(), WEEKS_TODAY, full=True)
    used = {
        row.name: repeat_usage(
            AccountFacts(row.name, dt.date(2026, 1, 1), tuple(row.milestones), usage=facts[row.id]),
            WEEKS_TODAY,
        )
        for row in ladders
    }
    assert used == {"Edge": {"feat_a": 2, "feat_b": 2}, "Busy": {"feat_a": 4, "feat_b": 0}}
