"""The portfolio summary counted in SQL equals the domain's, figure for figure.

``services.portfolio_summary`` sums milestones in the database
(``store.queries.ladder_figures``); ``services.metrics.portfolio_metrics`` computes every
account in Python with the domain functions, the reference. They must agree exactly (the
same ``Share`` counts, not just the same fractions) on a hand-built book full of edge cases,
on the demo book on several dates and filters, and on PostgreSQL (``--backend postgresql``:
the ``book`` fixture is then a server book).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.metrics import Share
from csm_desktop.domain.vocabulary import Health
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.metrics import portfolio_metrics
from csm_desktop.services.portfolio_summary import portfolio_summary
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    UsageEvent,
)

TODAY = dt.date(2026, 3, 1)
K = dt.date(2026, 1, 1)


def day(n: int, start: dt.date = K) -> dt.date:
    return start + dt.timedelta(days=n)


def edge_case_book(book: Database) -> None:
    """Six accounts; four count on 2026-03-01 (Delta has no K, Epsilon is archived).

    Alpha (K 2026-01-01, Standard): Setup (day 5, no due date of its own: due K+5) achieved
    day 3, unlocks feat_a used day 19 (adopted); First report (first value, day 10) achieved
    day 14 (late: TTFV 14 > 10); Later (day 20) achieved 2026-03-10, after today, so still in
    progress and overdue; Skipped (day 25) skipped; Odd (day 95) has a status no one knows
    (not started); Custom (day 40, not in the playbook) achieved day 24 unlocking feat_b,
    used only on day 59, outside U+1 … U+30 (not adopted). At risk (Later is overdue).
    Beta (signed 2025-12-01, no kickoff, Standard): nothing flagged first value, so Setup
    (due 2025-12-05 of its own) is; in progress 86 days past due: off track. Its Bonus step
    (not in the playbook) comes before Custom in its ladder, but Alpha's Custom is met first
    walking the accounts by name, so the funnel lists Custom, then Bonus.
    Gamma (K 2026-02-20, no playbook): no milestones, used yesterday: on track.
    Zeta (K 2025-10-01, Other): Setup flagged first value, achieved with no date (no TTFV,
    late); Custom skipped; only counts of 0 in usage: at risk.
    Summary: 4 accounts; TTFV median 14 (Alpha's alone); first value on time 0 of 3 (Alpha
    late, Beta past due, Zeta's achieved without a day; Gamma has none); adoption 1 of 2
    (feat_a yes, feat_b no); on time 2 of 4 achieved (Setup, Custom; First report late,
    Zeta's Setup undated);
    health 1 off track, 2 at risk, 1 on track.
    """
    with book.session() as session:
        roles = {role.name: role for role in session.scalars(select(Role))}
        admin = roles["Administrator"]
        templates = [
            MilestoneTemplate(key=key, title=title, role=admin, target_day=target)
            for key, title, target in (
                ("setup", "Setup", 5),
                ("report", "First report", 10),
                ("later", "Later", 20),
                ("skipped", "Skipped", 25),
                ("odd", "Odd", 95),
            )
        ]
        standard = Playbook(name="Standard", version=1)
        standard.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates)]
        other = Playbook(name="Other", version=1)
        session.add_all([standard, other])
        alpha = Account(name="Alpha", kickoff_on=K, playbook=standard)
        beta = Account(name="Beta", signed_on=dt.date(2025, 12, 1), playbook=standard)
        gamma = Account(name="Gamma", kickoff_on=dt.date(2026, 2, 20))
        delta = Account(name="Delta", playbook=standard)
        epsilon = Account(name="Epsilon", kickoff_on=K, archived=True)
        zeta = Account(name="Zeta", kickoff_on=dt.date(2025, 10, 1), playbook=other)
        session.add_all([alpha, beta, gamma, delta, epsilon, zeta])
        session.flush()

        def milestone(
            account: Account, position: int, title: str, target: int, status: str, **more: object
        ) -> AccountMilestone:
            return AccountMilestone(
                account_id=account.id, position=position, title=title, role_id=admin.id,
                target_day=target, status=status, **more,
            )  # fmt: skip

        session.add_all(
            [
                milestone(alpha, 0, "Setup", 5, "achieved", achieved_on=day(3), unlocks="feat_a"),
                milestone(
                    alpha,
                    1,
                    "First report",
                    10,
                    "achieved",
                    achieved_on=day(14),
                    due_on=day(10),
                    first_value=True,
                ),
                milestone(
                    alpha,
                    2,
                    "Later",
                    20,
                    "achieved",
                    achieved_on=dt.date(2026, 3, 10),
                    due_on=day(20),
                ),
                milestone(alpha, 3, "Skipped", 25, "skipped", due_on=day(25)),
                milestone(alpha, 4, "Odd", 95, "bogus"),
                milestone(
                    alpha,
                    5,
                    "Custom",
                    40,
                    "achieved",
                    achieved_on=day(24),
                    due_on=day(40),
                    unlocks="feat_b",
                ),
                milestone(beta, 0, "Setup", 5, "in progress", due_on=dt.date(2025, 12, 5)),
                milestone(beta, 1, "First report", 10, "not started"),
                milestone(beta, 2, "Bonus", 50, "not started"),
                milestone(delta, 0, "Setup", 5, "achieved", due_on=K, achieved_on=K),
                milestone(epsilon, 0, "Setup", 5, "blocked"),
                milestone(zeta, 0, "Setup", 5, "achieved", first_value=True),
                milestone(zeta, 1, "Custom", 40, "skipped"),
            ]
        )
        for account, when, feature, count in (
            (alpha, day(19), "feat_a", 2),
            (alpha, day(59), "feat_b", 1),
            (gamma, TODAY - dt.timedelta(days=1), "login", 3),
            (zeta, day(-20), "login", 0),
            (beta, day(2), "future", 5),
        ):
            session.add(UsageEvent(account_id=account.id, day=when, feature=feature, count=count))


def assert_same(book: Database, today: dt.date, **filters: str) -> None:
    fast = portfolio_summary(book, today, **filters)
    reference = portfolio_metrics(book, today, **filters).summary()
    for name in fast.__dataclass_fields__:
        assert getattr(fast, name) == getattr(reference, name), (name, today, filters)
    assert fast == reference


def test_the_edge_case_book_counts_as_the_domain_does(book: Database) -> None:
    edge_case_book(book)
    summary = portfolio_summary(book, TODAY)
    assert summary.accounts == 4
    assert summary.ttfv_median_days == 14
    assert summary.first_value_on_time == Share(0, 3)
    assert summary.adoption == Share(1, 2) and summary.adoption_pending == 0
    assert summary.on_time == Share(2, 4)
    assert dict(summary.health) == {Health.ON_TRACK: 1, Health.AT_RISK: 2, Health.OFF_TRACK: 1}
    standard = [(s.milestone, s.achieved) for s in summary.funnel["Standard"]]
    assert standard == [
        ("Setup", Share(1, 2)),
        ("First report", Share(1, 2)),
        ("Later", Share(0, 1)),
        ("Skipped", Share(0, 0)),
        ("Odd", Share(0, 1)),
        ("Custom", Share(1, 1)),  # not in the playbook: after its steps
        ("Bonus", Share(0, 1)),
    ]
    assert summary.funnel["(no playbook)"] == ()
    for today in (TODAY, day(2), day(40), dt.date(2026, 3, 12), dt.date(2025, 6, 1)):
        assert_same(book, today)
    for filters in ({"playbook": "Standard"}, {"playbook": "Other"}, {"segment": "none"}):
        assert_same(book, TODAY, **filters)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 26), dt.date(2026, 8, 15), dt.date(2026, 5, 2)]
)
def test_the_demo_book_counts_as_the_domain_does(book: Database, today: dt.date) -> None:
    """The demo book is built for 2026-11-26 (40 accounts, every status, daily usage) and
    read on that day and two earlier ones, whole and by segment, owner and playbook."""
    create_demo_book(book, today=dt.date(2026, 11, 26))
    reference = portfolio_metrics(book, today)
    assert reference.accounts >= 30 and reference.adoption.counted > 0  # not vacuous
    assert_same(book, today)
    with book.session() as session:
        first = session.scalars(select(Account).order_by(Account.id)).first()
        assert first is not None
        segment, owner = first.segment, first.owner
    assert segment is not None and owner is not None
    assert_same(book, today, segment=segment)
    assert_same(book, today, owner=owner)
    assert_same(book, today, playbook="Standard")


def step_forms(book: Database, today: dt.date, **filters: str) -> tuple[list[object], ...]:
    """``step_counts`` in its SQLite form (texts counted in Python) and its grouped form."""
    from csm_desktop.store.queries.ladder_figures import step_counts
    from csm_desktop.store.queries.selection import AccountFilter

    chosen = AccountFilter(**filters)
    with book.session() as session:
        return tuple(
            sorted(
                step_counts(session, chosen, today, portable=portable),
                key=lambda s: (s.playbook or "", s.title, s.role),
            )
            for portable in (False, True)
        )


def test_the_step_counts_are_the_same_in_both_forms(book: Database) -> None:
    """Both forms count each step alike, on several days (an achievement after today counts
    as in progress) and with a filter; a title holding the texts' separator, which the
    SQLite form cannot cut apart, is answered by the grouped form."""
    edge_case_book(book)
    for today in (TODAY, day(2), dt.date(2026, 3, 12)):
        fast, grouped = step_forms(book, today)
        assert fast == grouped and len(fast) >= 6
    fast, grouped = step_forms(book, TODAY, playbook="Standard")
    assert fast == grouped and {s.playbook for s in fast} == {"Standard"}
    with book.session() as session:
        beta = session.scalars(select(Account).where(Account.name == "Beta")).one()
        admin = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        session.add(
            AccountMilestone(
                account_id=beta.id, position=3, title="Odd\x1etitle", role_id=admin.id,
                target_day=60, status="achieved", achieved_on=day(30),
            )
        )  # fmt: skip
    fast, grouped = step_forms(book, TODAY)
    assert fast == grouped
    assert [(s.title, s.achieved, s.counted) for s in fast if "\x1e" in s.title] == [
        ("Odd\x1etitle", 1, 1)
    ]
    assert_same(book, TODAY)


def test_the_demo_steps_are_the_same_in_both_forms(book: Database) -> None:
    create_demo_book(book, today=dt.date(2026, 11, 26))
    for today in (dt.date(2026, 11, 26), dt.date(2026, 8, 15)):
        fast, grouped = step_forms(book, today)
        assert fast == grouped and sum(s.achieved for s in fast) > 0
