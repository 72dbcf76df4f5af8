"""The first-value verdicts spelled in SQL equal the domain functions, account by account.

``store.queries.first_value_figures`` decides three rules in the database for the
portfolio summary of a big book: ``time_to_first_value``, ``first_value_within_target``
and the off-track rule of ``health``. Here every account's SQL verdicts are compared with
the domain functions computed from its whole ladder (``services.metrics.load_account_facts``,
the reference), on a hand-built book of awkward ladders read on every day from before
kickoff to long after (so each due date, grace period and achievement date is crossed), on
the portfolio edge-case book and on the demo book; with ``--backend postgresql`` on a
server book.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.metrics import (
    AccountFacts,
    first_value_within_target,
    health,
    time_to_first_value,
)
from csm_desktop.domain.vocabulary import Health
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.metrics import load_account_facts
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Playbook, Role
from csm_desktop.store.queries.first_value_figures import first_value_rows
from csm_desktop.store.queries.selection import ACTIVE_ACCOUNTS, AccountFilter
from tests.store.test_ladder_figures import K, day, edge_case_book


def awkward_book(book: Database) -> None:
    """Accounts whose first-value milestone sits on the rules' edges (K = 2026-01-01).

    Tie: two milestones flagged first value at the same position; the older (lower id) one
    counts: achieved on day 7, its target day (within, exactly). Reopened: the flagged one is
    in progress again with the achievement date it had. Early: achieved on K itself (TTFV 0),
    its own due date before K + target. Unflagged: nothing flagged, so the first by position
    (inserted last) counts, open and due on day 3. Skipped later: skipped, but with an
    achievement dated day 40 (read before day 40 it is in progress). Dateless: achieved
    without a date. Empty: a K and no milestones. Archived and No K: never counted.
    """
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        plan = Playbook(name="Plan", version=1)
        names = ("Tie", "Reopened", "Early", "Unflagged", "Skipped later", "Dateless", "Empty")
        accounts = {name: Account(name=name, kickoff_on=K, playbook=plan) for name in names}
        accounts["Archived"] = Account(name="Archived", kickoff_on=K, archived=True)
        accounts["No K"] = Account(name="No K")
        session.add_all([plan, *accounts.values()])
        session.flush()

        def milestone(
            name: str, position: int, target: int, status: str, **more: object
        ) -> AccountMilestone:
            return AccountMilestone(
                account_id=accounts[name].id, position=position, title=f"{name} {position}",
                role_id=role.id, target_day=target, status=status, **more,
            )  # fmt: skip

        for made in (
            milestone("Tie", 0, 3, "achieved", achieved_on=day(2)),
            milestone("Tie", 1, 7, "achieved", achieved_on=day(7), first_value=True),
            milestone("Tie", 1, 9, "not started", first_value=True),
            milestone("Reopened", 0, 10, "in progress", achieved_on=day(8), first_value=True),
            milestone("Early", 0, 10, "achieved", achieved_on=K, due_on=day(-2), first_value=True),
            milestone("Early", 1, 20, "blocked", due_on=day(15)),
            milestone("Unflagged", 5, 30, "achieved", achieved_on=day(20)),
            milestone("Unflagged", 2, 3, "not started"),
            milestone("Skipped later", 0, 12, "skipped", achieved_on=day(40), first_value=True),
            milestone("Dateless", 0, 5, "achieved", first_value=True),
            milestone("Archived", 0, 5, "not started", first_value=True),
            milestone("No K", 0, 5, "not started", due_on=day(1), first_value=True),
        ):
            session.add(made)
            session.flush()  # ids in this order: the tie is broken by id


def assert_rows_are_the_domains(book: Database, today: dt.date, chosen: AccountFilter) -> int:
    with book.session() as session:
        reference = {f.id: f for f in load_account_facts(session, today, chosen)}
        rows = {row[0]: row for row in first_value_rows(session, chosen, today)}
    assert rows.keys() == reference.keys(), today
    for account_id, (_id, playbook, kickoff, ttfv, within, off_track) in rows.items():
        facts: AccountFacts = reference[account_id]
        expected_within = first_value_within_target(facts, today)
        assert (playbook, kickoff) == (facts.playbook, facts.kickoff), facts.name
        assert ttfv == time_to_first_value(facts), (facts.name, today)
        assert within == (None if expected_within is None else int(expected_within)), (
            facts.name,
            today,
        )
        assert off_track == int(health(facts, today) is Health.OFF_TRACK), (facts.name, today)
    return len(rows)


def test_awkward_ladders_on_every_day(book: Database) -> None:
    awkward_book(book)
    counted = 0
    for offset in range(-3, 75):
        counted += assert_rows_are_the_domains(book, day(offset), ACTIVE_ACCOUNTS)
    assert counted == 7 * 78  # Archived and No K never


def test_the_edge_case_book_on_every_day(book: Database) -> None:
    edge_case_book(book)
    for offset in range(-100, 80, 3):
        assert_rows_are_the_domains(book, day(offset), ACTIVE_ACCOUNTS)
    assert_rows_are_the_domains(book, day(0), AccountFilter(playbook="Standard"))
    assert assert_rows_are_the_domains(book, day(0), AccountFilter(segment="none")) == 0


@pytest.mark.parametrize("today", [dt.date(2026, 11, 26), dt.date(2026, 6, 1)])
def test_the_demo_book(book: Database, today: dt.date) -> None:
    create_demo_book(book, today=dt.date(2026, 11, 26))
    assert assert_rows_are_the_domains(book, today, ACTIVE_ACCOUNTS) >= 30
    with book.session() as session:
        first = session.scalars(select(Account).order_by(Account.id)).first()
        assert first is not None and first.segment is not None
    assert_rows_are_the_domains(book, today, AccountFilter(segment=first.segment))
