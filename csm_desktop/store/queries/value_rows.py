"""A value metric's row (issue 16): a new one never gets the id a deleted one had, and who
last changed a metric that is gone.

An undo of a value-metric edit, and an edit made from a screen, name the metric's row
(``services.value_metrics``): a metric deleted and made again under the same name has to
be another row, or the undo of the first would take the second for it. A server's sequence
never gives an id back. SQLite does: without AUTOINCREMENT (adding it means rebuilding the
table) a new row gets one more than the largest id *now* in the table, which is the deleted
metric's when it was the newest. So on a book file the largest id ever given is kept in the
book's settings, and a new metric gets the next one. A book file has one writer at a time
(the lock file, and SQLite's own write lock), so the read and the write cannot interleave.

A deleted metric leaves no row to say who deleted it; its timeline line does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csm_desktop.store.models import AccountEvent, ValueMetric
from csm_desktop.store.queries.fast_path import on_server
from csm_desktop.store.queries.settings import read_setting, write_setting

LAST_ID_SETTING = "value_metric.last_id"


def new_metric_id(session: Session) -> int | None:
    """The id a new value metric is given on a book file (None on a server: its sequence
    gives one); the book remembers it as given."""
    ids = new_metric_ids(session, 1)
    return None if ids is None else ids[0]


def new_metric_ids(session: Session, count: int) -> list[int] | None:
    """The ids ``count`` new value metrics are given on a book file, past every id the
    book ever gave (a deleted metric's id never comes back: an undo names a metric by its
    id); None on a server, whose sequence never gives one twice. The book remembers the
    last as given."""
    if on_server(session):
        return None
    if count <= 0:
        return []
    largest = session.scalar(select(func.max(ValueMetric.id))) or 0
    given = int(read_setting(session, LAST_ID_SETTING) or 0)
    first = max(largest, given) + 1
    write_setting(session, LAST_ID_SETTING, str(first + count - 1))
    return list(range(first, first + count))


def last_logged(
    session: Session, account_id: int, kind: str, mentioning: str
) -> tuple[str | None, dt.datetime | None]:
    """Who wrote the account's latest timeline line of ``kind`` that contains ``mentioning``
    (e.g. "“Tickets closed”"), and when (local time); (None, None) when there is none."""
    row = session.execute(
        select(AccountEvent.changed_by, AccountEvent.recorded_at)
        .where(
            AccountEvent.account_id == account_id,
            AccountEvent.kind == kind,
            AccountEvent.text.contains(mentioning, autoescape=True),
        )
        .order_by(AccountEvent.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)
