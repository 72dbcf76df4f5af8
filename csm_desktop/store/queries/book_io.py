"""The book workbook's rows in and out in bulk: SQLAlchemy Core, many rows per statement.

An import of 50,000 accounts used to build one ORM object per row and flush at every lazy
load (issue 17: 295 s, 3.8 GiB). Here every read is one query returning plain rows and every
write an ``executemany`` in chunks; the service decides what the rows mean (the merge rule
of ``services.book_workbook``). Nothing here is SQLite-only: the same statements run on a
shared PostgreSQL book. Rows that other people may edit (``version`` columns) have their
version bumped by every update, as the ORM does.
"""

from __future__ import annotations

import datetime as dt
import sqlite3 as raw_sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from csm_desktop.store.authorship import author, utc_now
from csm_desktop.store.chunks import chunks
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Experiment,
    Kickoff,
    Measurement,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries.fast_path import on_server, use_fast_path
from csm_desktop.store.queries.server_writes import CHUNK as SERVER_CHUNK
from csm_desktop.store.queries.server_writes import insert_many, update_many

CHUNK = 5_000  # rows per executemany: memory stays flat, SQLAlchemy batches the VALUES
IN_CHUNK = 500  # ids per IN (…): far below every database's parameter limit
ROWS_PER_INSERT = 50  # rows a raw INSERT's VALUES holds (``_statements``)
MAX_BOUND = 999  # values an SQLite statement may bind (the least: SQLite before 3.32)

Row = dict[str, Any]


def table_of(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


# ----------------------------------------------------------------------------- writing


def insert_rows(
    session: Session, model: type[Any], rows: Sequence[Row], *, portable: bool = False
) -> None:
    """Insert ``rows`` (dicts with the same keys): ``insert_tuples`` of their values."""
    if not rows:
        return
    names = list(rows[0])
    pick = itemgetter(*names)
    values = map(pick, rows) if len(names) > 1 else ((pick(row),) for row in rows)
    insert_tuples(session, model, names, values, portable=portable)


def insert_tuples(
    session: Session,
    model: type[Any],
    names: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    portable: bool = False,
) -> None:
    """Insert ``rows``, each a tuple of the values of the columns ``names``, with plain
    ``executemany``: a bulk import makes no dict per row. Ids are given by the caller
    (``next_ids``) or found again by natural keys (``book_accounts``…): asking for them back
    in order (RETURNING sorted by parameter order) makes SQLite insert one row per statement,
    which took longer than everything else of a 5,000-account import.

    On SQLite the rows go to the DB-API cursor directly, each value through its column's own
    bind processor (SQLAlchemy's per-row parameter handling cost twice SQLite's inserting);
    ``portable`` (and any other database) takes Core's path, which gives the same rows."""
    size = SERVER_CHUNK if on_server(session) else CHUNK
    batches = (list(zip(*chunk, strict=True)) for chunk in chunks(rows, size))
    _insert(session, model, names, batches, portable)


def insert_columns(
    session: Session,
    model: type[Any],
    names: Sequence[str],
    columns: Sequence[Sequence[Any]],
    *,
    portable: bool = False,
) -> None:
    """``insert_tuples`` of rows given a column at a time: ``columns[i]`` holds the values
    of ``names[i]``, one per row. An import that has its values by column (``map`` over its
    rows, in C) makes no tuple per row before the cursor's own."""
    count = len(columns[0]) if columns else 0
    if any(len(values) != count for values in columns):
        raise ValueError("the columns differ in length")
    size = SERVER_CHUNK if on_server(session) else CHUNK
    batches = (
        [values[start : start + size] for values in columns] for start in range(0, count, size)
    )
    _insert(session, model, names, batches, portable)


def _insert(
    session: Session,
    model: type[Any],
    names: Sequence[str],
    batches: Iterator[Sequence[Sequence[Any]]],
    portable: bool,
) -> None:
    """Insert each batch of rows, given a column at a time (``insert_tuples``)."""
    first = next(batches, None)
    if first is None:
        return
    table = table_of(model)
    stamp = _authorship(session, table)
    if stamp.keys() & set(names):  # who made it, as an edit in the window, unless given
        stamp = {}
    plan = _raw_insert(session, table, names, stamp) if use_fast_path(session, portable) else None
    if plan is None:
        server = on_server(session)
        for columns in chain([first], batches):
            dicts = [
                {**dict(zip(names, row, strict=True)), **stamp}
                for row in zip(*columns, strict=True)
            ]
            if server:
                insert_many(session, table, dicts)
            else:
                session.execute(insert(table), dicts)
        return
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    sql = ""
    try:
        for columns in chain([first], batches):
            for sql, parameters in _statements(plan, columns):
                cursor.executemany(sql, parameters)
    except raw_sqlite3.DatabaseError as error:  # as SQLAlchemy would raise it (disk full, …)
        raise DBAPIError.instance(sql, None, error, raw_sqlite3.Error) from error
    finally:
        cursor.close()


def next_ids(session: Session, model: type[Any], count: int) -> range | None:
    """The ids a book file gives the next ``count`` rows of ``model`` (SQLite: one past the
    largest, in order), so an import can name them before inserting and need not read them
    back; None on a server, whose sequence gives them."""
    if on_server(session):
        return None
    column = table_of(model).c.id
    first = (session.execute(select(func.max(column))).scalar() or 0) + 1
    return range(first, first + count)


class _RawInsert(NamedTuple):
    """A raw INSERT's table, its columns (the given ones, then those stamped or defaulted),
    the given ones' bind processors and the others' values, already processed."""

    table: str
    names: list[str]
    processors: list[Any]
    constants: list[Any]


def _statements(plan: _RawInsert, given: Sequence[Sequence[Any]]) -> list[tuple[str, list[Any]]]:
    """The INSERTs of a chunk of rows (given a column at a time) and their parameters:
    ``ROWS_PER_INSERT`` rows a statement (VALUES (…), (…), …), the chunk's last few one a
    statement. pysqlite binds and runs each statement of an ``executemany`` on its own,
    which cost about as much as SQLite's inserting: 60,000 milestones 0.34 → 0.28 s,
    their 49,669 status changes 0.14 → 0.09 s (sqlite3 replay of the same rows)."""
    row, parameters = _statement(plan, given)
    head, values = row.split(") VALUES (", 1)  # a literal never ends the column names
    width = len(parameters[0]) if parameters else 0
    per = min(ROWS_PER_INSERT, MAX_BOUND // width) if width else 1
    full = len(parameters) - len(parameters) % per if per > 1 else 0
    done: list[tuple[str, list[Any]]] = []
    if full:
        flat = tuple(chain.from_iterable(parameters[:full]))
        step = per * width
        sql = f"{head}) VALUES ({values}" + f", ({values}" * (per - 1)
        done.append((sql, [flat[start : start + step] for start in range(0, len(flat), step)]))
    if full < len(parameters):
        done.append((row, parameters[full:]))
    return done


def _statement(plan: _RawInsert, given: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    """The one-row INSERT of a chunk of rows, given a column at a time, and its parameter
    tuples. Values are converted a column at a time
    (``zip`` and ``map`` in C: a Python call per row and column cost more than SQLite's
    inserting); a column holding one value in the whole chunk (the stamp, the defaults, a
    column a tracker leaves empty) is written into the SQL, not bound on every row (binding
    was a fifth of SQLite's inserting)."""
    count = len(given[0])
    columns: list[Sequence[Any]] = [
        values if process is None else _converted(values, process)
        for values, process in zip(given, plan.processors, strict=True)
    ]
    columns += [(value,) for value in plan.constants]
    marks: list[str] = []
    bound: list[Iterable[Any]] = []
    for values in columns:
        literal = _literal(values[0])
        if literal is not None and (
            len(values) == 1 or (values.count(values[0]) == count and _one_type(values))
        ):
            marks.append(literal)
        else:
            marks.append("?")
            bound.append(values if len(values) == count else repeat(values[0], count))
    names = ", ".join(f'"{name}"' for name in plan.names)
    sql = f'INSERT INTO "{plan.table}" ({names}) VALUES ({", ".join(marks)})'
    return sql, list(zip(*bound, strict=True)) if bound else [()] * count


def _literal(value: Any) -> str | None:
    """``value`` as an SQLite literal that stores what binding it would (None, an int, a
    text without NUL); None for a value better bound (a float, bytes, a bool)."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _one_type(values: Sequence[Any]) -> bool:
    """All of one type (``count`` compares by ``==``: 1, 1.0 and True are equal)."""
    return len(set(map(type, values))) == 1


def _converted(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """``process`` of each value, None kept; each distinct value converted once (an import
    repeats few dates)."""
    try:
        done = {value: process(value) for value in set(values) if value is not None}
    except TypeError:  # an unhashable value
        return [None if value is None else process(value) for value in values]
    done[None] = None
    return list(map(done.__getitem__, values))


def _raw_insert(
    session: Session, table: Table, names: Sequence[str], stamp: Row
) -> _RawInsert | None:
    """The raw INSERT of ``names`` (and of ``stamp``'s and the defaulted columns); None when
    a column left out has a default only Core can compute."""
    dialect = session.get_bind().dialect
    processors = [_bind_processor(table.c[name], dialect) for name in names]
    added = list(stamp)
    constants = [_processed(table.c[name], dialect, value) for name, value in stamp.items()]
    for column in table.c:
        if column.name in names or column.name in stamp or column.default is None:
            continue
        if not column.default.is_scalar:
            return None
        added.append(column.name)
        constants.append(_processed(column, dialect, column.default.arg))  # type: ignore[attr-defined]
    return _RawInsert(table.name, [*names, *added], processors, constants)


def _processed(column: Any, dialect: Any, value: Any) -> Any:
    process = _bind_processor(column, dialect)
    return value if process is None or value is None else process(value)


def _bind_processor(column: Any, dialect: Any) -> Any:
    """What Core does to a value of ``column`` before the DB-API sees it: the dialect's own
    type (SQLite's DATE and DATETIME write their text themselves; the generic types would
    leave dates to Python's sqlite3 adapters, which write a time on the whole second without
    its ``.000000``)."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def insert_row(session: Session, model: type[Any], row: Row) -> int:
    """Insert one row; its new id."""
    table = table_of(model)
    new_id: int = session.execute(insert(table).values(row).returning(table.c.id)).scalar_one()
    return new_id


def update_rows(session: Session, model: type[Any], rows: Sequence[Row]) -> None:
    """Update stored rows by id: each dict holds ``id`` and the same other columns. Only a
    row whose values differ is written; a versioned one then goes up one version (a dialog
    holding the old one will not save) and names who changed it and when, as an edit in
    the window does (``store.authorship``). Re-importing an unchanged export changes
    nothing, so it refuses no teammate's next save."""
    if not rows:
        return
    table = table_of(model)
    columns = [name for name in rows[0] if name != "id"]
    given = {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
    stamp: dict[str, Any] = {"version": table.c.version + 1} if "version" in table.c else {}
    stamp.update(_authorship(session, table))
    if on_server(session):
        update_many(
            session,
            table,
            rows,
            match=["id"],
            set_=lambda given: {**{name: given[name] for name in columns}, **stamp},
            where=lambda given: or_(*(table.c[n].is_distinct_from(given[n]) for n in columns)),
        )
        return
    values: dict[str, Any] = {**given, **stamp}
    differs = or_(*(table.c[name].is_distinct_from(given[name]) for name in columns))
    statement = update(table).where(table.c.id == bindparam("v_id"), differs).values(values)
    for chunk in chunks(rows, CHUNK):
        session.execute(statement, [{f"v_{k}": v for k, v in row.items()} for row in chunk])


def _authorship(session: Session, table: Table) -> Row:
    """The ``changed_by`` / ``changed_at`` values of a row written now (those it has)."""
    stamp: Row = {}
    if "changed_by" in table.c:
        stamp["changed_by"] = author(session)
    if "changed_at" in table.c:
        stamp["changed_at"] = utc_now()
    return stamp


def unsaved_row(instance: Any) -> Row:
    """The column values set on a new, never added ORM object, as a row for ``insert_rows``
    (the columns it leaves unset take their defaults on insert)."""
    columns = {c.key for c in inspect(type(instance)).column_attrs}
    return {k: v for k, v in inspect(instance).dict.items() if k in columns and k != "id"}


def delete_done_criteria(session: Session, kickoff_ids: Collection[int]) -> None:
    """Remove the definition-of-done lines of these kickoffs (the import writes them anew)."""
    table = table_of(DoneCriterion)
    for chunk in chunks(sorted(kickoff_ids), IN_CHUNK):
        session.execute(delete(table).where(table.c.kickoff_id.in_(chunk)))


# ----------------------------------------------------------------------------- reading


class AccountRef(NamedTuple):
    id: int
    name: str
    external_id: str | None
    signed_on: dt.date | None
    kickoff_on: dt.date | None
    playbook_id: int | None


def book_accounts(session: Session) -> list[AccountRef]:
    """Every account's id, name, external id, dates and playbook, in creation order."""
    t = table_of(Account)
    query = select(
        t.c.id, t.c.name, t.c.external_id, t.c.signed_on, t.c.kickoff_on, t.c.playbook_id
    ).order_by(t.c.id)
    return [AccountRef(*row) for row in session.execute(query)]


def _of_accounts(
    session: Session, query: Select[Any], column: ColumnElement[int], ids: Collection[int]
) -> Iterator[Any]:
    """``query``'s rows whose ``column`` is one of ``ids``, a chunk of ids at a time."""
    for chunk in chunks(sorted(ids), IN_CHUNK):
        yield from session.execute(query.where(column.in_(chunk)))


class MilestoneRef(NamedTuple):
    id: int
    account_id: int
    title: str
    role_id: int
    position: int
    status: str
    status_reason: str
    template_id: int | None


def milestones_of(session: Session, account_ids: Collection[int]) -> list[MilestoneRef]:
    """The stored milestones of these accounts, in ladder order."""
    t = table_of(AccountMilestone)
    query = select(
        t.c.id,
        t.c.account_id,
        t.c.title,
        t.c.role_id,
        t.c.position,
        t.c.status,
        t.c.status_reason,
        t.c.template_id,
    ).order_by(t.c.account_id, t.c.position, t.c.id)
    rows = [MilestoneRef(*r) for r in _of_accounts(session, query, t.c.account_id, account_ids)]
    return sorted(rows, key=lambda m: (m.account_id, m.position, m.id))


def milestone_ids(session: Session, account_ids: Collection[int]) -> dict[tuple[int, int], int]:
    """(account id, position) → id of these accounts' milestones (the newest of a position)."""
    t = table_of(AccountMilestone)
    query = select(t.c.account_id, t.c.position, t.c.id).order_by(t.c.id)
    return {
        (account_id, position): milestone_id
        for account_id, position, milestone_id in _of_accounts(
            session, query, t.c.account_id, account_ids
        )
    }


def contacts_of(session: Session, account_ids: Collection[int]) -> list[tuple[int, int, str]]:
    """(id, account id, name) of these accounts' contacts, oldest first."""
    t = table_of(Contact)
    query = select(t.c.id, t.c.account_id, t.c.name)
    return sorted(tuple(r) for r in _of_accounts(session, query, t.c.account_id, account_ids))


def kickoffs_of(
    session: Session, account_ids: Collection[int]
) -> tuple[dict[int, int], dict[int, dict[str, dt.date | None]]]:
    """(account id → kickoff id, kickoff id → {criterion text: met on}) of these accounts."""
    t = table_of(Kickoff)
    kickoffs = {
        account_id: kickoff_id
        for kickoff_id, account_id in _of_accounts(
            session, select(t.c.id, t.c.account_id), t.c.account_id, account_ids
        )
    }
    c = table_of(DoneCriterion)
    met: dict[int, dict[str, dt.date | None]] = {}
    query = select(c.c.kickoff_id, c.c.text, c.c.met_on).order_by(c.c.position)
    for kickoff_id, text, met_on in _of_accounts(session, query, c.c.kickoff_id, kickoffs.values()):
        met.setdefault(kickoff_id, {})[text] = met_on
    return kickoffs, met


def value_metrics_of(
    session: Session, account_ids: Collection[int]
) -> tuple[list[tuple[int, int, str]], dict[tuple[int, dt.date], int]]:
    """((id, account id, name) of the metrics, (metric id, measured on) → measurement id)."""
    t = table_of(ValueMetric)
    metrics = sorted(
        tuple(r)
        for r in _of_accounts(
            session, select(t.c.id, t.c.account_id, t.c.name), t.c.account_id, account_ids
        )
    )
    m = table_of(Measurement)
    query = select(m.c.metric_id, m.c.measured_on, m.c.id).order_by(m.c.id)
    measured = {
        (metric_id, on): measurement_id
        for metric_id, on, measurement_id in _of_accounts(
            session, query, m.c.metric_id, [metric[0] for metric in metrics]
        )
    }
    return metrics, measured


def roles(session: Session) -> list[tuple[int, str, int]]:
    """(id, name, position) of every role."""
    t = table_of(Role)
    return [tuple(r) for r in session.execute(select(t.c.id, t.c.name, t.c.position))]


def playbooks(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every playbook, newest version first."""
    t = table_of(Playbook)
    query = select(t.c.id, t.c.name).order_by(t.c.version.desc(), t.c.id)
    return [tuple(r) for r in session.execute(query)]


def playbook_steps(session: Session) -> list[tuple[int, int, int, str, int]]:
    """(playbook id, position, template id, template title, role id) of every step, in order."""
    s, t = table_of(PlaybookStep), table_of(MilestoneTemplate)
    query = (
        select(s.c.playbook_id, s.c.position, t.c.id, t.c.title, t.c.role_id)
        .join_from(s, t, t.c.id == s.c.template_id)
        .order_by(s.c.playbook_id, s.c.position, s.c.id)
    )
    return [tuple(r) for r in session.execute(query)]


def templates(session: Session) -> list[tuple[int, str, str, int]]:
    """(id, key, title, role id) of every milestone template."""
    t = table_of(MilestoneTemplate)
    query = select(t.c.id, t.c.key, t.c.title, t.c.role_id).order_by(t.c.id)
    return [tuple(r) for r in session.execute(query)]


def variants(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, experiment name) of every variant, oldest first."""
    v, e = table_of(Variant), table_of(Experiment)
    query = (
        select(v.c.id, v.c.name, e.c.name)
        .join_from(v, e, e.c.id == v.c.experiment_id)
        .order_by(v.c.id)
    )
    return [tuple(r) for r in session.execute(query)]


def experiment_id(session: Session, name: str) -> int | None:
    t = table_of(Experiment)
    found: int | None = session.execute(select(t.c.id).where(t.c.name == name)).scalar()
    return found


def undated_account_names(session: Session) -> list[str]:
    """Names of the accounts with neither a kickoff nor a signed-on date, sorted."""
    t = table_of(Account)
    query = (
        select(t.c.name).where(t.c.kickoff_on.is_(None), t.c.signed_on.is_(None)).order_by(t.c.name)
    )
    return list(session.scalars(query))


def count_rows(session: Session, model: type[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(table_of(model))).scalar_one())
