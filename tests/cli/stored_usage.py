"""What an import stored, read back from the book file for the CLI tests' assertions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from csm_desktop.store.database import open_database
from csm_desktop.store.queries.usage_rows import READABLE_USAGE_SQL


def usage_rows(path: Path, *, active_users: bool = False) -> list[tuple[object, ...]]:
    """(account id, day, feature, count[, active users]) of every stored usage row, by day,
    feature and account."""
    columns = "account_id, day, feature, count" + (", active_users" if active_users else "")
    query = f"SELECT {columns} FROM ({READABLE_USAGE_SQL}) ORDER BY day, feature, account_id"
    book = open_database(path)
    try:
        with book.session() as session:
            query = (
                f"SELECT {columns} FROM ({READABLE_USAGE_SQL}) ORDER BY day, feature, account_id"
            )
            return [tuple(row) for row in session.execute(text(query))]
    finally:
        book.close()
