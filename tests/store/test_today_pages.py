"""The Today list read page by page and merged with a heap ranks exactly like the whole book
ranked at once (issue 17), ties included; reading stops between pages when cancelled."""

from __future__ import annotations

import datetime as dt
from itertools import islice

import pytest
from sqlalchemy import select

from csm_desktop.domain.nudges import NudgeKind, merge_ranked
from csm_desktop.errors import Cancelled
from csm_desktop.services.ladder import apply_playbook
from csm_desktop.services.progress import progress_of
from csm_desktop.services.today import TodayItem, log_touchpoint, today_list, today_pages
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, MilestoneTemplate, Playbook, PlaybookStep, Role

TODAY = dt.date(2026, 11, 26)
K = TODAY - dt.timedelta(days=20)


def build_ties(book: Database) -> dict[str, int]:
    """Six accounts in this id order: acme, Zeta, ACME, Acme, Oldco (archived), Beta; each
    kicked off 20 days ago on SSO (day 7), First workflow (day 14, first value), Dashboard
    (day 30), nothing achieved, no status change ever.

    Each active account gets the same two nudges: Overdue on First workflow (6 days late,
    first value, 1 more overdue: 600 + 6 + 30 + 1 = 637) and Stalled on SSO (20 days since
    kickoff: 300 + 20 - 14 = 306). Dashboard is due in 10 days (not "due soon"). "acme",
    "ACME" and "Acme" tie on everything the ranking reads, so they keep id order. Beta was
    contacted yesterday about First workflow: both its nudges are handled and go last."""
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(key="sso", title="SSO", role=roles["Administrator"], target_day=7),
            MilestoneTemplate(
                key="flow",
                title="First workflow",
                role=roles["Power user"],
                target_day=14,
                first_value=True,
            ),
            MilestoneTemplate(key="dash", title="Dashboard", role=roles["Operator"], target_day=30),
        ]
        playbook = Playbook(name="Standard", version=1)
        playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates)]
        session.add(playbook)
        ids: dict[str, int] = {}
        for name in ("acme", "Zeta", "ACME", "Acme", "Oldco", "Beta"):
            account = Account(name=name, kickoff_on=K, archived=name == "Oldco")
            session.add(account)
            session.flush()
            apply_playbook(session, account, playbook)
            session.flush()
            ids[name] = account.id
            ids[f"{name} flow"] = account.milestones[1].id
    log_touchpoint(
        book, ids["Beta"], "e-mail", TODAY - dt.timedelta(days=1), "flow",
        milestone_id=ids["Beta flow"],
    )  # fmt: skip
    return ids


def lines(items: list[TodayItem]) -> list[tuple[str, str, int, bool]]:
    return [(i.nudge.account, i.nudge.kind.value, i.nudge.score, i.nudge.handled) for i in items]


def merged(book: Database, first: int, size: int) -> list[TodayItem]:
    pages = [page.ranked for page in today_pages(book, TODAY, first=first, size=size)]
    return list(merge_ranked(pages, key=lambda item: item.nudge))


def test_pages_merged_keep_ties_in_book_order(book: Database) -> None:
    """Pages of 1 then 2 accounts: [acme], [Zeta, ACME], [Acme, Beta] (Oldco is archived)."""
    ids = build_ties(book)
    pages = list(today_pages(book, TODAY, first=1, size=2))
    assert [(len(p.ranked), p.accounts_read, p.accounts, p.last) for p in pages] == [
        (2, 1, 5, False),
        (4, 3, 5, False),
        (4, 5, 5, True),
    ]
    assert [i.nudge.account_id for i in pages[1].ranked] == [ids["ACME"], ids["Zeta"]] * 2
    expected = [
        ("acme", "overdue", 637, False),
        ("ACME", "overdue", 637, False),
        ("Acme", "overdue", 637, False),
        ("Zeta", "overdue", 637, False),
        ("acme", "stalled", 306, False),
        ("ACME", "stalled", 306, False),
        ("Acme", "stalled", 306, False),
        ("Zeta", "stalled", 306, False),
        ("Beta", "overdue", 637, True),
        ("Beta", "stalled", 306, True),
    ]
    assert lines(merged(book, first=1, size=2)) == expected
    assert lines(today_list(book, TODAY)) == expected
    whole = list(today_pages(book, TODAY, first=1000))  # one page: the whole book ranked at once
    assert len(whole) == 1
    assert lines(whole[0].ranked) == expected


@pytest.mark.parametrize(("first", "size"), [(1, 1), (3, 7), (10, 25)])
def test_demo_book_in_pages_ranks_like_the_whole_book(open_demo, first: int, size: int) -> None:  # type: ignore[no-untyped-def]
    """The demo book's 40-odd accounts read in pages give the same lines, same order, same
    messages as one page of everything; the first 5 lines of the merge are its head."""
    database = open_demo(TODAY)
    (whole,) = list(today_pages(database, TODAY, first=10_000))
    paged = merged(database, first, size)
    assert len(paged) == len(whole.ranked) > 20
    assert [i.nudge for i in paged] == [i.nudge for i in whole.ranked]
    assert [i.filled for i in paged[:10]] == [i.filled for i in whole.ranked[:10]]
    assert paged[0].nudge.kind is NudgeKind.OVERDUE
    pages = [page.ranked for page in today_pages(database, TODAY, first=first, size=size)]
    head = list(islice(merge_ranked(pages, key=lambda item: item.nudge), 5))
    assert [i.nudge for i in head] == [i.nudge for i in whole.ranked[:5]]


def test_an_empty_book_is_one_empty_last_page(book: Database) -> None:
    (page,) = list(today_pages(book, TODAY))
    assert (page.ranked, page.accounts_read, page.accounts, page.last) == ([], 0, 0, True)


def test_cancel_stops_between_pages(book: Database) -> None:
    """Cancelled after the first page (1 account) was reported: the second is never read."""
    build_ties(book)
    reported: list[tuple[int, int]] = []
    progress = progress_of(lambda done, total, _text: reported.append((done, total)),
                           lambda: bool(reported))  # fmt: skip
    pages = today_pages(book, TODAY, first=1, size=2, progress=progress)
    assert next(pages).accounts_read == 1
    with pytest.raises(Cancelled):
        next(pages)
    assert reported == [(1, 5)]


def test_a_page_of_ids_reads_the_same_on_both_query_paths(book: Database) -> None:
    """Accounts with ids ACME … Beta, active only: ACME, Acme, Beta (Oldco is archived)."""
    from csm_desktop.store.queries.ladders import account_ladders
    from csm_desktop.store.queries.selection import AccountFilter

    ids = build_ties(book)
    chosen = AccountFilter(id_range=(ids["ACME"], ids["Beta"]))
    with book.session() as session:
        fast = account_ladders(session, chosen)
        portable = account_ladders(session, chosen, portable=True)
    assert sorted(a.name for a in fast) == ["ACME", "Acme", "Beta"]
    assert fast == portable


def test_active_ids_read_the_same_on_both_query_paths(book: Database) -> None:
    """The ids Today pages by, off SQLite's raw cursor and in Core: archived Oldco left out."""
    from csm_desktop.store.queries.activity import active_account_ids

    ids = build_ties(book)
    with book.session() as session:
        fast = active_account_ids(session)
        portable = active_account_ids(session, portable=True)
    assert fast == portable == [ids[n] for n in ("acme", "Zeta", "ACME", "Acme", "Beta")]


def test_an_account_archived_between_a_pages_two_reads_is_left_out(book: Database) -> None:
    """A page's milestones are read first (started ahead, as the read-ahead does) and its
    accounts after: on a team server, or SQLite's portable path, each read is its own
    snapshot. Zeta archived in between is left out of the page, not a crash (KeyError)."""
    from csm_desktop.domain.nudges import DEFAULT_RULES
    from csm_desktop.store.queries.selection import AccountFilter
    from csm_desktop.store.queries.today_lines import StartedLadders, today_ladders

    ids = build_ties(book)
    chosen = AccountFilter(id_range=(ids["acme"], ids["Acme"]))
    with book.session() as session:
        started = StartedLadders(session, chosen, TODAY, DEFAULT_RULES, portable=True)
        with book.session() as teammate:
            teammate.get(Account, ids["Zeta"]).archived = True  # type: ignore[union-attr]
            teammate.commit()
        ladders = today_ladders(session, chosen, TODAY, DEFAULT_RULES, started=started)
    assert [a.name for a in ladders] == ["acme", "ACME", "Acme"]
    assert all(len(a.milestones) > 0 for a in ladders)


def test_a_page_let_go_unread_closes_its_cursor(book: Database) -> None:
    """A page started ahead and then dropped (the user cancelled, or reading it failed)
    closes its raw SQLite cursor: the connection, back in the pool, holds no old read
    snapshot, so the next session sees a teammate's write and may write itself."""
    from csm_desktop.domain.nudges import DEFAULT_RULES
    from csm_desktop.services.today import _open_page

    if book.path is None:
        pytest.skip("SQLite's raw cursor; a server's page reads through SQLAlchemy")
    ids = build_ties(book)
    page = [ids["acme"], ids["Zeta"], ids["ACME"]]
    stack, _session, started, _changes = _open_page(book, page, TODAY, DEFAULT_RULES, False)
    assert started is not None and started.fast
    cursor = started._rows
    stack.close()  # let go without taking the rows
    with pytest.raises(Exception, match="closed"):
        cursor.fetchone()
    with book.session() as session:
        session.get(Account, ids["Zeta"]).name = "Zeta GmbH"  # type: ignore[union-attr]
        session.commit()


FIRST_PAGE_PROBE = """
import datetime as dt, sys
from pathlib import Path
from sqlalchemy import inspect, select
from csm_desktop.services.opening import open_book_for_reading
from csm_desktop.services.today_stream import today_snapshots
from csm_desktop.store.models import Account
with open_book_for_reading(Path(sys.argv[1])) as book:
    snapshot = next(today_snapshots(book, dt.date.fromisoformat(sys.argv[2]), first=10))
    print(len(snapshot.items), inspect(Account).configured)
    if sys.argv[3:] == ["then-orm"]:
        with book.session() as session:
            session.scalars(select(Account).limit(1)).all()
        print(len(snapshot.items), inspect(Account).configured)
"""


@pytest.mark.parametrize("then_orm", [False, True])
def test_todays_first_page_does_not_configure_the_orm(demo_copy, then_orm: bool) -> None:  # type: ignore[no-untyped-def]
    """Today's first lines, read at start-up, come from plain Core queries: the ORM's
    mapper configuration (30-45 ms) waits for the first ORM statement (issue 17). In a
    fresh interpreter (this one's mappers are long configured); the same probe sees one
    ORM statement configure them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    argv = [sys.executable, "-c", FIRST_PAGE_PROBE, str(demo_copy(TODAY)), TODAY.isoformat()]
    done = subprocess.run(
        argv + (["then-orm"] if then_orm else []),
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    printed = done.stdout.split()
    assert int(printed[0]) > 0 and printed[1] == "False"
    if then_orm:
        assert printed[3] == "True"


def test_a_read_of_several_pages_ranks_each_page_on_its_own(open_demo) -> None:  # type: ignore[no-untyped-def]
    """After the first two pages the book is read ``read`` accounts at once and ranked page
    by page: pages of 3, 4, then reads of 10 as pages of 4, 4 and 2. Each page holds the
    lines of its own accounts only, ranked, and the merge is the whole book's ranking."""
    from csm_desktop.store.queries.activity import active_account_ids

    database = open_demo(TODAY)
    with database.session() as session:
        active = active_account_ids(session)
    (whole,) = list(today_pages(database, TODAY, first=10_000))
    pages = list(today_pages(database, TODAY, first=3, size=4, read=10))
    expected, start = [3, 7], 7
    while start < len(active):
        end = min(start + 10, len(active))
        expected += [min(page + 4, end) for page in range(start, end, 4)]
        start = end
    assert [p.accounts_read for p in pages] == expected and len(expected) > 5
    read = 0
    for page in pages:
        assert {i.nudge.account_id for i in page.ranked} <= set(active[read : page.accounts_read])
        assert page.keys == sorted(page.keys)
        read = page.accounts_read
    paged = list(merge_ranked([p.ranked for p in pages], key=lambda item: item.nudge))
    assert [i.nudge for i in paged] == [i.nudge for i in whole.ranked]
    assert [i.milestone_version for i in paged] == [i.milestone_version for i in whole.ranked]
