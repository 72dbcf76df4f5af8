"""Bulk writes on a team server: one statement per chunk of rows, never one per row.

psycopg runs an ``executemany`` as one statement per row, and every statement fires the
change-notice triggers of migration 0008 once: storing 20,000 rows that way took three times
as long as the rows themselves. Here a chunk travels as one array per column, unnested into
rows on the server (``INSERT … SELECT FROM unnest(…)``, ``UPDATE … FROM unnest(…)``): one
statement, a handful of parameters whatever the chunk's size (a multi-row ``VALUES`` of
30,000 parameters cost half a second of Python to compile and bind), and the triggers fire
once per chunk, naming every account it touched. SQLite has no triggers and keeps its own
fast paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    TableValuedAlias,
    bindparam,
    cast,
    column,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from csm_desktop.store.chunks import chunks

CHUNK = 10_000  # rows per statement: progress moves, memory stays flat

Row = Mapping[str, Any]
Given = Mapping[str, ColumnElement[Any]]  # a chunk's values by column name


def insert_many(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (dicts with the same keys), a chunk per statement."""
    if not rows:
        return
    names = list(rows[0])
    given = _unnested(table, names)
    statement = insert(table).from_select(names, select(*(given.c[name] for name in names)))
    for chunk in chunks(rows, CHUNK):
        session.execute(statement, _columns(table, names, chunk))


def update_many(
    session: Session,
    table: Table,
    rows: Sequence[Row],
    *,
    match: Sequence[str],
    set_: Callable[[Given], Mapping[str, Any]],
    where: Callable[[Given], ColumnElement[bool]] | None = None,
) -> int:
    """Update stored rows from ``rows`` (dicts with the same keys, named as ``table``'s
    columns): a stored row is matched where every column of ``match`` equals the given
    value and ``where`` holds, and takes the values ``set_`` makes. The rows updated."""
    if not rows:
        return 0
    names = list(rows[0])
    given_rows = _unnested(table, names)
    given = {name: given_rows.c[name] for name in names}
    statement = (
        update(table)
        .where(*(table.c[name] == given[name] for name in match))
        .values(dict(set_(given)))
    )
    if where is not None:
        statement = statement.where(where(given))
    updated = 0
    for chunk in chunks(rows, CHUNK):
        result = session.execute(statement, _columns(table, names, chunk))
        updated += result.rowcount  # type: ignore[attr-defined]
    return updated


def _unnested(table: Table, names: Sequence[str]) -> TableValuedAlias:
    """``unnest(:given_name::type[], …) AS given(name, …)``: one typed array parameter per
    column (``_columns`` gives their values). PostgreSQL's dialect (~20 modules) is imported
    here: a book file never needs it (the Today list's start-up path reaches this module)."""
    from sqlalchemy.dialects.postgresql import ARRAY

    types = [ARRAY(_unbounded(table.c[name].type)) for name in names]
    arrays = [
        cast(bindparam(f"given_{name}", type_=array), array)
        for name, array in zip(names, types, strict=True)
    ]
    return (
        func.unnest(*arrays)
        .table_valued(*(column(name, table.c[name].type) for name in names), name="given")
        .render_derived()
    )


def _unbounded(column_type: TypeEngine[Any]) -> TypeEngine[Any]:
    """An array's element type: a ``String(n)`` column's without its length. An explicit
    cast to ``varchar(n)[]`` cuts an over-long text to fit; stored from plain ``varchar``,
    it is refused ("value too long"), as a plain insert or update refuses it."""
    if type(column_type) is String and column_type.length is not None:
        return String()
    return column_type


def _columns(table: Table, names: Sequence[str], chunk: Sequence[Row]) -> dict[str, list[Any]]:
    """A chunk's values, one list per column. A float column's whole numbers become floats:
    an array's element type follows its values, and 12000 among 0.5s would not fit."""
    columns: dict[str, list[Any]] = {}
    for name in names:
        values = [row[name] for row in chunk]
        if _holds_floats(table, name):
            values = [None if v is None else float(v) for v in values]
        columns[f"given_{name}"] = values
    return columns


def _holds_floats(table: Table, name: str) -> bool:
    try:
        return table.c[name].type.python_type is float
    except NotImplementedError:
        return False
