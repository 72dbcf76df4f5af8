"""The Book's first screenful (issue 17: a 50,000-account Book opens in under a second).

While every row is read, the Book shows the first lines of its sort order, read on their
own (``services.book.first_book_rows``). They must be exactly the lines the whole Book
starts with once sorted: checked with the Book's own model sorting the demo book, for the
default sort (Next due) and for Name, both ways, on a file and on the server.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from csm_desktop.services.book import BookRow, book_rows, first_book_rows
from csm_desktop.services.demo import create_demo_book
from csm_desktop.store.database import Database
from csm_desktop.ui.models.book_model import BookModel, Column

TODAY = dt.date(2026, 11, 26)
ORDERS = [
    ("next_due", Column.NEXT_DUE, Qt.SortOrder.AscendingOrder),
    ("next_due", Column.NEXT_DUE, Qt.SortOrder.DescendingOrder),
    ("name", Column.NAME, Qt.SortOrder.AscendingOrder),
    ("name", Column.NAME, Qt.SortOrder.DescendingOrder),
]


def sorted_ids(rows: list[BookRow], column: Column, order: Qt.SortOrder) -> list[int]:
    model = BookModel()
    model.sort(column, order)
    model.set_rows(rows)
    return [row.account_id for row in model.rows()]


def test_the_first_lines_are_the_whole_books_first_lines(book: Database) -> None:
    """The demo's 40 accounts: the first 7 (or 12) lines read alone, sorted as the Book
    sorts, equal the first 7 (or 12) of the whole Book sorted the same way, row for row."""
    create_demo_book(book, today=TODAY)
    every = book_rows(book, TODAY)
    for by, column, order in ORDERS:
        whole = sorted_ids(every, column, order)
        for count in (7, 12):
            first = first_book_rows(
                book,
                TODAY,
                by,  # type: ignore[arg-type]
                descending=order == Qt.SortOrder.DescendingOrder,
                count=count,
            )
            assert sorted_ids(first, column, order) == whole[:count], (by, order, count)
            assert first == [row for row in every if row.account_id in set(whole[:count])]
