"""Opening and closing a book for one piece of work (a CLI command, a test, a window)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from csm_desktop.store.database import Database, open_database

__all__ = ["Database", "open_book", "open_database"]


@contextmanager
def open_book(path: Path, *, read_only: bool = False) -> Iterator[Database]:
    """The book at ``path``, migrated and ready; closed again on exit."""
    database = open_database(path, read_only=read_only)
    try:
        yield database
    finally:
        database.close()
