"""The workbook's Renewals and Feedback sheets: the round trip, and rows it cannot use.

The book is tests/store/test_feedback_service.py's "Acme" (two contacts, "Setup" and
"First report", four feedback entries) plus two renewals: 2026-03-01 renewed 10,000 →
12,500 and 2027-03-01 pending 12,500.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook

from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.services.feedback import account_feedback
from csm_desktop.services.renewals import list_renewals, save_renewal
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account
from tests.store.test_feedback_service import _book, _entries

RENEWALS = ["Account", "Renewal on", "Outcome", "ARR before", "ARR after"]
FEEDBACK = ["Account", "Date", "Milestone", "Contact", "Sentiment", "Text", "Quotable"]


def _sheet(path: Path, name: str) -> list[list[object]]:
    """The sheet's rows, dates as dates, padded to the header's width (a trailing empty
    cell is not stored in the file)."""
    rows = list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    width = len(rows[0])
    return [
        [v.date() if isinstance(v, dt.datetime) else v for v in row] + [None] * (width - len(row))
        for row in rows
    ]


def _stored(database: Database) -> None:
    ids = _book(database)
    _entries(database, ids)
    save_renewal(database, ids["acme"], dt.date(2026, 3, 1), "renewed", 10_000, 12_500)
    save_renewal(database, ids["acme"], dt.date(2027, 3, 1), "pending", 12_500)


def test_renewals_and_feedback_round_trip(book: Database, tmp_path: Path) -> None:
    _stored(book)
    first = tmp_path / "first.xlsx"
    export_book(book, first)
    assert _sheet(first, "Renewals") == [
        RENEWALS,
        ["Acme", dt.date(2026, 3, 1), "renewed", 10_000, 12_500],
        ["Acme", dt.date(2027, 3, 1), "pending", 12_500, None],
    ]
    assert _sheet(first, "Feedback") == [
        FEEDBACK,
        ["Acme", dt.date(2026, 1, 20), "First report", "Zoë Ødegård", "positive",
         "Reports in minutes, not hours.", "yes"],
        ["Acme", dt.date(2026, 2, 3), "Setup", "Ian Moss", "negative", "SSO took three tries.",
         "yes"],
        ["Acme", dt.date(2026, 2, 10), None, "Zoë Ødegård", "neutral", "Fine so far.", "no"],
        ["Acme", dt.date(2026, 2, 15), "First report", "Zoë Ødegård", "neutral",
         "The export is handy.", "yes"],
    ]  # fmt: skip

    fresh = open_database(tmp_path / "fresh.sqlite3")
    try:
        report = import_book(fresh, first, today=dt.date(2026, 3, 1))
        assert report.rejected_rows == []
        assert report.rows_by_sheet["Renewals"] == 2
        assert report.rows_by_sheet["Feedback"] == 4
        again = import_book(fresh, first, today=dt.date(2026, 3, 1))  # nothing doubles
        assert again.rejected_rows == []
        second = tmp_path / "second.xlsx"
        export_book(fresh, second)
        for name in ("Renewals", "Feedback"):
            assert _sheet(second, name) == _sheet(first, name)
        with fresh.session() as session:
            acme = session.query(Account).filter_by(name="Acme").one().id
        remarks = account_feedback(fresh, acme)
        assert [(r.text, r.quotable, r.milestone) for r in remarks][-1] == (
            "Reports in minutes, not hours.",
            True,
            "First report",
        )
        assert [r.outcome.value for r in list_renewals(fresh, acme)] == ["renewed", "pending"]
    finally:
        fresh.close()


def test_rows_it_cannot_use_are_listed_and_the_rest_stored(book: Database, tmp_path: Path) -> None:
    _stored(book)
    source = tmp_path / "learning.xlsx"
    workbook = Workbook()
    workbook.active.title = "Accounts"
    workbook.active.append(["Account"])
    workbook.active.append(["Acme"])
    renewals = workbook.create_sheet("Renewals")
    renewals.append(RENEWALS)
    renewals.append(["Acme", "2026-06-01", "lost", 1000, None])
    renewals.append(["Acme", "2026-07-01", "Churned", 1000, 500])
    renewals.append(["Nobody", "2026-07-01", "renewed", 1000, 1000])
    renewals.append(["Acme", "2026-08-01", "RENEWED", "$1,000", "1,200"])
    feedback = workbook.create_sheet("Feedback")
    feedback.append(FEEDBACK)
    feedback.append(["Acme", "2026-04-01", "Launch party", None, "positive", "Great", "yes"])
    feedback.append(["Acme", "2026-04-02", None, "Stranger", "positive", "Great", "yes"])
    feedback.append(["Acme", "2026-04-03", "first report", "zoë ødegård", "happy", "Hm", "no"])
    feedback.append(["Acme", "2026-04-04", "first report", "zoë ødegård", None, "Nice", None])
    workbook.save(source)

    report = import_book(book, source, today=dt.date(2026, 9, 1))
    reasons = [(r.sheet, r.row, r.column, r.reason) for r in report.rejected_rows]
    outcomes = "is not a renewal outcome; use one of: renewed, churned, pending"
    sentiments = "is not a sentiment; use one of: positive, neutral, negative"
    churn = "a churned renewal keeps no ARR: leave it empty or write renewed"
    assert reasons == [  # in sheet and row order
        ("Renewals", 2, "Outcome", outcomes),
        ("Renewals", 3, "ARR after", churn),
        ("Renewals", 4, "Account", "no such account in the Accounts sheet or in the book"),
        ("Feedback", 2, "Milestone", "is not a milestone on this account's ladder"),
        ("Feedback", 3, "Contact", "is not a contact of this account"),
        ("Feedback", 4, "Sentiment", sentiments),
    ]
    with book.session() as session:
        acme = session.query(Account).filter_by(name="Acme").one().id
    stored = {(r.renewal_on, r.outcome.value, r.arr_before, r.arr_after)
              for r in list_renewals(book, acme)}  # fmt: skip
    assert (dt.date(2026, 8, 1), "renewed", 1000.0, 1200.0) in stored
    newest = account_feedback(book, acme)[0]
    assert (newest.text, newest.sentiment.value, newest.contact, newest.milestone) == (
        "Nice", "neutral", "Zoë Ødegård", "First report",
    )  # fmt: skip
