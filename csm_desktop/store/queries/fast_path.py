"""SQLite's fast path for the few queries that read a big book: the raw DB-API cursor.

SQLAlchemy's per-row processing costs more than the query itself on the tens of thousands
of rows a big book yields. Only SQLite takes this path (``use_fast_path``); every query that
does keeps a portable SQLAlchemy Core version behind the same function.

``on_server`` is the one place that says whether a book is on a PostgreSQL team server
rather than in a file: every query with a form for each asks it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement


def on_server(bind: Session | Connection | Engine) -> bool:
    """True when the book behind this session, connection or engine is on a PostgreSQL
    server; False for a book file (SQLite)."""
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return dialect.name == "postgresql"


def use_fast_path(session: Session, portable: bool) -> bool:
    """True when the session's database is SQLite and the caller did not ask for Core."""
    return not portable and not on_server(session)


def raw_cursor(session: Session, query: ClauseElement) -> sqlite3.Cursor:
    """A Core query's SQLite text run on the session's raw cursor, its rows not yet
    fetched. Its values are inlined (``literal_binds``): only for queries whose values are
    our own ids, dates, numbers and status names, never text a user typed."""
    connection = session.connection()
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.dbapi_connection
    assert raw is not None
    return raw.cursor().execute(sql)  # type: ignore[no-any-return]


def raw_rows(session: Session, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """All rows of a query on the session's own SQLite connection (and transaction)."""
    cursor = session.connection().connection.dbapi_connection
    assert cursor is not None
    rows: list[tuple[Any, ...]] = cursor.execute(sql, dict(params)).fetchall()
    return rows


class Days:
    """ISO date text to dates, each distinct text parsed once (a book repeats few dates)."""

    def __init__(self) -> None:
        self._known: dict[str, dt.date] = {}

    def __call__(self, value: str | None) -> dt.date | None:
        return self.parse(value) if value else None

    def parse(self, value: str) -> dt.date:
        day = self._known.get(value)
        if day is None:
            day = self._known[value] = dt.date.fromisoformat(value)
        return day


day = Days()
"""The raw cursor's dates arrive as ISO text; ``day(text)`` gives the date (None for None)."""
