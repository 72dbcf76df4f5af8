"""An import into a new book hands the evidence its milestones' usage criteria from memory
(``MilestoneImport.criterion_rows_added``) instead of reading 35,000 of them back (issue 17).
They must be exactly what ``criterion_rows`` reads back, values and types, in ladder order;
once the book holds milestones the import did not add, none are handed over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from csm_desktop.services.book_import_store import BookImporter
from csm_desktop.spreadsheets.book_workbook import read_book_workbook
from csm_desktop.store.database import Database
from csm_desktop.store.queries.evidence import criterion_rows
from csm_desktop.store.queries.fast_path import on_server
from tests.store.test_book_import_chunks import write_workbook

K = dt.datetime(2026, 1, 5)
TODAY = dt.date(2026, 3, 1)


def criterion(account: str, title: str, status: str, feature: str | None, n: int = 3) -> list:
    done = K if status == "achieved" else None
    threshold, window = (n, 7) if feature else (None, None)
    return [
        account,
        title,
        "CSM",
        10,
        None,
        status,
        None,
        done,
        *[None] * 4,
        feature,
        threshold,
        window,
    ]


def workbook(tmp_path: Path) -> Path:
    return write_workbook(
        tmp_path / "book.xlsx",
        {
            "Accounts": [
                ["Acme", None, None, None, None, None, None, None, K],
                ["Beta", None, None, None, None, None, None, K.replace(day=2)],
                ["Gamma"],
            ],
            "Milestones": [  # the accounts interleaved: ladder order is not the file's
                criterion("Beta", "Setup", "in progress", "export"),
                criterion("Acme", "Kickoff", "achieved", "Export", 1),
                criterion("Gamma", "Setup", "not started", "login"),
                criterion("Acme", "Train", "not started", None),
                criterion("Acme", "Expand", "blocked", "user_invited", 2),
                criterion("Beta", "Kickoff", "not started", "export"),
            ],
            "Usage": [["Acme", K + dt.timedelta(days=d), "export", 2, None] for d in range(5)],
        },
    )


def stored(book: Database, source: Path) -> tuple[object, object]:
    """The criteria the import holds once it stored the file, and those read back."""
    with book.session() as session:
        importer = BookImporter(session, read_book_workbook(source), TODAY, source.name)
        importer.store(importer.validate())
        session.flush()
        return importer.criterion_rows_added(), criterion_rows(session, None)


def test_a_new_books_criteria_in_hand_are_the_ones_read_back(
    book: Database, tmp_path: Path
) -> None:
    added, read_back = stored(book, workbook(tmp_path))
    assert isinstance(read_back, list) and len(read_back) == 5
    if added is None:  # a server gives the ids; read back unless a status change named them
        assert on_server_book(book)
        return
    assert isinstance(added, list)
    assert added == read_back
    assert [tuple(map(type, row)) for row in added] == [tuple(map(type, r)) for r in read_back]


def test_a_book_holding_milestones_reads_them_back(book: Database, tmp_path: Path) -> None:
    source = workbook(tmp_path)
    stored(book, source)
    added, read_back = stored(book, source)
    assert added is None
    assert isinstance(read_back, list) and len(read_back) == 5


def on_server_book(book: Database) -> bool:
    with book.session() as session:
        return on_server(session)
