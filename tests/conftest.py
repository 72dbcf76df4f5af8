"""Fixtures shared by every test: a real SQLite book in a temporary folder, Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from csm_desktop.store.database import Database, open_database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "book.sqlite3"


@pytest.fixture
def book(db_path: Path) -> Iterator[Database]:
    """An empty, migrated book on a real file."""
    database = open_database(db_path)
    yield database
    database.close()
