"""Bulk writes on a team server: one statement per chunk of rows, never one per row.

psycopg runs an ``executemany`` as one statement per row, and every statement fires the
change-notice triggers of migration 0008 once: storing 20,000 rows that way took three times
as long as the rows themselves. Here a chunk of rows travels as one multi-row ``INSERT … VALUES``
or one ``UPDATE … FROM (VALUES …)``, so the triggers fire once per chunk and name every
account the chunk touched. SQLite has no triggers and keeps its own fast paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, Table, cast, column, insert, update, values
from sqlalchemy.orm import Session

PARAMETERS = 30_000  # per statement; PostgreSQL's limit is 65,535

Row = Mapping[str, Any]
Given = Mapping[str, ColumnElement[Any]]  # a chunk's values by column name, typed as the table's


def on_server(session: Session) -> bool:
    """True when the session's book is on a PostgreSQL server."""
    return session.get_bind().dialect.name == "postgresql"


def insert_many(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (dicts with the same keys) in multi-row statements."""
    if rows:
        for chunk in _chunks(rows, max(1, PARAMETERS // len(rows[0]))):
            session.execute(insert(table).values(chunk))


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
    updated = 0
    for chunk in _chunks(rows, max(1, PARAMETERS // len(names))):
        listed = values(*(column(name, table.c[name].type) for name in names), name="given")
        given_rows = listed.data([tuple(row[name] for name in names) for row in chunk])
        # VALUES types its columns from the parameters; a column of NULLs would be text.
        given = {name: cast(given_rows.c[name], table.c[name].type) for name in names}
        statement = (
            update(table)
            .where(*(table.c[name] == given[name] for name in match))
            .values(dict(set_(given)))
        )
        if where is not None:
            statement = statement.where(where(given))
        updated += session.execute(statement).rowcount  # type: ignore[attr-defined]
    return updated


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
