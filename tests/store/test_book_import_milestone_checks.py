"""A Milestones row that contradicts itself is rejected with its reason, and the good rows go
through one test (``ImportChecks._milestone_consistent``, issue 17): these pin the reasons,
the column named and their order, so the quick test of the good rows cannot let a bad one
through or change what a bad one is told."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from csm_desktop.services.book_workbook import import_book
from csm_desktop.store.database import Database
from tests.store.test_book_import_chunks import write_workbook

K = dt.datetime(2026, 1, 5)


def row(title: str, status: str, done: Any = None, day: int = 10, n: Any = None, w: Any = None):
    empty = [None] * 4  # evidence, definition of done, first value, unlocks
    feature = "export" if n is not None or w is not None else None
    return ["Acme", title, "CSM", day, None, status, None, done, *empty, feature, n, w]


def test_self_contradicting_milestone_rows_are_rejected_with_their_reason(
    book: Database, tmp_path: Path
) -> None:
    source = write_workbook(
        tmp_path / "book.xlsx",
        {
            "Accounts": [["Acme", None, None, None, None, None, None, None, K]],
            "Milestones": [
                row("Good", "achieved", K),
                row("No date", "achieved"),
                row("Early date", "in progress", K),
                row("Back in time", "not started", day=-1),
                row("Negative bar", "not started", n=-2, w=7),
                row("Negative window", "not started", n=2, w=-7),
                row("Good too", "blocked", n=2, w=7),
            ],
        },
    )
    report = import_book(book, source, today=dt.date(2026, 3, 1))
    assert [(r.row, r.column, r.value, r.reason) for r in report.rejected_rows] == [
        (3, "Achieved on", "", "is required when Status is achieved"),
        (4, "Status", "in progress", "is not achieved, yet Achieved on is filled in"),
        (5, "Target day", "-1", "cannot be negative"),
        (6, "Success threshold", "-2", "cannot be negative"),
        (7, "Success window days", "-7", "cannot be negative"),
    ]
    assert report.rows_by_sheet["Milestones"] == 2
