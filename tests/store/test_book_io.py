"""``store.queries.book_io.insert_rows``: SQLite's raw-cursor path stores exactly what Core's
portable path stores (dates, booleans, None, and the Python-side defaults of columns left
out), and a write the database refuses raises as SQLAlchemy would."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account, AccountMilestone, Role, StatusChange
from csm_desktop.store.queries import book_io


def stored(path: Path, portable: bool) -> list[str]:
    """Two accounts, a role, three milestones (one achieved with first value, one with only
    a title and the required columns) and a status change, inserted on one path."""
    database = open_database(path)
    try:
        with database.session() as session:
            book_io.insert_rows(
                session,
                Account,
                [
                    {"name": "Acme", "kickoff_on": dt.date(2026, 1, 5), "seats": 40},
                    {"name": "Globex", "kickoff_on": None, "seats": None},
                ],
                portable=portable,
            )
            role = book_io.insert_row(session, Role, {"name": "CSM", "position": 1})
            ids = {a.name: a.id for a in book_io.book_accounts(session)}
            book_io.insert_rows(
                session,
                AccountMilestone,
                [
                    {
                        "account_id": ids["Acme"],
                        "position": n,
                        "title": f"Step {n}",
                        "role_id": role,
                        "target_day": 7 * n,
                        "due_on": dt.date(2026, 1, 5 + 7 * n),
                        "achieved_on": dt.date(2026, 1, 9) if n == 1 else None,
                        "status": "achieved" if n == 1 else "not started",
                        "first_value": n == 1,
                    }
                    for n in (1, 2)
                ],
                portable=portable,
            )
            book_io.insert_rows(
                session,
                AccountMilestone,
                [
                    {
                        "account_id": ids["Globex"],
                        "position": 1,
                        "title": "Kickoff",
                        "role_id": role,
                        "target_day": 0,
                    }
                ],
                portable=portable,
            )
            milestone = book_io.milestone_ids(session, [ids["Acme"]])[(ids["Acme"], 1)]
            book_io.insert_rows(
                session,
                StatusChange,
                [
                    {
                        "milestone_id": milestone,
                        "changed_on": dt.date(2026, 1, 9),
                        "recorded_at": dt.datetime(2026, 1, 9, 10, 30, 5, 123456),
                        "from_status": None,
                        "to_status": "achieved",
                        "reason": "",
                    }
                ],
                portable=portable,
            )
    finally:
        database.close()
    connection = sqlite3.connect(path)
    try:
        return [
            line
            for line in connection.iterdump()
            if line.startswith(('INSERT INTO "account"', 'INSERT INTO "account_milestone"',
                                'INSERT INTO "status_change"', 'INSERT INTO "role"'))
        ]  # fmt: skip
    finally:
        connection.close()


def test_the_raw_path_stores_what_core_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both books are stamped as written at one moment (changed_at), so their dumps compare;
    # on the whole second, which Python's sqlite3 adapter would write without ".000000".
    monkeypatch.setattr(book_io, "utc_now", lambda: dt.datetime(2026, 1, 9, 12, 0, 0))
    fast = stored(tmp_path / "fast.sqlite3", portable=False)
    core = stored(tmp_path / "core.sqlite3", portable=True)
    assert fast == core
    tables = [line.split('"')[1] for line in fast]
    assert [tables.count(t) for t in ("account", "account_milestone", "status_change")] == [
        2,
        3,
        1,
    ]
    # Defaults of the columns left out were applied: archived 0, status "not started".
    assert any("'Kickoff'" in line and "'not started'" in line for line in fast)
    assert any("'2026-01-09 10:30:05.123456'" in line for line in fast)


def test_a_refused_write_raises_as_sqlalchemy_would(tmp_path: Path) -> None:
    """A second account with a taken name breaks the unique constraint: DBAPIError."""
    database = open_database(tmp_path / "book.sqlite3")
    try:
        with pytest.raises(DBAPIError, match="UNIQUE"), database.session() as session:
            rows = [{"name": "Acme"}, {"name": "Acme"}]
            book_io.insert_rows(session, Account, rows)
    finally:
        database.close()


def test_a_columns_values_are_converted_once_each_and_none_is_kept() -> None:
    """The raw path converts a column at a time: [Jan 5, None, Jan 5, Jan 6] calls the
    processor twice (once per distinct date) and keeps None; an unhashable value (a list)
    is converted on its own, every time."""
    calls: list[object] = []

    def process(value: object) -> str:
        calls.append(value)
        return f"<{value}>"

    jan5, jan6 = dt.date(2026, 1, 5), dt.date(2026, 1, 6)
    assert book_io._converted([jan5, None, jan5, jan6], process) == [
        "<2026-01-05>",
        None,
        "<2026-01-05>",
        "<2026-01-06>",
    ]
    assert sorted(calls) == [jan5, jan6]
    calls.clear()
    assert book_io._converted([[1], None, [1]], process) == ["<[1]>", None, "<[1]>"]
    assert calls == [[1], [1]]


def accounts_stored(path: Path, portable: bool) -> list[str]:
    """Three accounts whose segment, industry and seats are the same in all three and whose
    ARR is 5, 5.0 and 5 (equal in Python, not of one type), inserted on one path."""
    database = open_database(path)
    try:
        with database.session() as session:
            rows = [
                {"name": name, "segment": "O'Hara's", "industry": None, "seats": 40, "arr": arr}
                for name, arr in (("Acme", 5), ("Globex", 5.0), ("Initech", 5))
            ]
            book_io.insert_rows(session, Account, rows, portable=portable)
    finally:
        database.close()
    connection = sqlite3.connect(path)
    try:
        return [line for line in connection.iterdump() if line.startswith('INSERT INTO "account"')]
    finally:
        connection.close()


def test_a_column_of_one_value_is_written_into_the_insert_and_stores_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column holding one value in the whole chunk goes into the SQL, not bound per row:
    the text with quotes, None and the int are literals; ARR (5 and 5.0 are equal, but not
    one type) stays bound. What is stored is what Core's path stores."""
    monkeypatch.setattr(book_io, "utc_now", lambda: dt.datetime(2026, 1, 9, 12, 0, 0))
    fast = accounts_stored(tmp_path / "fast.sqlite3", portable=False)
    assert fast == accounts_stored(tmp_path / "core.sqlite3", portable=True)
    assert len(fast) == 3 and all("'O''Hara''s'" in line for line in fast)
    plan = book_io._RawInsert("account", ["segment", "industry", "seats", "arr"], [None] * 4, [])
    rows = [("O'Hara's", None, 40, 5), ("O'Hara's", None, 40, 5.0)]
    sql, parameters = book_io._statement(plan, list(zip(*rows, strict=True)))  # by column
    assert sql.endswith("VALUES ('O''Hara''s', NULL, 40, ?)")
    assert [list(map(type, row)) for row in parameters] == [[int], [float]]


def test_rows_go_fifty_to_an_insert_and_the_rest_one_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """123 accounts: the raw path binds them 50 to a statement (two statements of 100
    values) and the last 23 one per statement, and stores exactly what Core's path stores,
    in the same order (ids); a row of more values than 999 / 50 takes fewer rows a statement."""
    plan = book_io._RawInsert("account", ["name", "seats"], [None, None], [])
    names = [f"Account {n}" for n in range(123)]
    seats = [n % 7 for n in range(123)]
    (packed, many), (single, rest) = book_io._statements(plan, [names, seats])
    assert packed.count("(?, ?)") == 50 and single.endswith("VALUES (?, ?)")
    assert [len(values) for values in many] == [100, 100]
    assert many[1][:2] == ("Account 50", 50 % 7) and rest[0] == ("Account 100", 100 % 7)
    wide = book_io._RawInsert("account", [f"c{n}" for n in range(40)], [None] * 40, [])
    [(sql, groups), _] = book_io._statements(wide, [list(range(25)) for _ in range(40)])
    assert sql.count("), (") == 999 // 40 - 1 and [len(g) for g in groups] == [40 * 24]

    def stored(path: Path, portable: bool) -> list[str]:
        database = open_database(path)
        try:
            with database.session() as session:
                rows = [
                    {"name": name, "seats": seat} for name, seat in zip(names, seats, strict=True)
                ]
                book_io.insert_rows(session, Account, rows, portable=portable)
        finally:
            database.close()
        connection = sqlite3.connect(path)
        try:
            return [
                line for line in connection.iterdump() if line.startswith('INSERT INTO "account"')
            ]
        finally:
            connection.close()

    monkeypatch.setattr(book_io, "utc_now", lambda: dt.datetime(2026, 1, 9, 12, 0, 0))
    fast = stored(tmp_path / "fast.sqlite3", portable=False)
    assert len(fast) == 123 and fast == stored(tmp_path / "core.sqlite3", portable=True)
