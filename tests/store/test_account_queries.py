"""The store's account-page queries on a hand-made book: accounts, asks, timeline, milestones.

Runs on a real SQLite file (and on PostgreSQL with ``--backend postgresql``), so the queries
stay portable. Every expectation is read off the rows ``_book`` writes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountAsk,
    AccountEvent,
    AccountMilestone,
    Role,
    StatusChange,
    Touchpoint,
)
from csm_desktop.store.queries.accounts import (
    account_count,
    account_names,
    account_page,
    arr_and_owner,
    logo_and_arr,
)
from csm_desktop.store.queries.asks import asks
from csm_desktop.store.queries.milestones import (
    account_milestones,
    blocked_milestones,
    chart_ladder,
    milestones_by_id,
)
from csm_desktop.store.queries.timeline import events, status_changes, touchpoints

D = dt.date


def _book(book: Database) -> dict[str, int]:
    """Acme (ARR 1000, owner Ana, logo acme.png, kickoff 1 Mar) with milestones A (pos 0,
    open), B (pos 1, blocked "legal"), C (pos 2, blocked, no reason kept: ""); Bolt (archived,
    no ladder); Core (no ladder). Acme's asks: 1 ask due 20 Apr on B, kept 1 Apr, open;
    2 risk kept 5 Apr, resolved 10 Apr; 3 ask of unknown date, open.
    Touchpoints: 1 Mar call, 5 Mar email "x", 5 Mar call (logged later), 1 Apr meeting.
    Changes: A new→in progress (2 Mar), B in progress→blocked "legal" (3 Mar)."""
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None
        acme = Account(
            name="Acme", arr=1000.0, owner="Ana", logo_path="acme.png", kickoff_on=D(2026, 3, 1)
        )
        bolt = Account(name="Bolt", archived=True, signed_on=D(2026, 2, 1))
        core = Account(name="Core")
        session.add_all([acme, bolt, core])
        session.flush()
        milestones = {}
        for position, (title, status, reason) in enumerate(
            [("A", "in progress", ""), ("B", "blocked", "legal"), ("C", "blocked", "")]
        ):
            m = AccountMilestone(
                account_id=acme.id, position=position, title=title, role=role, target_day=10,
                status=status, status_reason=reason, unlocks="reports" if title == "A" else None,
            )  # fmt: skip
            session.add(m)
            session.flush()
            milestones[title] = m.id
        now = dt.datetime(2026, 4, 1, 12)
        session.add_all(
            [
                StatusChange(milestone_id=milestones["A"], changed_on=D(2026, 3, 2),
                             recorded_at=now, from_status=None, to_status="in progress"),
                StatusChange(milestone_id=milestones["B"], changed_on=D(2026, 3, 3),
                             recorded_at=now, from_status="in progress", to_status="blocked",
                             reason="legal"),
            ]
        )  # fmt: skip
        for kind, text, due, milestone, created, resolved in [
            ("ask", "Sign the DPA", D(2026, 4, 20), milestones["B"], D(2026, 4, 1), None),
            ("risk", "Champion leaves", None, None, D(2026, 4, 5), D(2026, 4, 10)),
            ("ask", "Name an admin", None, None, None, None),
        ]:
            session.add(
                AccountAsk(account_id=acme.id, kind=kind, text=text, due_on=due,
                           milestone_id=milestone, created_on=created, resolved_on=resolved)
            )  # fmt: skip
            session.flush()
        for day, channel, note in [
            (D(2026, 3, 1), "call", ""),
            (D(2026, 3, 5), "email", "x"),
            (D(2026, 3, 5), "call", ""),
            (D(2026, 4, 1), "meeting", ""),
        ]:
            session.add(
                Touchpoint(account_id=acme.id, channel=channel, template="t", happened_on=day,
                           note=note)
            )  # fmt: skip
            session.flush()
        session.add(
            AccountEvent(account_id=acme.id, happened_on=D(2026, 3, 4), recorded_at=now,
                         kind="value", text="NPS 40")
        )  # fmt: skip
        return {"acme": acme.id, "bolt": bolt.id, "core": core.id, **milestones}


def test_accounts_names_counts_and_money(book: Database) -> None:
    """Three accounts, one archived: 3 in all, 2 active; names by id of the asked ids only."""
    ids = _book(book)
    with book.session() as session:
        assert account_names(session) == {ids["acme"]: "Acme", ids["bolt"]: "Bolt",
                                          ids["core"]: "Core"}  # fmt: skip
        assert account_names(session, [ids["core"], 999_999]) == {ids["core"]: "Core"}
        assert account_count(session) == 3
        assert account_count(session, include_archived=False) == 2
        assert arr_and_owner(session)[ids["acme"]] == (1000.0, "Ana")
        assert arr_and_owner(session)[ids["core"]] == (None, None)
        assert logo_and_arr(session, ids["acme"]) == ("acme.png", 1000.0)
        assert logo_and_arr(session, 999_999) is None
        page = account_page(session, ids["acme"])
        assert page is not None and [m.title for m in page.milestones] == ["A", "B", "C"]
        assert account_page(session, 999_999) is None


def test_asks_all_and_open_on_a_day(book: Database) -> None:
    """On 15 Apr: ask 1 (kept 1 Apr, open) and ask 3 (no date, open) are open; the risk was
    resolved on 10 Apr. On 3 Apr the risk is not kept yet (5 Apr): still 1 and 3. On 7 Apr
    all three are open (resolved on 10 Apr is after)."""
    ids = _book(book)
    with book.session() as session:
        every = asks(session, ids["acme"])
        assert [(a.kind, a.text, a.milestone) for a in every] == [
            ("ask", "Sign the DPA", "B"),
            ("risk", "Champion leaves", ""),
            ("ask", "Name an admin", ""),
        ]
        assert every[0].milestone_id == ids["B"] and every[1].resolved_on == D(2026, 4, 10)
        open_texts = [a.text for a in asks(session, ids["acme"], open_on=D(2026, 4, 15))]
        assert open_texts == ["Sign the DPA", "Name an admin"]
        early = [a.text for a in asks(session, ids["acme"], open_on=D(2026, 4, 3))]
        assert early == ["Sign the DPA", "Name an admin"]
        assert len(asks(session, ids["acme"], open_on=D(2026, 4, 7))) == 3
        assert asks(session, ids["core"]) == []


def test_timeline_rows_newest_first(book: Database) -> None:
    """Touchpoints newest first, within 5 Mar the later-logged call first; until 5 Mar with a
    limit of 2: the two of 5 Mar. Changes: the latest recorded (B's) first."""
    ids = _book(book)
    with book.session() as session:
        every = [(t.happened_on.day, t.channel) for t in touchpoints(session, ids["acme"])]
        assert every == [(1, "meeting"), (5, "call"), (5, "email"), (1, "call")]
        some = touchpoints(session, ids["acme"], until=D(2026, 3, 5), limit=2)
        assert [(t.channel, t.note) for t in some] == [("call", ""), ("email", "x")]
        changes = status_changes(session, ids["acme"])
        assert [(c.milestone, c.from_status, c.to_status, c.reason) for c in changes] == [
            ("B", "in progress", "blocked", "legal"),
            ("A", None, "in progress", ""),
        ]
        assert [(e.kind, e.text) for e in events(session, ids["acme"])] == [("value", "NPS 40")]


def test_milestone_queries(book: Database) -> None:
    """Blocked in ladder order: B ("legal") and C (""); the chart ladder of Core (no ladder)
    has its name and no lines; an unknown account has none."""
    ids = _book(book)
    with book.session() as session:
        assert [m.title for m in account_milestones(session, ids["acme"])] == ["A", "B", "C"]
        found = milestones_by_id(session, [ids["C"], ids["A"], 999_999])
        assert sorted(m.title for m in found) == ["A", "C"]
        assert blocked_milestones(session, ids["acme"]) == [
            (ids["B"], "B", "legal"),
            (ids["C"], "C", ""),
        ]
        acme = chart_ladder(session, ids["acme"])
        assert acme is not None and acme.kickoff_on == D(2026, 3, 1)
        assert [(line.title, line.status, line.unlocks) for line in acme.lines] == [
            ("A", "in progress", "reports"),
            ("B", "blocked", None),
            ("C", "blocked", None),
        ]
        core = chart_ladder(session, ids["core"])
        assert core is not None and core.name == "Core" and core.lines == ()
        assert chart_ladder(session, 999_999) is None


def test_unknown_account_reads_as_empty(book: Database) -> None:
    missing = 999_999
    with book.session() as session:
        assert touchpoints(session, missing) == []
        assert status_changes(session, missing) == []
        assert blocked_milestones(session, missing) == []
