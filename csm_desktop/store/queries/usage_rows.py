"""Usage rows in and out: the one place that knows how a usage row is stored.

Rows are compact (``UsageEvent``: day numbers, feature ids), so every reader and writer goes
through these functions and sees plain values: ``(account_id, day, feature key, count,
active users)``. Writing is an upsert on (account, day, feature) in multi-row statements;
on SQLite through the session's DB-API connection (same transaction), where SQLAlchemy's
per-row work would cost more than SQLite's (DESIGN §7: import-usage ≤ 2× reading the file).
"""

from __future__ import annotations

import datetime as dt
import sqlite3 as raw_sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import cache
from itertools import chain, islice
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    bindparam,
    delete,
    exists,
    func,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from csm_desktop.store.chunks import chunks
from csm_desktop.store.day_numbers import day_number, day_number_of, day_of_number
from csm_desktop.store.models import intern_feature_keys
from csm_desktop.store.queries.fast_path import on_server, use_fast_path
from csm_desktop.store.queries.tables import usage_event as _table
from csm_desktop.store.queries.tables import usage_feature as _features

UsageRow = tuple[int, dt.date, str, int, int | None]  # account, day, feature, count, users
Checkpoint = Callable[[int, int], None]  # (rows stored so far, all rows)

STORE_CHUNK = 20_000  # rows per executemany, so progress moves and Cancel is honoured
ROWS_PER_STATEMENT = 100  # 500 parameters, far below SQLite's limit of 32,766
_COLUMNS = ("account_id", "day", "feature_id", "count", "active_users")


# ----------------------------------------------------------------------------- writing


def feature_ids(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """The stored id of each feature key, adding keys never seen before."""
    return intern_feature_keys(session.connection(), keys)


def store_usage(
    session: Session,
    account_ids: Sequence[int],
    days: Sequence[dt.date | str],
    features: Sequence[str],
    counts: Sequence[int],
    users: Sequence[int | None],
    checkpoint: Checkpoint | None = None,
) -> None:
    """Upsert rows given column by column (days as dates or ISO text); a row whose count and
    active users are already stored is left alone. ``checkpoint`` is told the progress."""
    total = len(days)
    if not total:
        return
    ids = feature_ids(session, set(features))
    numbers: dict[dt.date | str, int] = {}
    for value in set(days):
        numbers[value] = day_number(
            dt.date.fromisoformat(value) if isinstance(value, str) else value
        )
    rows: Iterator[tuple[int, int, int, int, int | None]] = zip(
        account_ids,
        map(numbers.__getitem__, days),
        map(ids.__getitem__, features),
        counts,
        users,
        strict=True,
    )
    connection = session.connection()
    if on_server(connection):  # a shared PostgreSQL team book
        stored = 0
        for chunk in chunks(rows, STORE_CHUNK):
            session.execute(_server_upsert(), _server_columns(chunk))
            stored += len(chunk)
            if checkpoint:
                checkpoint(stored, total)
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    many, one = _sqlite_upsert_sql(ROWS_PER_STATEMENT), _sqlite_upsert_sql(1)
    cursor = raw.cursor()
    try:
        done = 0
        while done < total:
            size = min(STORE_CHUNK, total - done)
            whole = size - size % ROWS_PER_STATEMENT
            flat = chain.from_iterable(islice(rows, whole))
            # zip(*[it] * n) groups an iterator into n-tuples: one statement's parameters.
            cursor.executemany(
                many, zip(*[flat] * (ROWS_PER_STATEMENT * len(_COLUMNS)), strict=True)
            )
            cursor.executemany(one, islice(rows, size - whole))
            done += size
            if checkpoint:
                checkpoint(done, total)
    except raw_sqlite3.DatabaseError as error:  # as SQLAlchemy would raise it (disk full, …)
        raise DBAPIError.instance(many, None, error, raw_sqlite3.Error) from error
    finally:
        cursor.close()


def prepare_store(engine: Engine) -> None:
    """Compile the statements ``store_usage`` will run on this book now, not when its rows
    are ready: an import does it while its file is still being read (~12 ms off the end),
    outside any transaction (it reads nothing)."""
    if not on_server(engine):
        _sqlite_upsert_sql(ROWS_PER_STATEMENT)
        _sqlite_upsert_sql(1)


def store_usage_rows(session: Session, rows: Iterable[UsageRow]) -> None:
    """``store_usage`` for rows given as tuples."""
    columns = list(zip(*rows, strict=True))
    if columns:
        store_usage(session, *columns)  # type: ignore[arg-type]


def _sqlite_upsert(values: Any) -> Any:
    """INSERT … ON CONFLICT (account_id, day, feature_id) DO UPDATE, only when values differ."""
    statement = sqlite.insert(_table).values(values)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[_table.c.account_id, _table.c.day, _table.c.feature_id],
        set_={"count": excluded["count"], "active_users": excluded.active_users},
        where=(_table.c.count != excluded["count"])
        | _table.c.active_users.is_distinct_from(excluded.active_users),
    )


@cache
def _server_upsert() -> Any:
    """The upsert of a whole chunk in one PostgreSQL statement: its columns as arrays,
    unnested. One statement, not one per row, so migration 0008's change-notice triggers
    fire once per chunk (psycopg's executemany would run them once per row: 3× the time)."""
    arrays = ", ".join(f"CAST(:{column} AS integer[])" for column in _COLUMNS)
    names = ", ".join(_COLUMNS)
    return text(
        f"INSERT INTO usage_event ({names}) SELECT * FROM unnest({arrays}) "
        "ON CONFLICT (account_id, day, feature_id) DO UPDATE "
        "SET count = excluded.count, active_users = excluded.active_users "
        "WHERE usage_event.count <> excluded.count "
        "OR usage_event.active_users IS DISTINCT FROM excluded.active_users"
    )


def _server_columns(chunk: list[tuple[int, int, int, int, int | None]]) -> dict[str, list[Any]]:
    """A chunk's rows as one list per column for ``_server_upsert``. A row repeated within
    the chunk keeps its last values, as row-by-row upserts would: one statement may not
    update a row twice."""
    last = {row[:3]: row for row in chunk}
    if len(last) < len(chunk):
        chunk = list(last.values())
    return dict(zip(_COLUMNS, map(list, zip(*chunk, strict=True)), strict=True))


@cache
def _sqlite_upsert_sql(rows: int) -> str:
    """The upsert for ``rows`` rows per statement, compiled once by SQLAlchemy Core, with
    positional parameters row after row in the order of ``_COLUMNS`` (day as its number)."""
    names = [[f"{column}_{row}" for column in _COLUMNS] for row in range(rows)]
    values: list[dict[str, Any]] = [
        {column: bindparam(name) for column, name in zip(_COLUMNS, row_names, strict=True)}
        for row_names in names
    ]
    compiled = _sqlite_upsert(values).compile(dialect=sqlite.dialect())
    expected = [name for row_names in names for name in row_names]
    if list(compiled.positiontup or ()) != expected:
        raise AssertionError(f"unexpected parameter order {compiled.positiontup}")
    return str(compiled)


def move_feature_usage(session: Session, old_key: str, into_key: str) -> int:
    """Rows of ``old_key`` become rows of ``into_key``; on a day both have, counts are added
    and active users are the larger. Returns the rows of ``old_key`` moved."""
    ids = feature_ids(session, [old_key, into_key])
    old, into = ids[old_key], ids[into_key]
    moved = session.execute(
        select(func.count()).select_from(_table).where(_table.c.feature_id == old)
    ).scalar_one()
    if not moved:
        return 0
    greater = func.greatest if on_server(session) else func.max
    o = _table.alias("o")
    same_day = (
        (o.c.account_id == _table.c.account_id)
        & (o.c.day == _table.c.day)
        & (o.c.feature_id == old)
    )
    session.execute(
        update(_table)
        .where(_table.c.feature_id == into, exists().where(same_day))
        .values(
            count=_table.c.count + select(o.c.count).where(same_day).scalar_subquery(),
            active_users=func.nullif(
                greater(
                    func.coalesce(_table.c.active_users, -1),
                    func.coalesce(select(o.c.active_users).where(same_day).scalar_subquery(), -1),
                ),
                -1,
            ),
        )
    )
    i = _table.alias("i")
    taken = exists().where(
        (i.c.account_id == _table.c.account_id)
        & (i.c.day == _table.c.day)
        & (i.c.feature_id == into)
    )
    session.execute(delete(_table).where(_table.c.feature_id == old, taken))
    session.execute(update(_table).where(_table.c.feature_id == old).values(feature_id=into))
    return int(moved)


# ----------------------------------------------------------------------------- reading


def usage_rows(
    session: Session,
    *,
    account_ids: Collection[int] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    features: Collection[str] | None = None,
    used_only: bool = False,
) -> list[UsageRow]:
    """Stored rows as (account, day, feature, count, active users), ordered by account, day
    and feature key; each filter narrows (``used_only``: count > 0)."""
    day = type_coerce(_table.c.day, Integer)  # the stored number, on both paths
    conditions: list[ColumnElement[bool]] = []
    if account_ids is not None:
        conditions.append(_table.c.account_id.in_(sorted(account_ids)))
    if since is not None:
        conditions.append(day >= day_number(since))
    if until is not None:
        conditions.append(day <= day_number(until))
    if features is not None:
        conditions.append(_features.c.key.in_(sorted(features)))
    if used_only:
        conditions.append(_table.c.count > 0)
    query = (
        select(
            _table.c.account_id,
            _table.c.day,
            _features.c.key,
            _table.c.count,
            _table.c.active_users,
        )
        .join_from(_table, _features, _features.c.id == _table.c.feature_id)
        .where(*conditions)
        .order_by(_table.c.account_id, _table.c.day, _features.c.key)
    )
    if not use_fast_path(session, portable=False):
        return [tuple(row) for row in session.execute(query)]
    # SQLite: the DB-API cursor and one date per distinct day number (5× fewer conversions
    # than SQLAlchemy's per-row type processing on the evidence of a 180,000-row import).
    dates: dict[int, dt.date] = {}
    rows: list[UsageRow] = []
    for account_id, number, key, count, users in _raw_rows(session, query):
        on = dates.get(number)
        if on is None:
            on = dates[number] = day_of_number(number)
        rows.append((account_id, on, key, count, users))
    return rows


def used_day_series(
    session: Session,
    account_ids: Collection[int] | None,
    features: Collection[str],
    *,
    portable: bool = False,
) -> dict[tuple[int, str], tuple[list[int], list[int]]]:
    """Per (account, feature key): the day numbers with a count above 0, ascending, and
    their counts — what ``domain.criteria.criterion_met_day`` reads (days with no use
    cannot change when a criterion is met, so they are not read)."""
    if not features or (account_ids is not None and not account_ids):
        return {}
    named = select(_features.c.id, _features.c.key).where(_features.c.key.in_(sorted(features)))
    ids: dict[int, str] = {feature_id: key for feature_id, key in session.execute(named)}
    conditions = [_table.c.feature_id.in_(sorted(ids)), _table.c.count > 0]
    if account_ids is not None:
        conditions.append(_table.c.account_id.in_(sorted(account_ids)))
    # In the primary key's order (account, day, feature): no sort of the rows in SQL (a temp
    # B-tree over every row read, 160,000 after a big import); each (account, feature)
    # still sees its days ascending.
    query = (
        select(
            _table.c.account_id,
            _table.c.feature_id,
            type_coerce(_table.c.day, Integer),
            _table.c.count,
        )
        .where(*conditions)
        .order_by(_table.c.account_id, _table.c.day, _table.c.feature_id)
    )
    rows = _raw_rows(session, query) if use_fast_path(session, portable) else None
    # The rows come account by account: one dict of series per account, looked up when the
    # account changes, not a (account, feature) tuple made and hashed for every row.
    by_account: dict[int, dict[int, tuple[list[int], list[int]]]] = {}
    account: int | None = None
    series: dict[int, tuple[list[int], list[int]]] = {}
    for account_id, feature_id, day, count in rows if rows is not None else session.execute(query):
        if account_id != account:
            account = account_id
            series = by_account.setdefault(account_id, {})
        found = series.get(feature_id)
        if found is None:
            found = series[feature_id] = ([], [])
        found[0].append(day)
        found[1].append(count)
    return {
        (account_id, ids[feature_id]): found
        for account_id, series in by_account.items()
        for feature_id, found in series.items()
    }


def _raw_rows(session: Session, query: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """``query``'s rows straight from SQLite's DB-API cursor, inside the session's
    transaction: no per-row type processing (the caller asks for plain columns)."""
    compiled = query.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    cursor = session.connection().connection.dbapi_connection
    assert cursor is not None
    values = compiled.params  # a property that rebuilds every parameter: read it once
    params = [values[name] for name in compiled.positiontup or ()]
    return iter(cursor.execute(str(compiled), params))


def usage_features(session: Session, account_ids: Collection[int] | None = None) -> set[str]:
    """The feature keys stored in usage rows (of these accounts)."""
    query = select(_features.c.key).where(
        exists().where(
            _table.c.feature_id == _features.c.id,
            *([_table.c.account_id.in_(sorted(account_ids))] if account_ids is not None else []),
        )
    )
    return set(session.scalars(query))


def usage_rows_per_feature(session: Session) -> dict[str, int]:
    """How many usage rows carry each feature key."""
    query = (
        select(_features.c.key, func.count())
        .join_from(_table, _features, _features.c.id == _table.c.feature_id)
        .group_by(_features.c.key)
    )
    return {key: count for key, count in session.execute(query)}


def count_usage_rows(session: Session) -> int:
    return session.execute(select(func.count()).select_from(_table)).scalar_one()


def last_usage_day(session: Session, account_id: int, until: dt.date) -> dt.date | None:
    """The latest day with a usage row (any count) of the account, on or before ``until``."""
    latest: dt.date | None = session.execute(
        select(func.max(_table.c.day)).where(
            _table.c.account_id == account_id, _table.c.day <= until
        )
    ).scalar_one()
    return latest


def used_after(account_id: Any, feature: Any, after: Any, until: dt.date) -> ColumnElement[bool]:
    """SQL condition: the account used ``feature`` (a key column) on a day after the date
    column ``after`` and on or before ``until``.

    Spelled "the feature's row exists and, for its id, a usage row exists": the id is then a
    column of the outer lookup, read once per caller's row. As ``feature_id = (SELECT id …)``
    inside the usage lookup SQLite ran that subquery again for every usage row it stepped
    over (every feature's rows of each day in the window, the key being account, day,
    feature): 40 % of the check's time on the 50,000-account book's Today list."""
    used = exists().where(
        _table.c.account_id == account_id,
        _table.c.feature_id == _features.c.id,
        _table.c.day > day_number_of(after),
        _table.c.day <= until,
        _table.c.count > 0,
    )
    # Correlated to the caller's row (``feature`` is its column): without correlate_except
    # the lookup would range over all of the caller's table and, on SQLite, silently take
    # the first row's feature.
    return (
        exists()
        .where(_features.c.key == feature, used.correlate_except(_table))
        .correlate_except(_features)
    )


# For SQL written by hand (tests, a support session with sqlite3): the usage rows of a
# SQLite book as they read, ISO day and feature key; use it as ``FROM (…) u``.
READABLE_USAGE_SQL = (
    "SELECT e.account_id, date(e.day + 2440587.5) AS day, f.key AS feature, e.count, "
    "e.active_users FROM usage_event e JOIN usage_feature f ON f.id = e.feature_id"
)
