"""The Book's rows from the database's counts equal the rows computed from whole ladders.

``services.book.book_rows`` reads one row of counts per account
(``store.queries.book_figures``); ``reference_rows`` below is how the Book was computed
before: every milestone loaded (``account_ladders``), read as of today, and the domain's
``completion``, ``next_open``, ``overdue``, ``health`` and ``time_to_first_value`` applied.
Both must give the same rows on the hand-built edge-case book of
``test_ladder_figures``, on the demo book on several dates, archived accounts in or out,
and on PostgreSQL (``--backend postgresql``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.ladder import as_of, completion, next_open, overdue
from csm_desktop.domain.metrics import NO_USAGE, AccountFacts, health, time_to_first_value
from csm_desktop.domain.vocabulary import Health, Status, phase_of_day
from csm_desktop.services.book import BookRow, book_rows
from csm_desktop.services.demo import create_demo_book
from csm_desktop.store.database import Database
from csm_desktop.store.queries.ladders import account_ladders
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.usage import usage_facts
from tests.store.test_ladder_figures import TODAY, edge_case_book


def reference_rows(database: Database, today: dt.date, include_archived: bool) -> list[BookRow]:
    chosen = AccountFilter(include_archived=include_archived)
    with database.session() as session:
        ladders = account_ladders(session, chosen)
        usage = usage_facts(session, chosen, today, full=False)
    rows = []
    for row in ladders:
        if row.kickoff is None:
            counted = [s for s in row.statuses if s is not Status.SKIPPED]
            done = sum(s is Status.ACHIEVED for s in counted)
            rows.append(
                BookRow(
                    row.id, row.name, row.external_id, row.segment, row.owner, row.playbook,
                    None, None, None, done / len(counted) if counted else None, None, None, 0,
                    None, None, row.arr, row.renewal_on,
                )
            )  # fmt: skip
            continue
        milestones = tuple(as_of(m, today) for m in row.milestones)
        facts = AccountFacts(row.name, row.kickoff, milestones, usage=usage.get(row.id, NO_USAGE))
        upcoming = next_open(milestones)
        age = facts.age(today)
        rows.append(
            BookRow(
                row.id, row.name, row.external_id, row.segment, row.owner, row.playbook,
                row.kickoff, age, phase_of_day(max(age, 0)), completion(milestones),
                upcoming.title if upcoming else None, upcoming.due_on if upcoming else None,
                len(overdue(milestones, today)), health(facts, today),
                time_to_first_value(facts), row.arr, row.renewal_on,
            )
        )  # fmt: skip
    return rows


def assert_same(book: Database, today: dt.date, include_archived: bool = False) -> None:
    fast = book_rows(book, today, include_archived=include_archived)
    reference = reference_rows(book, today, include_archived)
    assert [r.name for r in fast] == [r.name for r in reference]
    for ours, theirs in zip(fast, reference, strict=True):
        assert ours == theirs, (today, include_archived)


def test_the_edge_case_book_rows_match_the_whole_ladders(book: Database) -> None:
    """Alpha: Setup, First report and Custom achieved, Later achieved after today (so open),
    Skipped skipped: 3 of 5 counted = 0.6; next open is Later (due day 20), overdue 1, at
    risk, TTFV 14. Delta has no K: its one achieved milestone gives completion 1.0 and no
    other figure. Epsilon (archived) shows only with archived accounts."""
    edge_case_book(book)
    rows = {row.name: row for row in book_rows(book, TODAY)}
    assert list(rows) == ["Alpha", "Beta", "Delta", "Gamma", "Zeta"]
    alpha = rows["Alpha"]
    assert (alpha.completion, alpha.next_milestone, alpha.overdue) == (0.6, "Later", 1)
    assert (alpha.health, alpha.ttfv_days, alpha.age_days) == (Health.AT_RISK, 14, 59)
    assert alpha.next_due_on == dt.date(2026, 1, 21)
    delta = rows["Delta"]
    assert (delta.completion, delta.health, delta.kickoff_on) == (1.0, None, None)
    assert rows["Beta"].health is Health.OFF_TRACK
    assert rows["Gamma"].completion is None and rows["Gamma"].next_milestone is None
    for today in (TODAY, dt.date(2026, 1, 3), dt.date(2026, 3, 12), dt.date(2025, 6, 1)):
        assert_same(book, today)
        assert_same(book, today, include_archived=True)


@pytest.mark.parametrize("today", [dt.date(2026, 11, 26), dt.date(2026, 6, 2)])
def test_the_demo_book_rows_match_the_whole_ladders(book: Database, today: dt.date) -> None:
    create_demo_book(book, today=dt.date(2026, 11, 26))
    rows = book_rows(book, today)
    assert len(rows) >= 30 and any(r.overdue for r in rows)  # not vacuous
    assert {r.health for r in rows} >= {Health.ON_TRACK, Health.AT_RISK}
    assert_same(book, today)
    assert_same(book, today, include_archived=True)
