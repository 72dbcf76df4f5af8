"""Days stored as whole numbers: days since 1970-01-01 (DESIGN §9, a usage row ≤ 60 bytes).

A usage row's day as ISO text costs 11 bytes in the table and again in every index that
holds it; as a day number it costs 2 or 3. ``DayNumber`` is the column type: Python code
reads and writes ``datetime.date`` exactly as before, the database holds the number.
``day_number_of(expr)`` turns a date column stored as text (a milestone's ``achieved_on``)
into the same number inside SQL, so usage days compare with other dates in one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
# SQLite's julianday('1970-01-01') (midnight); julianday(d) - this = the day number of d.
SQLITE_EPOCH_JULIAN = 2440587.5


def day_number(day: dt.date) -> int:
    """The stored number of ``day`` (1970-01-01 is 0)."""
    return day.toordinal() - EPOCH_ORDINAL


def day_of_number(number: int) -> dt.date:
    """The date a stored day number stands for."""
    return dt.date.fromordinal(number + EPOCH_ORDINAL)


class DayNumber(TypeDecorator[dt.date]):
    """A date held as an integer day number; Python sees ``datetime.date``."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None or isinstance(value, int):
            return value
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        return day_number(value)

    def process_result_value(self, value: Any, dialect: Any) -> dt.date | None:
        return None if value is None else day_of_number(value)


class day_number_of(FunctionElement[int]):
    """SQL: the day number of a date column (ISO text on SQLite, DATE elsewhere)."""

    type = Integer()
    inherit_cache = True
    name = "day_number_of"

    def __init__(self, expression: Any) -> None:
        super().__init__(expression)


@compiles(day_number_of)
def _day_number_of_default(element: day_number_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(day_number_of, "sqlite")
def _day_number_of_sqlite(element: day_number_of, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(julianday({inner}) - {SQLITE_EPOCH_JULIAN} AS INTEGER)"
