"""Value metric edits: each one logged in the timeline, and undone and redone exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import BadInput
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    delete_measurement,
    delete_metric,
    reapply,
    record_measurement,
    revert,
    save_metric,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account

K = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 5, 4)
HOURS = MetricSnapshot(
    "Hours on weekly reporting", "h", Direction.LOWER, 10.0, K, 4.0, 60.0, "week"
)


@pytest.fixture
def account_id(book: Database) -> int:
    with book.session() as session:
        account = Account(name="Acme", kickoff_on=K)
        session.add(account)
        session.flush()
        return account.id


def test_delete_and_undo_bring_back_the_metric_and_its_measurements(
    book: Database, account_id: int
) -> None:
    save_metric(book, account_id, HOURS, on=TODAY)
    record_measurement(
        book, account_id, "hours on weekly reporting", 7.0, K + dt.timedelta(30), on=TODAY
    )
    record_measurement(book, account_id, HOURS.name, 6.0, K + dt.timedelta(60), on=TODAY)
    kept = account_metrics(book, account_id)
    change = delete_metric(book, account_id, HOURS.name, on=TODAY)
    assert account_metrics(book, account_id) == []
    left = revert(book, change, on=TODAY)
    assert account_metrics(book, account_id) == kept
    assert kept[0].measurements == ((dt.date(2026, 4, 1), 7.0), (dt.date(2026, 5, 1), 6.0))
    assert left.id != kept[0].id  # put back on a new row, which the redo deletes
    reapply(book, change.undone(left), on=TODAY, seen=left.version)
    assert account_metrics(book, account_id) == []
    timeline = [e.text for e in account_detail(book, account_id, TODAY).timeline]
    assert timeline == [
        "Redone: Value metric “Hours on weekly reporting” deleted",
        "Undone: Value metric “Hours on weekly reporting” deleted",
        "Value metric “Hours on weekly reporting” deleted",
        "“Hours on weekly reporting” measured 6 h on 2026-05-01",
        "“Hours on weekly reporting” measured 7 h on 2026-04-01",
        "Value metric “Hours on weekly reporting” added (baseline 10 h on 2026-03-02)",
    ]


def test_a_measurement_of_the_same_day_replaces_it_and_undo_restores_it(
    book: Database, account_id: int
) -> None:
    save_metric(book, account_id, HOURS, on=TODAY)
    record_measurement(book, account_id, HOURS.name, 7.0, TODAY, on=TODAY)
    change = record_measurement(book, account_id, HOURS.name, 5.5, TODAY, on=TODAY)
    assert account_metrics(book, account_id)[0].measurements == ((TODAY, 5.5),)
    revert(book, change, on=TODAY)
    assert account_metrics(book, account_id)[0].measurements == ((TODAY, 7.0),)
    delete_measurement(book, account_id, HOURS.name, TODAY, on=TODAY)
    assert account_metrics(book, account_id)[0].measurements == ()


def test_renaming_keeps_measurements_and_undo_restores_the_name(
    book: Database, account_id: int
) -> None:
    save_metric(book, account_id, HOURS, on=TODAY)
    record_measurement(book, account_id, HOURS.name, 6.0, TODAY, on=TODAY)
    current = account_metrics(book, account_id)[0]
    renamed = MetricSnapshot(
        "Reporting hours", "h", Direction.LOWER, 10.0, K, 3.0, None, None, current.measurements
    )
    change = save_metric(book, account_id, renamed, replacing=HOURS.name, on=TODAY)
    assert account_metrics(book, account_id) == [renamed]
    revert(book, change, on=TODAY)
    assert account_metrics(book, account_id) == [current]


def test_a_second_metric_of_the_same_name_is_refused(book: Database, account_id: int) -> None:
    save_metric(book, account_id, HOURS, on=TODAY)
    with pytest.raises(BadInput, match="already has a value metric named"):
        save_metric(book, account_id, MetricSnapshot(" hours on  WEEKLY reporting"), on=TODAY)
    assert len(account_metrics(book, account_id)) == 1
