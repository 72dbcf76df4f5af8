"""Bulk writes on a team server fire the change-notice triggers once per chunk, not per row.

psycopg runs an executemany as one statement per row, and migration 0008's statement
triggers then ran once per row: storing 20,000 usage rows took three times as long. The
imports' writes (usage upsert, new rows, updated rows, evidence met dates) now send one
statement per chunk. These tests count the trigger function's calls on the server
(``track_functions``) and check that the one notice still names every account touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from csm_desktop.store.database import Database
from csm_desktop.store.live_changes import CHANNEL
from csm_desktop.store.models import Account, AccountMilestone, Role
from csm_desktop.store.queries.book_io import insert_rows, update_rows
from csm_desktop.store.queries.evidence import MetDate, set_criterion_met_on
from csm_desktop.store.queries.usage_rows import feature_ids, store_usage, usage_rows

pytestmark = pytest.mark.postgresql


@pytest.fixture
def listener(book: Database) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A teammate's connection listening for change notices on the same book."""
    url = book.engine.url.set(drivername="postgresql")
    connection = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    connection.execute(f"LISTEN {CHANNEL}")
    yield connection
    connection.close()


def noticed_accounts(listener: psycopg.Connection[tuple[object, ...]]) -> set[int | str]:
    """The accounts named by the notices sent so far (``"*"``: every account)."""
    return {
        int(part) if part.isdigit() else part
        for notice in listener.notifies(timeout=1.0)
        for part in notice.payload.split(",")
    }


def counted(session: Session) -> None:
    """Count calls of PL/pgSQL functions (the triggers) from here on (a superuser setting)."""
    session.execute(text("SET track_functions = 'pl'"))


def trigger_calls(book: Database) -> int:
    with book.session() as session:
        session.execute(text("SELECT pg_stat_force_next_flush()"))
    with book.session() as session:
        calls = session.execute(
            text("SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions")
        ).scalar_one()
    return int(calls)


def add_accounts(book: Database, count: int) -> list[int]:
    with book.session() as session:
        session.add_all(Account(name=f"Account {n}", segment="SMB") for n in range(count))
        session.commit()
        return list(session.scalars(select(Account.id).order_by(Account.id)))


def test_storing_usage_rows_fires_the_triggers_per_chunk_and_names_every_account(
    book: Database, listener: psycopg.Connection[tuple[object, ...]]
) -> None:
    """3 accounts × 1,000 days = 3,000 rows in one chunk: one statement, whose INSERT and
    UPDATE triggers run once each (2 calls; row by row it was 6,000). A row given twice keeps
    its last count, as row by row."""
    ids = add_accounts(book, 3)
    with book.session() as session:
        feature_ids(session, ["reports"])  # a new feature key is news for every account
    assert noticed_accounts(listener) == {*ids, "*"}
    start = dt.date(2024, 1, 1)
    days = [start + dt.timedelta(days=n) for n in range(1000)]
    rows = [(account, day) for account in ids for day in days]
    with book.session() as session:
        counted(session)
        store_usage(
            session,
            [account for account, _ in rows] + [ids[0]],
            [day for _, day in rows] + [start],
            ["reports"] * (len(rows) + 1),
            [1] * len(rows) + [7],
            [None] * (len(rows) + 1),
        )
        session.commit()
    assert trigger_calls(book) == 2
    assert noticed_accounts(listener) == set(ids)
    with book.session() as session:
        stored = usage_rows(session)
    assert len(stored) == 3000
    assert (ids[0], start, "reports", 7, None) in stored


def test_new_and_changed_rows_fire_the_triggers_per_chunk(
    book: Database, listener: psycopg.Connection[tuple[object, ...]]
) -> None:
    """600 new accounts are one INSERT (1 call); changing the segment of 600 of them, one of
    which already has it, is one UPDATE (1 call) that leaves that one's version alone."""
    with book.session() as session:
        counted(session)
        insert_rows(
            session,
            Account,
            [{"name": f"Account {n}", "segment": "SMB", "version": 1} for n in range(600)],
        )
        session.commit()
    assert trigger_calls(book) == 1
    with book.session() as session:
        accounts = session.execute(select(Account.id, Account.name).order_by(Account.id)).all()
    assert noticed_accounts(listener) == {account_id for account_id, _ in accounts}
    with book.session() as session:
        counted(session)
        update_rows(
            session,
            Account,
            [
                {"id": account_id, "segment": "SMB" if n == 0 else "Enterprise"}
                for n, (account_id, _) in enumerate(accounts)
            ],
        )
        session.commit()
    assert trigger_calls(book) == 2
    with book.session() as session:
        versions = dict(session.execute(select(Account.id, Account.version)).all())
    assert versions[accounts[0][0]] == 1
    assert {versions[account_id] for account_id, _ in accounts[1:]} == {2}
    assert noticed_accounts(listener) == {account_id for account_id, _ in accounts[1:]}


def test_met_dates_are_stored_in_one_statement_on_the_versions_read(book: Database) -> None:
    """Two milestones get met dates (one of them back to none) in one UPDATE; a stale
    version among them refuses the whole chunk, as row by row."""
    (account_id,) = add_accounts(book, 1)
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        assert role is not None  # the roles every book starts with
        session.add_all(
            AccountMilestone(
                account_id=account_id,
                title=f"Step {n}",
                role_id=role.id,
                position=n,
                target_day=10 * n,
            )
            for n in range(2)
        )
        session.commit()
        first, second = session.scalars(select(AccountMilestone).order_by(AccountMilestone.id))
        first.criterion_met_on = dt.date(2026, 3, 1)
        session.commit()
        stored = [(m.id, m.version) for m in (first, second)]
    with book.session() as session:
        set_criterion_met_on(
            session,
            [MetDate(stored[0][0], stored[0][1], None), MetDate(*stored[1], dt.date(2026, 4, 2))],
        )
        session.commit()
    with book.session() as session:
        found = session.execute(
            select(AccountMilestone.criterion_met_on, AccountMilestone.version).order_by(
                AccountMilestone.id
            )
        ).all()
    assert [tuple(row) for row in found] == [(None, 3), (dt.date(2026, 4, 2), 2)]
    with book.session() as session, pytest.raises(Exception, match="expected to update 2 rows"):
        set_criterion_met_on(
            session,
            [MetDate(stored[0][0], 3, dt.date(2026, 5, 1)), MetDate(*stored[1], None)],
        )


def test_an_over_long_text_is_refused_not_cut(book: Database) -> None:
    """A milestone status is at most 16 characters: a bulk insert or update giving 17 is
    refused as a plain one is (it used to be cut to 16 by the arrays' cast), and nothing of
    the chunk is stored."""
    (account_id,) = add_accounts(book, 1)
    too_long = "in progress, mostly"  # 19 characters
    with book.session() as session:
        role_id = session.scalars(select(Role.id)).first()
        rows = [
            {"account_id": account_id, "title": f"Step {n}", "role_id": role_id, "position": n,
             "target_day": 10 * n, "status": too_long if n == 1 else "not started"}
            for n in range(2)
        ]  # fmt: skip
        with pytest.raises(Exception, match="value too long"):
            insert_rows(session, AccountMilestone, rows)
    with book.session() as session:
        assert session.scalars(select(AccountMilestone)).all() == []
        insert_rows(session, AccountMilestone, [{**rows[0], "status": "not started"}])
        session.commit()
        milestone_id = session.scalars(select(AccountMilestone.id)).one()
    with book.session() as session, pytest.raises(Exception, match="value too long"):
        update_rows(session, AccountMilestone, [{"id": milestone_id, "status": too_long}])
    with book.session() as session:
        assert session.scalars(select(AccountMilestone.status)).one() == "not started"


def test_bulk_rows_keep_mixed_numbers_and_get_the_column_defaults(book: Database) -> None:
    """A float column given whole and decimal numbers and None in one chunk stores each as
    given (the array's type follows its values: 12000 among 0.5s must not fail or round);
    columns a row leaves out get their defaults, as a plain insert gives them."""
    with book.session() as session:
        insert_rows(
            session,
            Account,
            [
                {"name": "Whole", "arr": 12000, "version": 1},
                {"name": "Half", "arr": 0.5, "version": 1},
                {"name": "Unknown", "arr": None, "version": 1},
            ],
        )
        role_id = session.scalars(select(Role.id)).first()
        account_id = session.scalars(select(Account.id).where(Account.name == "Whole")).one()
        insert_rows(
            session,
            AccountMilestone,
            [{"account_id": account_id, "title": "Step", "role_id": role_id, "position": 1,
              "target_day": 7}],
        )  # fmt: skip
        session.commit()
    with book.session() as session:
        arr = dict(session.execute(select(Account.name, Account.arr)).all())
        milestone = session.scalars(select(AccountMilestone)).one()
    assert arr == {"Whole": 12000.0, "Half": 0.5, "Unknown": None}
    assert (milestone.status, milestone.status_reason, milestone.version) == ("not started", "", 1)
