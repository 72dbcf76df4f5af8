"""A whole book read out for the book workbook, sheet by sheet, streamed in batches.

Each function yields plain tuples in the workbook's order (accounts in creation order, each
account's rows in its own order) from one query read ``BATCH`` rows at a time, so exporting
50,000 accounts with 10.4 million usage rows never holds more than a batch (issue 17: the ORM
export loaded everything, 5.4 GiB). ``sheet_counts`` says how many rows each big sheet will
have before a single row is read. Portable SQLAlchemy Core; usage days are read as their
stored numbers and turned into dates once per distinct day. On SQLite the two big sheets'
rows come from the raw cursor instead (``usage_codes``; ``milestone_rows`` gives the same
tuples as its Core query): the export of a book file makes no SQLAlchemy row per row.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Generator, Iterator
from contextlib import suppress
from itertools import groupby
from typing import Any

from sqlalchemy import Integer, Select, func, select, type_coerce
from sqlalchemy.orm import Session

from csm_desktop.store.day_numbers import day_of_number
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Feature,
    Kickoff,
    Measurement,
    Playbook,
    Role,
    UsageEvent,
    UsageFeature,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries.book_io import table_of
from csm_desktop.store.queries.fast_path import day, raw_cursor, use_fast_path

BATCH = 10_000  # rows fetched at a time


def _stream(session: Session, query: Select[Any]) -> Iterator[Any]:
    """``query``'s rows, ``BATCH`` at a time. A stream left unfinished (an export stopped by
    a full disk or a Cancel) may be collected after its book was closed: its cursor is
    closed only while the session still holds the connection, or SQLAlchemy logs
    "Error closing cursor" under the export's one-line message."""
    result = session.execute(query.execution_options(yield_per=BATCH))
    try:
        yield from result
    finally:
        if session.in_transaction():
            result.close()


def sheet_counts(session: Session) -> dict[str, int]:
    """Rows of the sheets that can grow past Excel's limit, by sheet name, from counts."""

    def count(query: Select[Any]) -> int:
        return int(session.execute(query).scalar_one())

    m, v = table_of(Measurement), table_of(ValueMetric)
    unmeasured = select(func.count()).where(~select(m.c.id).where(m.c.metric_id == v.c.id).exists())
    return {
        "Accounts": count(select(func.count()).select_from(table_of(Account))),
        "Contacts": count(select(func.count()).select_from(table_of(Contact))),
        "Milestones": count(select(func.count()).select_from(table_of(AccountMilestone))),
        "Value metrics": count(select(func.count()).select_from(m))
        + count(unmeasured.select_from(v)),
        "Usage": count(select(func.count()).select_from(table_of(UsageEvent))),
    }


def account_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """(id, name, external id, segment, industry, seats, arr, owner, signed on, kickoff on,
    renewal on, playbook name, variant name) in creation order."""
    a, p, v = table_of(Account), table_of(Playbook), table_of(Variant)
    query = (
        select(
            a.c.id,
            a.c.name,
            a.c.external_id,
            a.c.segment,
            a.c.industry,
            a.c.seats,
            a.c.arr,
            a.c.owner,
            a.c.signed_on,
            a.c.kickoff_on,
            a.c.renewal_on,
            p.c.name,
            v.c.name,
        )
        .select_from(a)
        .outerjoin(p, p.c.id == a.c.playbook_id)
        .outerjoin(v, v.c.id == a.c.variant_id)
        .order_by(a.c.id)
    )
    yield from _stream(session, query)


def contact_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """(account id, name, role name, email, title) by account, oldest first."""
    c, r = table_of(Contact), table_of(Role)
    query = (
        select(c.c.account_id, c.c.name, r.c.name, c.c.email, c.c.title)
        .select_from(c)
        .outerjoin(r, r.c.id == c.c.role_id)
        .order_by(c.c.account_id, c.c.id)
    )
    yield from _stream(session, query)


def milestone_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """(account id, title, role name, target day, due on, status, started on, achieved on,
    evidence, definition of done, first value, unlocks, success feature, threshold, window)
    by account, in ladder order."""
    m, r = table_of(AccountMilestone), table_of(Role)
    query = (
        select(
            m.c.account_id,
            m.c.title,
            r.c.name,
            m.c.target_day,
            m.c.due_on,
            m.c.status,
            m.c.started_on,
            m.c.achieved_on,
            m.c.evidence,
            m.c.definition_of_done,
            m.c.first_value,
            m.c.unlocks,
            m.c.success_feature,
            m.c.success_threshold,
            m.c.success_window_days,
        )
        .join_from(m, r, r.c.id == m.c.role_id)
        .order_by(m.c.account_id, m.c.position, m.c.id)
    )
    if not use_fast_path(session, portable=False):
        yield from _stream(session, query)
        return
    # SQLite's raw rows (600,000 at 50,000 accounts, issue 17): dates arrive as ISO text and
    # first value as 0 or 1, as SQLAlchemy's types would give them otherwise.
    for row in _raw_batches(session, query):
        first_value = None if row[10] is None else bool(row[10])
        yield (*row[:4], day(row[4]), row[5], day(row[6]), day(row[7]), *row[8:10], first_value,
               *row[11:])  # fmt: skip


def kickoff_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """(account id, held on, attendees, success statement, definition-of-done lines) by
    account."""
    k, c = table_of(Kickoff), table_of(DoneCriterion)
    query = (
        select(k.c.account_id, k.c.held_on, k.c.attendees, k.c.success_statement, c.c.text)
        .select_from(k)
        .outerjoin(c, c.c.kickoff_id == k.c.id)
        .order_by(k.c.account_id, c.c.position, c.c.id)
    )
    for (account_id, *kickoff), lines in groupby(
        _stream(session, query), key=lambda row: tuple(row[:4])
    ):
        texts = tuple(line[4] for line in lines if line[4] is not None)
        yield (account_id, *kickoff, texts)


def value_metric_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """(account id, name, unit, direction, baseline, baseline on, value, measured on, target)
    by account and metric, measurements oldest first; a metric never measured once, with no
    value and date."""
    v, m = table_of(ValueMetric), table_of(Measurement)
    query = (
        select(
            v.c.account_id,
            v.c.name,
            v.c.unit,
            v.c.direction,
            v.c.baseline,
            v.c.baseline_on,
            m.c.value,
            m.c.measured_on,
            v.c.target,
        )
        .select_from(v)
        .outerjoin(m, m.c.metric_id == v.c.id)
        .order_by(v.c.account_id, v.c.id, m.c.measured_on, m.c.id)
    )
    yield from (tuple(row) for row in _stream(session, query))


def usage_stream(session: Session) -> Iterator[tuple[int, dt.date, str, int, int | None]]:
    """(account id, day, feature key, count, active users) by account, day and feature."""
    u, f = table_of(UsageEvent), table_of(UsageFeature)
    query = (
        select(
            u.c.account_id,
            type_coerce(u.c.day, Integer),
            f.c.key,
            u.c["count"],
            u.c.active_users,
        )
        .join_from(u, f, f.c.id == u.c.feature_id)
        .order_by(u.c.account_id, u.c.day, f.c.key)
    )
    dates: dict[int, dt.date] = {}
    for account_id, number, key, count, users in _stream(session, query):
        day = dates.get(number)
        if day is None:
            day = dates[number] = day_of_number(number)
        yield account_id, day, key, count, users


def usage_feature_keys(session: Session) -> dict[int, str]:
    """The key of every feature id usage rows hold."""
    f = table_of(UsageFeature)
    return {id_: key for id_, key in session.execute(select(f.c.id, f.c.key))}


def usage_codes(session: Session) -> Generator[tuple[int, int, int, int, int | None], None, None]:
    """SQLite only: (account id, day number, feature id, count, active users) in
    ``usage_stream``'s order, straight from the raw cursor (``fast_path``): the export of 10
    million usage rows makes no date, no key text and no SQLAlchemy row per row (issue 17).
    When the feature ids sort as their keys do (SQLite's own order), the primary key's order
    is already the sheet's and nothing is joined or sorted. Close the stream before the
    session ends if it is left unfinished."""
    u, f = table_of(UsageEvent), table_of(UsageFeature)
    by_key = [id_ for (id_,) in session.execute(select(f.c.id).order_by(f.c.key))]
    query = select(u.c.account_id, u.c.day, u.c.feature_id, u.c["count"], u.c.active_users)
    if by_key == sorted(by_key):
        query = query.order_by(u.c.account_id, u.c.day, u.c.feature_id)
    else:
        query = query.join_from(u, f, f.c.id == u.c.feature_id).order_by(
            u.c.account_id, u.c.day, f.c.key
        )
    yield from _raw_batches(session, query)


def _raw_batches(session: Session, query: Select[Any]) -> Generator[Any, None, None]:
    """SQLite only: ``query``'s rows from the raw cursor (``fast_path``; its values our own
    ids only), ``BATCH`` at a time; the stream closed, even unfinished, closes the cursor.
    Not read ahead by a thread: sqlite3 takes the GIL back for every row it builds, so a
    reader thread beside the one writing the XML only takes turns with it (issue 17)."""
    cursor = raw_cursor(session, query)
    try:
        while batch := cursor.fetchmany(BATCH):
            yield from batch
    finally:  # a stream left unfinished (a Cancel, a full disk) may outlive its book:
        with suppress(sqlite3.ProgrammingError):  # closed with it, then
            cursor.close()


def feature_rows(session: Session) -> list[tuple[str, str, str]]:
    """(key, display name, aliases) of the feature vocabulary, by key."""
    t = table_of(Feature)
    query = select(t.c.key, t.c.display_name, t.c.aliases).order_by(t.c.key)
    return [tuple(row) for row in session.execute(query)]
