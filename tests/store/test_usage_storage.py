"""Compact usage rows (issue 17, DESIGN §9): the upgrade of an old book, the size of a row,
and the store functions every reader and writer of usage goes through."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.store.database import Database, open_database
from csm_desktop.store.day_numbers import day_number, day_of_number
from csm_desktop.store.models import Account, UsageEvent
from csm_desktop.store.queries.usage_rows import (
    count_usage_rows,
    last_usage_day,
    move_feature_usage,
    store_usage,
    store_usage_rows,
    usage_features,
    usage_rows,
    usage_rows_per_feature,
    used_day_series,
)
from csm_desktop.store.schema import SCHEMA_HEAD

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book_rev0005.sqlite3"


def test_day_numbers_count_days_from_1970() -> None:
    """1970-01-01 is 0, the day before is -1, 2026-01-01 is 56 years and 14 leap days on:
    56 × 365 + 14 = 20,454."""
    assert day_number(dt.date(1970, 1, 1)) == 0
    assert day_number(dt.date(1969, 12, 31)) == -1
    assert day_number(dt.date(2026, 1, 1)) == 20_454
    assert day_of_number(20_454) == dt.date(2026, 1, 1)


def test_a_revision_0005_book_is_upgraded_in_place_row_for_row(tmp_path: Path) -> None:
    """The committed book (revision 0005) holds 5 usage rows of 2 accounts in 3 spellings,
    one before 1970 and one with a count of 0; all come back unchanged after the upgrade,
    the old book is copied aside first, and the vocabulary entry is untouched."""
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, path)
    database = open_database(path)
    try:
        with database.session() as session:
            rows = usage_rows(session)
            names = {i: n for i, n in session.execute(select(Account.id, Account.name))}
            features = usage_features(session)
            version = (
                session.connection()
                .exec_driver_sql("SELECT version_num FROM alembic_version")
                .scalar()
            )
    finally:
        database.close()
    assert version == SCHEMA_HEAD
    assert [(names[a], d, f, c, u) for a, d, f, c, u in rows] == [
        ("Contoso", dt.date(2026, 1, 5), "reports.run", 0, None),
        ("Contoso", dt.date(2026, 1, 5), "sso_login", 3, 2),
        ("Contoso", dt.date(2026, 1, 6), "sso_login", 7, None),
        ("Fabrikam", dt.date(1969, 12, 31), "User Invited", 1, 1),
        ("Fabrikam", dt.date(2026, 11, 30), "reports.run", 12, 4),
    ]
    assert features == {"reports.run", "sso_login", "User Invited"}
    assert list(tmp_path.glob("**/*before-migration-from-0005*")), "no copy set aside"
    with sqlite3.connect(path) as raw:
        stored = raw.execute("SELECT day, typeof(day) FROM usage_event ORDER BY day").fetchall()
        vocabulary = raw.execute("SELECT key, display_name, aliases FROM feature").fetchall()
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master")}
    assert stored[0] == (-1, "integer") and stored[-1] == (
        day_number(dt.date(2026, 11, 30)),
        "integer",
    )
    assert vocabulary == [("sso_login", "Single sign-on", "SSO Login")]
    assert "ix_usage_event_used_days" not in tables


@pytest.mark.file_book
def test_a_usage_row_takes_at_most_60_bytes(book: Database) -> None:
    """200 accounts × 10 features × 60 days = 120,000 rows; the file grows by the pages the
    rows need (page count × page size after a checkpoint), which must stay ≤ 60 B a row."""
    with book.session() as session:
        session.add_all(Account(name=f"Account {n}") for n in range(200))
    with book.session() as session:
        before = _bytes_used(session)
        ids = list(session.scalars(select(Account.id)))
        first = dt.date(2026, 1, 1)
        rows = [
            (a, first + dt.timedelta(d), f"feature_{f}", (a * d + f) % 40, None)
            for a in ids
            for d in range(60)
            for f in range(10)
        ]
        store_usage_rows(session, rows)
    with book.session() as session:
        assert count_usage_rows(session) == 120_000
        grown = _bytes_used(session) - before
    assert grown / 120_000 <= 60, f"{grown / 120_000:.1f} B a row"


def _bytes_used(session) -> int:  # type: ignore[no-untyped-def]
    connection = session.connection()
    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
    free = connection.exec_driver_sql("PRAGMA freelist_count").scalar()
    size = connection.exec_driver_sql("PRAGMA page_size").scalar()
    return int((pages - free) * size)


def test_store_usage_upserts_and_readers_filter(book: Database) -> None:
    """Storing (Jan 5, login, 3) twice with a new count keeps one row with the new count;
    the readers filter by account, days, features and use (count > 0)."""
    with book.session() as session:
        a, b = Account(name="A"), Account(name="B")
        session.add_all([a, b])
        session.flush()
        jan = [dt.date(2026, 1, d) for d in (5, 6, 7)]
        store_usage(
            session, [a.id, a.id, b.id], jan, ["login", "sso", "login"], [3, 0, 2], [None] * 3
        )
        store_usage(session, [a.id], ["2026-01-05"], ["login"], [4], [2])
        assert count_usage_rows(session) == 3
        assert usage_rows(session, account_ids=[a.id]) == [
            (a.id, jan[0], "login", 4, 2),
            (a.id, jan[1], "sso", 0, None),
        ]
        assert usage_rows(session, used_only=True, since=jan[1]) == [
            (b.id, jan[2], "login", 2, None)
        ]
        assert usage_rows(session, features=["sso"]) == [(a.id, jan[1], "sso", 0, None)]
        assert usage_features(session, [b.id]) == {"login"}
        assert usage_rows_per_feature(session) == {"login": 2, "sso": 1}
        assert last_usage_day(session, a.id, jan[2]) == jan[1]
        assert last_usage_day(session, a.id, dt.date(2026, 1, 4)) is None


def test_used_day_series_lists_days_with_use_per_account_and_feature(book: Database) -> None:
    """A: login 3 on Jan 5 and 1 on Jan 7, sso 0 on Jan 6 (not use); B: login 2 on Jan 6.
    Day numbers: Jan 5 2026 is 20,454 + 4 = 20,458. Both paths (SQLite's cursor and Core)
    give the same series."""
    with book.session() as session:
        a, b = Account(name="A"), Account(name="B")
        session.add_all([a, b])
        session.flush()
        days = [dt.date(2026, 1, d) for d in (7, 5, 6, 6)]
        store_usage(
            session,
            [a.id, a.id, a.id, b.id],
            days,
            ["login", "login", "sso", "login"],
            [1, 3, 0, 2],
            [None] * 4,
        )
        expected = {
            (a.id, "login"): ([20_458, 20_460], [3, 1]),
            (b.id, "login"): ([20_459], [2]),
        }
        for portable in (False, True):
            series = used_day_series(session, None, ["login", "sso"], portable=portable)
            assert series == expected
            assert used_day_series(session, [b.id], ["login"], portable=portable) == {
                (b.id, "login"): ([20_459], [2])
            }
            assert used_day_series(session, [a.id], ["nothing"], portable=portable) == {}
            assert used_day_series(session, [], ["login"], portable=portable) == {}


def test_used_day_series_keeps_each_feature_of_each_account_apart(book: Database) -> None:
    """Two accounts, two features each, used on interleaved days (rows come back account by
    account, day by day, the features alternating): every (account, feature) gets its own
    days in order, on both paths. Day numbers: Jan 1 2026 is 20,454."""
    with book.session() as session:
        a, b = Account(name="A"), Account(name="B")
        session.add_all([a, b])
        session.flush()
        rows = [
            (b.id, 2, "sso", 5), (a.id, 1, "login", 1), (a.id, 1, "sso", 2), (b.id, 1, "login", 3),
            (a.id, 2, "login", 4), (b.id, 3, "sso", 6), (a.id, 3, "sso", 7), (b.id, 3, "login", 8),
        ]  # fmt: skip
        store_usage(
            session,
            [account for account, _day, _feature, _count in rows],
            [dt.date(2026, 1, day) for _account, day, _feature, _count in rows],
            [feature for _account, _day, feature, _count in rows],
            [count for _account, _day, _feature, count in rows],
            [None] * len(rows),
        )
        expected = {
            (a.id, "login"): ([20_454, 20_455], [1, 4]),
            (a.id, "sso"): ([20_454, 20_456], [2, 7]),
            (b.id, "login"): ([20_454, 20_456], [3, 8]),
            (b.id, "sso"): ([20_455, 20_456], [5, 6]),
        }
        for portable in (False, True):
            assert used_day_series(session, None, ["login", "sso"], portable=portable) == expected
            assert used_day_series(session, [a.id, b.id], ["sso"], portable=portable) == {
                key: series for key, series in expected.items() if key[1] == "sso"
            }


def test_moving_a_feature_adds_counts_on_shared_days(book: Database) -> None:
    """ "User Invited" on Jan 5 (2, 3 users) and Jan 6 (1) into user_invited on Jan 5 (4, 1
    user): Jan 5 becomes 2 + 4 = 6 with max(3, 1) = 3 users, Jan 6 moves as it is."""
    with book.session() as session:
        a = Account(name="A")
        session.add(a)
        session.flush()
        d5, d6 = dt.date(2026, 1, 5), dt.date(2026, 1, 6)
        store_usage_rows(
            session,
            [(a.id, d5, "User Invited", 2, 3), (a.id, d6, "User Invited", 1, None),
             (a.id, d5, "user_invited", 4, 1)],
        )  # fmt: skip
        assert move_feature_usage(session, "User Invited", "user_invited") == 2
        assert usage_rows(session) == [
            (a.id, d5, "user_invited", 6, 3),
            (a.id, d6, "user_invited", 1, None),
        ]


def test_orm_rows_created_with_a_feature_key_get_its_id(book: Database) -> None:
    """``UsageEvent(feature="x")`` still works for small writes; ``feature`` reads back."""
    with book.session() as session:
        a = Account(name="A")
        session.add(a)
        session.flush()
        session.add(UsageEvent(account_id=a.id, day=dt.date(2026, 1, 5), feature="x", count=1))
        session.add(UsageEvent(account_id=a.id, day=dt.date(2026, 1, 6), feature="x", count=2))
    with book.session() as session:
        rows = session.execute(select(UsageEvent.day, UsageEvent.feature, UsageEvent.count)).all()
        ids = set(session.scalars(select(UsageEvent.feature_id)))
    assert [tuple(r) for r in rows] == [
        (dt.date(2026, 1, 5), "x", 1),
        (dt.date(2026, 1, 6), "x", 2),
    ]
    assert len(ids) == 1
