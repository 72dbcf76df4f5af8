"""Today read from partial ladders equals Today read from whole ladders, line for line.

``store.queries.today_lines`` reads of each ladder only what the rules of
``domain.nudges`` name (open milestones but the plain ones due after the second, recent
unlocks, counts for renewing accounts); ``today_list(..., whole_ladders=True)`` reads every
milestone, the reference. They must give the same lines in the same order (ties
included), the same filled messages and the same milestone versions: on a hand-built book
of edge cases read on several days, on the demo book, on both of SQLite's query paths and
on PostgreSQL (``--backend postgresql``: the ``book`` fixture is then a server book).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.nudges import DEFAULT_RULES
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.today import TodayItem, today_list
from csm_desktop.services.today_stream import today_snapshots
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Role,
    StatusChange,
    Touchpoint,
    UsageEvent,
)
from csm_desktop.store.queries.selection import ACTIVE_ACCOUNTS
from csm_desktop.store.queries.today_lines import today_ladders

TODAY = dt.date(2026, 3, 1)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def edge_case_book(book: Database) -> None:
    """Seven accounts (Epsilon archived), read on 2026-03-01 (T):

    Alpha (K = T-100, renews T+90): Kickoff achieved; SSO (day 10, no date of its own: due
    T-90, blocked) and Import (due T-90: a tie, later in the ladder) late; First report
    (first value) due T-20, late: the overdue line's; Old thing (a status no one knows,
    read as not started) due T-150: the oldest, stalled's; twelve steps due T-10, late;
    Skipped; Criterion met on T-3 (due T+40); Future met (met on T+1, due T+3: due soon);
    Due today, Due +7 (due soon), Due +8 (not); achieved unlocks on T-14, T-30 (nudged),
    T-13, T-31 (not), T-20 used since, T-20 unlocking "" (not). 16 late: "15 more
    overdue". Completion 7 achieved of 28 counted: 25 %, renewal line.
    Beta (no K, renews today): Own date due T-2, late; Unscheduled has no due date and is
    not in the ladder; completion 0 of 1: renewal line; no K and no status change: never
    stalled.
    Gamma (K = T-30, renews T+91): Sooner (position 0) and Later (position 1, created
    first) both due T+20: stalled names Sooner, its message's next milestone is Later.
    Delta (K = T-60, renewed T-1): everything achieved; an unlock on T-16 nudged.
    Epsilon (archived): late, never listed.
    Zeta (K = T-40, renews T+30): 3 achieved of 4 (75 %: no renewal line); a status change
    5 days ago (not stalled); criterion met today, contacted yesterday about it (handled).
    Eta (K = T-70): two first-value milestones due T-5 (the first in the ladder is named)
    and a plain one due T-50; more: 2.
    """
    with book.session() as session:
        roles = {role.name: role for role in session.scalars(select(Role))}
        admin, power = roles["Administrator"], roles["Power user"]
        accounts = {
            name: Account(name=name, owner=owner, kickoff_on=kickoff, renewal_on=renewal,
                          archived=name == "Epsilon")
            for name, owner, kickoff, renewal in (
                ("Alpha", "Maya", ago(100), ago(-90)),
                ("Beta", "Sam", None, TODAY),
                ("Gamma", "Maya", ago(30), ago(-91)),
                ("Delta", None, ago(60), ago(1)),
                ("Epsilon", "Sam", ago(50), None),
                ("Zeta", "Sam", ago(40), ago(-30)),
                ("Eta", "Maya", ago(70), None),
            )
        }  # fmt: skip
        session.add_all(accounts.values())
        session.flush()
        made: dict[str, AccountMilestone] = {}

        def add(
            account: str,
            position: int,
            title: str,
            status: str = "not started",
            due: dt.date | None = None,
            target: int = 10,
            **more: object,
        ) -> None:
            milestone = AccountMilestone(
                account_id=accounts[account].id,
                position=position,
                title=title,
                role_id=(power if position % 2 else admin).id,
                target_day=target,
                due_on=due,
                status=status,
                **more,
            )
            session.add(milestone)
            session.flush()
            made[f"{account} {title}"] = milestone  # fmt: skip

        add("Alpha", 0, "Kickoff call", "achieved", ago(95), achieved_on=ago(95))
        add("Alpha", 1, "SSO", "blocked", None, target=10, cue="Ask IT")
        add("Alpha", 2, "Import", "in progress", ago(90))
        add("Alpha", 3, "First report", "in progress", ago(20), first_value=True)
        add("Alpha", 4, "Old thing", "bogus", ago(150))
        for n in range(12):
            add("Alpha", 5 + n, f"Step {n}", "not started", ago(10))
        add("Alpha", 17, "Skipped", "skipped", ago(60))
        add("Alpha", 18, "Criterion", "not started", ago(-40), criterion_met_on=ago(3))
        add("Alpha", 19, "Future met", "in progress", ago(-3), criterion_met_on=ago(-1))
        add("Alpha", 20, "Due today", "not started", TODAY)
        add("Alpha", 21, "Due +7", "not started", ago(-7), first_value=True)
        add("Alpha", 22, "Due +8", "not started", ago(-8))
        for position, (title, achieved, unlocks) in enumerate(
            (
                ("Unlock 14", 14, "feat_a"),
                ("Unlock 30", 30, "feat_b"),
                ("Unlock 13", 13, "feat_c"),
                ("Unlock 31", 31, "feat_d"),
                ("Unlock used", 20, "feat_e"),
                ("Unlock empty", 20, ""),
            ),
            start=23,
        ):
            add("Alpha", position, title, "achieved", ago(40), achieved_on=ago(achieved),
                unlocks=unlocks)  # fmt: skip
        add("Beta", 0, "Own date", "not started", ago(2))
        add("Beta", 1, "Unscheduled", "not started", None, target=30)
        add("Gamma", 1, "Later", "not started", ago(-20))
        add("Gamma", 0, "Sooner", "in progress", ago(-20))
        add("Delta", 0, "Set up", "achieved", ago(50), achieved_on=ago(16), unlocks="feat_a")
        add("Epsilon", 0, "Late", "not started", ago(30))
        for n in range(3):
            add("Zeta", n, f"Done {n}", "achieved", ago(30), achieved_on=ago(30))
        add("Zeta", 3, "Met today", "in progress", ago(-30), criterion_met_on=TODAY)
        add("Eta", 0, "Value A", "not started", ago(5), first_value=True)
        add("Eta", 1, "Value B", "not started", ago(5), first_value=True)
        add("Eta", 2, "Plain", "blocked", ago(50))
        session.add_all(
            [
                UsageEvent(account_id=accounts["Alpha"].id, day=ago(15), feature="feat_e",
                           count=3),
                StatusChange(milestone_id=made["Zeta Met today"].id, changed_on=ago(5),
                             recorded_at=dt.datetime(2026, 2, 24, 9), to_status="in progress"),
                Touchpoint(account_id=accounts["Zeta"].id,
                           milestone_id=made["Zeta Met today"].id, channel="e-mail",
                           template="met", happened_on=ago(1)),
            ]
        )  # fmt: skip


def described(items: list[TodayItem]) -> list[tuple[object, ...]]:
    return [(i.nudge, i.filled, i.milestone_version, i.nudge.reason, i.nudge.score) for i in items]


def assert_same(book: Database, today: dt.date) -> list[TodayItem]:
    partial = today_list(book, today)
    whole = today_list(book, today, whole_ladders=True)
    assert described(partial) == described(whole), today
    return partial


def test_the_edge_case_book_reads_as_the_whole_ladders_do(book: Database) -> None:
    edge_case_book(book)
    items = assert_same(book, TODAY)
    lines = [(i.nudge.account, i.nudge.kind.value, i.nudge.milestone, i.nudge.reason)
             for i in items]  # fmt: skip
    assert lines[:3] == [
        # 600 + 20 late + 30 first value + 9 (15 more, capped): 659
        ("Alpha", "overdue", "First report",
         "Overdue by 20 days, first value; 15 more overdue"),
        # 600 + 5 + 30 + 1: 636
        ("Eta", "overdue", "Value A", "Overdue by 5 days, first value; 2 more overdue"),
        ("Beta", "overdue", "Own date", "Overdue by 2 days"),
    ]  # fmt: skip
    assert (
        "Alpha",
        "renewal",
        "Old thing",
        "Renewal in 90 days (2026-05-30) with the ladder 25% complete",
    ) in lines
    assert (
        "Beta",
        "renewal",
        "Own date",
        "Renewal in 0 days (2026-03-01) with the ladder 0% complete",
    ) in lines
    assert ("Gamma", "stalled", "Sooner",
            "No status change for 30 days (none since kickoff)") in lines  # fmt: skip
    gamma = next(i for i in items if i.nudge.account == "Gamma")
    assert gamma.filled.values["next_milestone"] == "Later"
    soon = [(m, r) for a, k, m, r in lines if k == "due soon"]
    # 500 + 10 × (7 - days left) (+ 20 first value): 570, 540, 520
    assert soon == [("Due today", "Due today"), ("Future met", "Due in 3 days"),
                    ("Due +7", "Due in 7 days, first value")]  # fmt: skip
    unlocks = sorted(r for _a, k, _m, r in lines if k == "unlock unused")
    assert unlocks == [
        "Feat a unlocked 14 days ago and not used since",
        "Feat a unlocked 16 days ago and not used since",
        "Feat b unlocked 30 days ago and not used since",
    ]
    assert [(a, m) for a, k, m, _r in lines if k == "criterion met"] == [
        ("Alpha", "Criterion"), ("Zeta", "Met today")
    ]  # fmt: skip
    assert items[-1].nudge.handled and items[-1].nudge.account == "Zeta"
    assert not any(a in ("Epsilon", "Delta") and k == "renewal" for a, k, _m, _r in lines)
    assert not any(a == "Zeta" and k in ("stalled", "renewal") for a, k, _m, _r in lines)
    for today in (ago(20), ago(-2), ago(-8), ago(-60), ago(400)):
        assert_same(book, today)


def test_snapshots_count_open_lines_and_owners_as_they_read(book: Database) -> None:
    """Read one account, then two at a time: every snapshot counts the lines read so far,
    those not handled (only Zeta's "criterion met", contacted yesterday, is handled) and
    their owners (Delta has none); the last one holds the whole list."""
    edge_case_book(book)
    whole = today_list(book, TODAY)
    snapshots = list(today_snapshots(book, TODAY, first=1, size=2, every=0.0))
    assert [(s.accounts_read, s.complete) for s in snapshots] == [
        (1, False), (3, False), (5, False), (6, True)
    ]  # fmt: skip
    for snapshot in snapshots:
        read = [i for i in whole if i.nudge.account in ACCOUNTS[: snapshot.accounts_read]]
        assert snapshot.lines == len(read)
        assert snapshot.open_lines == sum(not i.nudge.handled for i in read)
        assert snapshot.owners == tuple(sorted({i.nudge.owner for i in read if i.nudge.owner}))
    last = snapshots[-1]
    assert described(last.items) == described(whole)
    assert (last.open_lines, last.owners) == (len(whole) - 1, ("Maya", "Sam"))


ACCOUNTS = ("Alpha", "Beta", "Gamma", "Delta", "Zeta", "Eta")
"""The edge-case book's active accounts in id order."""


def test_partial_ladders_read_the_same_on_both_query_paths(book: Database) -> None:
    """Alpha keeps, of its 29 milestones: the 4 late ones (First report, first value;
    Old thing and SSO, due first; Import ties SSO but comes later in the ladder, so it is
    not kept: only two plain ones are), Criterion, Future met, Due today, Due +7, and the
    6 achieved unlocks in the window (T-30 … T-14: 14, 30, used, empty)."""
    edge_case_book(book)
    fast_messages: dict[int, tuple[int | None, str]] = {}
    portable_messages: dict[int, tuple[int | None, str]] = {}
    with book.session() as session:
        fast = today_ladders(session, ACTIVE_ACCOUNTS, TODAY, DEFAULT_RULES, messages=fast_messages)
        portable = today_ladders(
            session, ACTIVE_ACCOUNTS, TODAY, DEFAULT_RULES, portable=True,
            messages=portable_messages,
        )  # fmt: skip
    assert fast == portable
    assert fast_messages == portable_messages
    assert set(fast_messages) == {m.id for a in fast for m in a.milestones}
    alpha = fast[0]
    assert [m.title for m in alpha.milestones] == [
        "SSO", "First report", "Old thing", "Criterion", "Future met", "Due today",
        "Due +7", "Unlock 14", "Unlock 30", "Unlock used", "Unlock empty",
    ]  # fmt: skip
    assert alpha.late == 16
    assert alpha.counts is not None and alpha.counts.completion == 0.25
    assert [a.name for a in fast] == ["Alpha", "Beta", "Gamma", "Delta", "Zeta", "Eta"]
    assert [a.counts is not None for a in fast] == [True, True, False, False, True, False]


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 26), dt.date(2026, 8, 15), dt.date(2026, 12, 20)]
)
def test_the_demo_book_reads_as_the_whole_ladders_do(book: Database, today: dt.date) -> None:
    """The demo book (40 accounts, every status, usage criteria, unlocks, touchpoints) is
    built for 2026-11-26 and read on that day, an earlier and a later one."""
    create_demo_book(book, today=dt.date(2026, 11, 26))
    items = assert_same(book, today)
    assert len(items) > 10 and len({i.nudge.kind for i in items}) >= 2  # not vacuous


def test_of_the_plain_milestones_only_the_two_due_first_are_read(book: Database) -> None:
    """Theta (K = T-70) has four late milestones, in ladder order: A and B due T-40 (a tie),
    C due T-50, D due T-40. The two due first are C and A (on the tie A, first in the
    ladder, beats B and D): B is taken back when C comes, D is never kept. The overdue
    line names C: 600 + 50 days + 3 more = 653; its message's next milestone is A."""
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        theta = Account(name="Theta", owner="Maya", kickoff_on=ago(70))
        session.add(theta)
        session.flush()
        for position, (title, late) in enumerate((("A", 40), ("B", 40), ("C", 50), ("D", 40))):
            session.add(
                AccountMilestone(account_id=theta.id, position=position, title=title,
                                 role_id=role.id, target_day=10, due_on=ago(late),
                                 status="not started")
            )  # fmt: skip
    with book.session() as session:
        (ladder,) = today_ladders(session, ACTIVE_ACCOUNTS, TODAY, DEFAULT_RULES)
        portable = today_ladders(session, ACTIVE_ACCOUNTS, TODAY, DEFAULT_RULES, portable=True)
    assert [m.title for m in ladder.milestones] == ["A", "C"] and ladder.late == 4
    assert portable == [ladder]
    overdue = next(i for i in assert_same(book, TODAY) if i.nudge.kind.value == "overdue")
    assert (overdue.nudge.milestone, overdue.nudge.score) == ("C", 653)
    assert overdue.nudge.reason == "Overdue by 50 days; 3 more overdue"
    assert overdue.filled.values["next_milestone"] == "A"
    for today in (ago(45), ago(-2)):
        assert_same(book, today)
