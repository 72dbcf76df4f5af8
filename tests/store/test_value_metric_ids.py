"""import-book gives new value metrics ids past every id the book ever gave (review 14 #5).

On a book file SQLite gives an inserted row max(id) + 1, so a metric import-book added could
take the id of a metric the window had just deleted, and an undo names a metric by its id.
The window's saves take ids from ``value_rows.new_metric_id`` (the book remembers the last
id it gave); import-book now takes its block of ids from the same rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.services.book_workbook import import_book
from csm_desktop.services.value_metrics import MetricSnapshot, delete_metric, save_metric
from csm_desktop.store.database import Database
from csm_desktop.store.models import ValueMetric
from tests.store.test_book_import_chunks import write_workbook
from tests.store.test_edit_conflicts import TODAY, acme_team

K = dt.date(2026, 1, 5)


@pytest.fixture
def acme(book: Database) -> Iterator[tuple[Database, int]]:
    for ravi, _maya, account_id in acme_team(book):
        yield ravi, account_id


def metric_ids(book: Database) -> dict[str, int]:
    with book.session() as session:
        return {m.name: m.id for m in session.scalars(select(ValueMetric))}


def test_a_metric_import_book_adds_never_takes_a_deleted_metrics_id(
    acme: tuple[Database, int], tmp_path: Path
) -> None:
    """The window adds Tickets closed and Logins to Acme (ids n and n + 1; 1 and 2 on a new
    book) and deletes Logins, the newest. import-book then adds Seats used and updates
    Tickets closed: Seats used gets n + 2, past the deleted Logins' id (SQLite alone gave it
    n + 1 again), and Tickets closed keeps n."""
    book, account_id = acme
    save_metric(book, account_id, MetricSnapshot("Tickets closed", "tickets"), on=TODAY)
    save_metric(book, account_id, MetricSnapshot("Logins", "logins"), on=TODAY)
    ids = metric_ids(book)
    tickets, logins = ids["Tickets closed"], ids["Logins"]
    assert logins == tickets + 1
    delete_metric(book, account_id, "Logins", on=TODAY)
    workbook = write_workbook(
        tmp_path / "metrics.xlsx",
        {
            "Accounts": [["Acme", None, None, None, None, None, None, K, K]],
            "Value metrics": [
                ["Acme", "Tickets closed", "tickets", "higher", 40, K, 44, TODAY, 60],
                ["Acme", "Seats used", "seats", "higher", 10, K, 12, TODAY, 50],
            ],
        },
    )
    assert import_book(book, workbook, today=TODAY).stored
    assert metric_ids(book) == {"Tickets closed": tickets, "Seats used": logins + 1}
    save_metric(book, account_id, MetricSnapshot("Logins", "logins"), on=TODAY)
    assert metric_ids(book)["Logins"] == logins + 2  # the window goes on past import-book's
