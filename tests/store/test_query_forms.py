"""PostgreSQL's forms of the metrics queries give the portable forms' answers on the same data.

PostgreSQL reads the health facts in one pass over the accounts (``store.queries.usage``);
the portable two passes stay as the reference. Both forms are SQLAlchemy Core, so both run
here on the ``book`` fixture (a book file; with ``--backend postgresql`` a server book), on
a hand-built book with every edge of the rule and on the demo book on several dates and
filters. The unlock-adoption counts (``store.queries.unlock_figures``, one form on every
database) are checked by hand on the same book.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.services.demo import create_demo_book
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Experiment, Role, UsageEvent
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.unlock_figures import UnlockCounts, unlock_counts
from csm_desktop.store.queries.usage import HEALTH_FORMS, SQLITE_HEALTH_FORM

TODAY = dt.date(2026, 3, 1)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def hand_built_book(book: Database) -> dict[str, int]:
    """Eight accounts; the ids by name.

    Health (window 2026-02-16 … 2026-03-01):
    Ann used a feature yesterday and 20 days ago: has data, last active yesterday.
    Ben has only counts of 0 in the window: has data, not active.
    Cal used a feature 20 days ago only, before the window: has data, not active.
    Dee has usage only after today: no data (as of today).
    Eve has no usage. Fay is archived and used it yesterday (counted only with archived).
    Gil used it on the window's first day (13 days ago) and has a count of 0 today.
    Hal has only a count of 0, today: has data (usage on or before today), not active.

    Unlocks (achieved milestones that unlock a feature, as of today):
    Ann unlocked feat_a 60 days ago and used it 55 days ago: adopted. Ann unlocked feat_b
    60 days ago and used it only 29 days ago (U+31): not adopted. Ben unlocked feat_a 50
    days ago and has only a count of 0 of it 45 days ago: not adopted. Cal unlocked feat_a
    10 days ago: pending. Cal unlocked "never_used" (no usage row anywhere) 40 days ago:
    not adopted. Dee's feat_b milestone was achieved after today and Eve's is in progress:
    neither counts. Fay's (archived) feat_a adoption counts only with archived accounts.
    In all: 5 unlocks, 1 pending, 1 adopted (with Fay: 6, 1, 2).
    """
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        names = ("Ann", "Ben", "Cal", "Dee", "Eve", "Fay", "Gil", "Hal")
        accounts = {
            name: Account(name=name, kickoff_on=ago(200), archived=name == "Fay") for name in names
        }
        session.add_all(accounts.values())
        session.flush()
        ids = {name: account.id for name, account in accounts.items()}

        def unlock(name: str, feature: str, status: str, achieved: dt.date | None) -> None:
            session.add(
                AccountMilestone(
                    account_id=ids[name], position=len(feature), title=f"Unlock {feature}",
                    role_id=role.id, target_day=10, status=status, achieved_on=achieved,
                    unlocks=feature,
                )
            )  # fmt: skip

        unlock("Ann", "feat_a", "achieved", ago(60))
        unlock("Ann", "feat_b", "achieved", ago(60))
        unlock("Ben", "feat_a", "achieved", ago(50))
        unlock("Cal", "feat_a", "achieved", ago(10))
        unlock("Cal", "never_used", "achieved", ago(40))
        unlock("Dee", "feat_b", "achieved", TODAY + dt.timedelta(days=1))
        unlock("Eve", "feat_a", "in progress", None)
        unlock("Fay", "feat_a", "achieved", ago(60))
        for name, when, feature, count in (
            ("Ann", ago(1), "login", 3),
            ("Ann", ago(20), "login", 1),
            ("Ann", ago(55), "feat_a", 2),
            ("Ann", ago(29), "feat_b", 4),
            ("Ben", ago(2), "login", 0),
            ("Ben", ago(45), "feat_a", 0),
            ("Cal", ago(20), "login", 5),
            ("Dee", TODAY + dt.timedelta(days=2), "login", 7),
            ("Fay", ago(1), "login", 1),
            ("Fay", ago(55), "feat_a", 1),
            ("Gil", ago(13), "login", 2),
            ("Gil", TODAY, "login", 0),
            ("Hal", TODAY, "login", 0),
        ):
            session.add(UsageEvent(account_id=ids[name], day=when, feature=feature, count=count))
    return ids


def health_by_form(
    book: Database, chosen: AccountFilter, today: dt.date
) -> dict[str, tuple[set[int], dict[int, frozenset[dt.date]]]]:
    quiet_from = today - dt.timedelta(days=13)
    forms = dict(HEALTH_FORMS) if book.on_server else {**HEALTH_FORMS, "SQLite": SQLITE_HEALTH_FORM}
    with book.session() as session:
        return {name: form(session, chosen, today, quiet_from) for name, form in forms.items()}


def unlocks(book: Database, chosen: AccountFilter, today: dt.date) -> UnlockCounts:
    with book.session() as session:
        return unlock_counts(session, chosen, today)


def test_both_health_forms_give_the_hand_computed_facts(book: Database) -> None:
    ids = hand_built_book(book)
    expected_data = {ids["Ann"], ids["Ben"], ids["Cal"], ids["Gil"], ids["Hal"]}
    expected_active = {ids["Ann"]: frozenset({ago(1)}), ids["Gil"]: frozenset({ago(13)})}
    for name, facts in health_by_form(book, AccountFilter(), TODAY).items():
        assert facts == (expected_data, expected_active), name
    with_archived = AccountFilter(include_archived=True)
    for name, facts in health_by_form(book, with_archived, TODAY).items():
        assert facts == (
            expected_data | {ids["Fay"]},
            {**expected_active, ids["Fay"]: frozenset({ago(1)})},
        ), name
    for name, facts in health_by_form(book, AccountFilter(account_id=ids["Cal"]), TODAY).items():
        assert facts == ({ids["Cal"]}, {}), name
    day_after = TODAY + dt.timedelta(days=2)  # Dee's usage has happened; Gil's window moved
    forms = health_by_form(book, AccountFilter(), day_after)
    assert forms["one pass"] == forms["two passes"]
    assert forms["one pass"][1][ids["Dee"]] == frozenset({day_after})


def test_the_unlock_counts_are_the_hand_computed_ones(book: Database) -> None:
    ids = hand_built_book(book)
    assert unlocks(book, AccountFilter(), TODAY) == UnlockCounts(5, 1, 1)
    everyone = AccountFilter(include_archived=True)
    assert unlocks(book, everyone, TODAY) == UnlockCounts(6, 1, 2)
    assert unlocks(book, AccountFilter(segment="none"), TODAY) == UnlockCounts(0, 0, 0)
    each = {"Ann": (2, 0, 1), "Ben": (1, 0, 0), "Cal": (2, 1, 0), "Dee": (0, 0, 0)}
    each |= {"Eve": (0, 0, 0), "Gil": (0, 0, 0)}
    for name, counts in each.items():
        assert unlocks(book, AccountFilter(account_id=ids[name]), TODAY) == UnlockCounts(*counts)
    fay = AccountFilter(account_id=ids["Fay"], include_archived=True)
    assert unlocks(book, fay, TODAY) == UnlockCounts(1, 0, 1)
    assert unlocks(book, AccountFilter(account_id=ids["Fay"]), TODAY) == UnlockCounts(0, 0, 0)


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 11, 26), dt.date(2026, 6, 30), dt.date(2025, 1, 1)],
    ids=["demo day", "mid-year", "before any usage"],
)
def test_the_health_forms_agree_on_the_demo_book(book: Database, today: dt.date) -> None:
    """The demo book (40 accounts, every status, daily usage, an experiment) is built for
    2026-11-26 and read on that day and two earlier ones, with every kind of filter."""
    create_demo_book(book, today=dt.date(2026, 11, 26))
    with book.session() as session:
        account = session.scalars(select(Account).order_by(Account.id.desc())).first()
        experiment = session.scalars(select(Experiment)).first()
    assert account is not None and experiment is not None
    filters = [
        AccountFilter(),
        AccountFilter(include_archived=True),
        AccountFilter(segment="Enterprise"),
        AccountFilter(owner=account.owner),
        AccountFilter(playbook="Standard"),
        AccountFilter(account_id=account.id, include_archived=True),
        AccountFilter(experiment_id=experiment.id, include_archived=True),
    ]
    for chosen in filters:
        health = health_by_form(book, chosen, today)
        assert health["one pass"] == health["two passes"], chosen
    health = health_by_form(book, AccountFilter(), today)["one pass"]
    if today == dt.date(2026, 11, 26):  # the comparisons above are not vacuous
        assert len(health[0]) > 10 and len(health[1]) > 10
        assert len(health[0]) > len(health[1])  # some accounts have data but are quiet
    if today == dt.date(2025, 1, 1):
        assert health == (set(), {})
