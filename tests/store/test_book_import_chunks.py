"""import-book writes milestones and usage a chunk of rows at a time (``book_io.CHUNK``,
``book_import_store.USAGE_CHUNK``), so a 600,000-row Milestones sheet never becomes 600,000
dicts at once (issue 17). Chunks must not change what is stored: the same two imports (a
first one, then one that updates and adds) give the same ladders, status history and usage
with chunks of 2 rows as in one chunk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from csm_desktop.services import book_import_store
from csm_desktop.services.book_workbook import import_book
from csm_desktop.spreadsheets.book_workbook import SHEET_HEADERS
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountMilestone, StatusChange
from csm_desktop.store.queries import book_io
from csm_desktop.store.queries.usage_rows import usage_rows

K = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 3, 1)


def write_workbook(path: Path, rows: dict[str, Sequence[Sequence[Any]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(headers))
        for row in rows.get(name, ()):
            sheet.append(list(row))
    workbook.save(path)
    workbook.close()
    return path


def milestone(account: str, title: str, status: str, started: Any = None, done: Any = None) -> list:
    return [account, title, "CSM", 10, None, status, started, done]


def imports(tmp_path: Path) -> tuple[Path, Path]:
    accounts = [["Acme", None, None, None, None, None, None, None, K], ["Beta"] + [None] * 7 + [K]]
    first = write_workbook(
        tmp_path / "first.xlsx",
        {
            "Accounts": accounts,
            "Milestones": [
                milestone("Acme", "Kickoff", "achieved", None, dt.datetime(2026, 1, 5)),
                milestone("Acme", "Setup", "in progress", dt.datetime(2026, 1, 10)),
                milestone("Acme", "Train", "not started"),
                milestone("Beta", "Kickoff", "blocked"),
                milestone("Beta", "Go live", "skipped"),
            ],
            "Usage": [
                ["Acme", dt.datetime(2026, 1, day), "export", day, None] for day in range(1, 6)
            ]
            + [["Beta", dt.datetime(2026, 1, 9), "Export", 4, 2]],
        },
    )
    second = write_workbook(
        tmp_path / "second.xlsx",
        {
            "Accounts": accounts,
            "Milestones": [
                milestone("Acme", "Setup", "achieved", dt.datetime(2026, 1, 10), K.replace(day=20)),
                milestone("Acme", "Expand", "achieved", None, dt.datetime(2026, 2, 2)),
                milestone("Beta", "Kickoff", "blocked"),
                milestone("Beta", "Go live", "not started"),
                milestone("Beta", "Renew", "in progress", dt.datetime(2026, 2, 20)),
            ],
            "Usage": [
                ["Acme", dt.datetime(2026, 1, 3), "export", 30, 3],
                ["Beta", dt.datetime(2026, 1, 9), "Export", 4, 2],
                ["Beta", dt.datetime(2026, 1, 10), "export", 1, None],
            ],
        },
    )
    return first, second


@pytest.fixture
def second_book(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "second.sqlite3")
    yield database
    database.close()


def stored(book: Database) -> tuple[list[tuple[Any, ...]], ...]:
    """Ladders (account, position, title, status, started, achieved), history (account,
    title, from, to, on) and usage (account, day, feature, count, users), in order."""
    with book.session() as session:
        ladders = [
            (a.name, m.position, m.title, m.status, m.started_on, m.achieved_on)
            for m, a in session.execute(
                select(AccountMilestone, Account)
                .join(Account)
                .order_by(Account.name, AccountMilestone.position)
            )
        ]
        changes = [
            (a.name, m.title, c.from_status, c.to_status, c.changed_on)
            for c, m, a in session.execute(
                select(StatusChange, AccountMilestone, Account)
                .join(AccountMilestone, AccountMilestone.id == StatusChange.milestone_id)
                .join(Account, Account.id == AccountMilestone.account_id)
            )
        ]
    history = sorted(changes, key=lambda c: (c[0], c[1], c[4], c[2] or ""))
    with book.session() as session:
        names = {a.id: a.name for a in session.scalars(select(Account))}
        usage = [(names[a], *rest) for a, *rest in usage_rows(session)]
    return ladders, history, usage


def test_chunks_of_two_rows_store_what_one_chunk_stores(
    book: Database, second_book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By hand: Acme's Setup was started 10 January (first import) and achieved 20 January
    (second); Expand is new and achieved 2 February; Beta's Go live goes from skipped back
    to not started on the import day; Renew is new, in progress from 20 February; blocked
    Kickoff stays blocked (no new change). Both books hold exactly that."""
    first, second = imports(tmp_path)
    for name in (first, second):
        assert import_book(book, name, today=TODAY).stored
    monkeypatch.setattr(book_io, "CHUNK", 2)
    monkeypatch.setattr(book_import_store, "USAGE_CHUNK", 2)
    for name in (first, second):
        assert import_book(second_book, name, today=TODAY).stored
    assert stored(second_book) == stored(book)
    ladders, history, usage = stored(book)
    # Acme's 3 January is updated to 30 (3 users) by the second import; Beta's 10 January is
    # new; "Export" and "export" are two spellings stored as written.
    assert usage == [
        ("Acme", dt.date(2026, 1, 1), "export", 1, None),
        ("Acme", dt.date(2026, 1, 2), "export", 2, None),
        ("Acme", dt.date(2026, 1, 3), "export", 30, 3),
        ("Acme", dt.date(2026, 1, 4), "export", 4, None),
        ("Acme", dt.date(2026, 1, 5), "export", 5, None),
        ("Beta", dt.date(2026, 1, 9), "Export", 4, 2),
        ("Beta", dt.date(2026, 1, 10), "export", 1, None),
    ]
    assert [row[:4] for row in ladders] == [
        ("Acme", 1, "Kickoff", "achieved"),
        ("Acme", 2, "Setup", "achieved"),
        ("Acme", 3, "Train", "not started"),
        ("Acme", 4, "Expand", "achieved"),
        ("Beta", 1, "Kickoff", "blocked"),
        ("Beta", 2, "Go live", "not started"),
        ("Beta", 3, "Renew", "in progress"),
    ]
    assert history == [
        ("Acme", "Expand", None, "achieved", dt.date(2026, 2, 2)),
        ("Acme", "Kickoff", None, "achieved", dt.date(2026, 1, 5)),
        ("Acme", "Setup", None, "in progress", dt.date(2026, 1, 10)),
        ("Acme", "Setup", "in progress", "achieved", dt.date(2026, 1, 20)),
        ("Beta", "Go live", None, "skipped", TODAY),
        ("Beta", "Go live", "skipped", "not started", TODAY),
        ("Beta", "Kickoff", None, "blocked", TODAY),
        ("Beta", "Renew", None, "in progress", dt.date(2026, 2, 20)),
    ]
