"""Copying a whole book, row for row, from a book file into an empty team database.

Both sides have the same schema (the app's head revision), so every table of the models is
copied column by column, parents before children, with the ids kept: a usage row still
points at its account and feature, a milestone at its template. On the server it is one
transaction through PostgreSQL's ``COPY`` (a million rows in seconds); the id sequences are
moved past the copied ids at the end, so the next account the team adds gets a fresh id.
Anything that fails, or a cancel, rolls the whole copy back: the team database stays empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from csm_desktop.errors import BadInput
from csm_desktop.store.models import Base

# Rows the migrations themselves write (the three roles): a new team database holds them,
# and the book's own roles replace them.
SEEDED_TABLES = ("role",)
# Tables of numbers only (usage rows: ids, day numbers, counts): copied as CSV text written
# by the csv module in C, 100,000 rows at a time, instead of one call per row. CSV fits them
# exactly: an empty field is NULL and they hold no text that could be empty.
NUMBER_TABLES = ("usage_event",)
CSV_BATCH = 100_000

Copied = Callable[[str, int, int], None]  # (table, rows copied so far, all rows)


def book_tables() -> list[Table]:
    """Every table of the book, parents before children."""
    return list(Base.metadata.sorted_tables)


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows per table of the book on ``connection``."""
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in book_tables()
    }


def check_empty(counts: Mapping[str, int], where: str) -> None:
    """Refuse (``BadInput``) a team database that already holds a book's rows."""
    held = {name: count for name, count in counts.items() if count and name not in SEEDED_TABLES}
    if held:
        accounts = held.get("account", 0)
        what = (
            f"{accounts:,} account{'s' if accounts != 1 else ''}"
            if accounts
            else ", ".join(f"{count:,} {name} rows" for name, count in sorted(held.items())[:3])
        )
        raise BadInput(
            f"The team database {where} already holds {what}: a book is published only into "
            "an empty team database. Nothing was copied."
        )


def copy_book(source: Connection, target: Connection, copied: Copied) -> dict[str, int]:
    """Copy every row of the book on ``source`` (SQLite) into ``target`` (PostgreSQL, empty
    but for the seeded roles), inside the caller's transaction; rows copied per table.

    ``copied`` is called as rows go (it may raise ``Cancelled`` to stop; the caller's
    rollback then leaves the target as it was).
    """
    counts = row_counts(source)
    total = sum(counts.values())
    done = 0
    raw_target: Any = target.connection.dbapi_connection  # psycopg's, for COPY
    raw_source: Any = source.connection.dbapi_connection  # sqlite3's, no per-row typing
    for name in SEEDED_TABLES:
        target.exec_driver_sql(f'DELETE FROM "{name}"')
    with raw_target.cursor() as cursor:
        for table in book_tables():
            columns = [column.name for column in table.columns]
            quoted = ", ".join(f'"{column}"' for column in columns)
            rows = raw_source.execute(f'SELECT {quoted} FROM "{table.name}"')
            if table.name in NUMBER_TABLES:
                sql = f'COPY "{table.name}" ({quoted}) FROM STDIN (FORMAT csv)'
                with cursor.copy(sql) as copy:
                    text = io.StringIO()
                    writer = csv.writer(text, lineterminator="\n")
                    number = 0
                    while batch := rows.fetchmany(CSV_BATCH):
                        writer.writerows(batch)
                        copy.write(text.getvalue())
                        text.seek(0)
                        text.truncate()
                        number += len(batch)
                        copied(table.name, done + number, total)
            else:
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                    for number, row in enumerate(rows, start=1):
                        copy.write_row(row)
                        if number % 50_000 == 0:
                            copied(table.name, done + number, total)
            done += counts[table.name]
            copied(table.name, done, total)
    _move_sequences_past_copied_ids(target)
    _gather_statistics(target)
    return counts


def _gather_statistics(target: Connection) -> None:
    """``ANALYZE`` the copied tables. Until the server knows how many rows they hold, it
    plans every query for nearly empty tables: the first screenful of a published
    50,000-account Book took 0.9 s instead of 0.1 s. (A role that does not own the tables
    gets a warning, not an error; autovacuum analyzes them later.)"""
    for table in book_tables():
        target.exec_driver_sql(f'ANALYZE "{table.name}"')


def _move_sequences_past_copied_ids(target: Connection) -> None:
    for table in book_tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].name != "id":
            continue
        target.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
        )
