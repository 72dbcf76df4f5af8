"""A value metric's undo is about one row, not a name (issue 16, review finding 12).

A metric's version counts the saves of one row and starts again at 1 when a metric is
deleted and made anew under the same name. An undo that found "the metric called Tickets
closed at version 1" deleted a teammate's new metric and its measurements. Ravi and Maya
are two engines on one book (a file, or the server with ``--backend postgresql``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import ConflictError
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_metrics,
    delete_metric,
    reapply,
    record_measurement,
    revert,
    save_metric,
)
from csm_desktop.store.database import Database
from tests.store.test_edit_conflicts import TODAY, acme_team

TICKETS = MetricSnapshot("Tickets closed", "tickets", Direction.HIGHER, 40.0, TODAY, 60.0)
MAYAS = MetricSnapshot(
    "Tickets closed", "tickets", Direction.HIGHER, 35.0, TODAY, 50.0, measurements=((TODAY, 44.0),)
)
BY_MAYA = r"^“Tickets closed” was changed by Maya Chen at \d\d:\d\d"


@pytest.fixture
def team(book: Database) -> Iterator[tuple[Database, Database, int]]:
    yield from acme_team(book)


def stored(book: Database, account_id: int) -> list[MetricSnapshot]:
    return account_metrics(book, account_id)


def test_undo_of_an_add_keeps_a_teammates_new_metric_of_the_same_name(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi adds Tickets closed (his row, version 1). Maya deletes it and adds her own
    Tickets closed with 44 tickets measured (another row, version 1 too). Ravi's undo of
    his add expects version 1 and used to find hers: it is refused naming Maya, and her
    metric and its measurement stay."""
    ravi, maya, account_id = team
    added = save_metric(ravi, account_id, TICKETS, on=TODAY)
    assert added.left_at == 1 and added.after is not None
    delete_metric(maya, account_id, TICKETS.name, on=TODAY, seen=1)
    hers = save_metric(maya, account_id, MAYAS, on=TODAY)
    assert hers.left_at == 1 and hers.after is not None
    assert hers.after.id != added.after.id
    with pytest.raises(ConflictError, match=BY_MAYA) as refused:
        revert(ravi, added, on=TODAY)
    assert refused.value.version == 1
    (metric,) = stored(ravi, account_id)
    assert (metric.id, metric.baseline, metric.measurements) == (
        hers.after.id,
        35.0,
        ((TODAY, 44.0),),
    )


def test_undo_of_an_edit_does_not_put_back_his_metric_over_hers(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi adds Tickets closed (v1) and sets its target to 70 (v2). Maya deletes it, adds
    hers (v1) and records 47 the next day (v2): the version his undo expects. The undo is
    refused naming her; her baseline 35, target 50 and both measurements stay."""
    ravi, maya, account_id = team
    save_metric(ravi, account_id, TICKETS, on=TODAY)
    edit = save_metric(
        ravi, account_id, replace(TICKETS, target=70.0), replacing=TICKETS.name, on=TODAY, seen=1
    )
    assert edit.left_at == 2
    delete_metric(maya, account_id, TICKETS.name, on=TODAY, seen=2)
    save_metric(maya, account_id, MAYAS, on=TODAY)
    next_day = TODAY + dt.timedelta(days=1)
    assert record_measurement(maya, account_id, MAYAS.name, 47.0, next_day, on=TODAY).left_at == 2
    with pytest.raises(ConflictError, match=BY_MAYA):
        revert(ravi, edit, on=TODAY)
    (metric,) = stored(ravi, account_id)
    assert (metric.baseline, metric.target) == (35.0, 50.0)
    assert metric.measurements == ((TODAY, 44.0), (next_day, 47.0))


def test_undo_of_a_delete_does_not_clash_with_a_teammates_new_metric(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi deletes his Tickets closed; Maya adds hers. Ravi's undo would make his again
    under a name now taken: refused naming Maya (not a bare clash of names)."""
    ravi, maya, account_id = team
    save_metric(ravi, account_id, TICKETS, on=TODAY)
    deleted = delete_metric(ravi, account_id, TICKETS.name, on=TODAY, seen=1)
    save_metric(maya, account_id, MAYAS, on=TODAY)
    with pytest.raises(ConflictError, match=BY_MAYA):
        revert(ravi, deleted, on=TODAY)
    assert [m.baseline for m in stored(ravi, account_id)] == [35.0]


def test_undo_of_a_metric_someone_deleted_is_refused(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi adds Tickets closed; Maya deletes it. His undo has nothing to take back: it is
    refused naming her (from the timeline line of her delete: no row says it any more),
    and nothing is made."""
    ravi, maya, account_id = team
    added = save_metric(ravi, account_id, TICKETS, on=TODAY)
    delete_metric(maya, account_id, TICKETS.name, on=TODAY, seen=1)
    with pytest.raises(ConflictError, match=BY_MAYA):
        revert(ravi, added, on=TODAY)
    assert stored(ravi, account_id) == []


def test_an_edit_from_a_screen_showing_the_old_row_is_refused(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi's panel shows his Tickets closed (its row, v1). Maya deletes it and adds hers
    (another row, v1). His measurement "over v1 of that row" is refused naming her, and so
    is deleting it: her metric keeps its one measurement."""
    ravi, maya, account_id = team
    (shown,) = [m.after for m in [save_metric(ravi, account_id, TICKETS, on=TODAY)]]
    assert shown is not None
    delete_metric(maya, account_id, TICKETS.name, on=TODAY, seen=1)
    save_metric(maya, account_id, MAYAS, on=TODAY)
    with pytest.raises(ConflictError, match=BY_MAYA):
        record_measurement(
            ravi, account_id, shown.name, 50.0, TODAY, on=TODAY, seen=1, row=shown.id
        )
    with pytest.raises(ConflictError, match=BY_MAYA):
        delete_metric(ravi, account_id, shown.name, on=TODAY, seen=1, row=shown.id)
    (metric,) = stored(ravi, account_id)
    assert metric.measurements == ((TODAY, 44.0),)


def test_a_redone_add_is_a_new_row_that_its_next_undo_follows(
    team: tuple[Database, Database, int],
) -> None:
    """Ravi adds Tickets closed (row r, v1), undoes it (deleted) and redoes it: a new row
    r2 at version 1, which the redone change names. Undoing that again deletes r2; and an
    undone delete, too, says which new row it made."""
    ravi, _maya, account_id = team
    added = save_metric(ravi, account_id, TICKETS, on=TODAY)
    assert added.after is not None
    assert revert(ravi, added, on=TODAY) == (None, None)
    redone = reapply(ravi, added, on=TODAY)
    assert redone.after is not None and redone.left_at == 1
    assert redone.after.id != added.after.id
    (metric,) = stored(ravi, account_id)
    assert metric.id == redone.after.id
    revert(ravi, redone, on=TODAY)
    assert stored(ravi, account_id) == []
    again = save_metric(ravi, account_id, TICKETS, on=TODAY)
    deleted = delete_metric(ravi, account_id, TICKETS.name, on=TODAY, seen=1)
    made = revert(ravi, deleted, on=TODAY)
    assert again.after is not None and made.id not in (None, again.after.id)
    assert made == (stored(ravi, account_id)[0].id, 1)
    reapply(ravi, deleted.undone(made), on=TODAY, seen=made.version)
    assert stored(ravi, account_id) == []
