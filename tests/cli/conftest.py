"""Fixtures the CLI tests share: a book on disk with the one account the usage files name."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    """A migrated book holding one account, "Acme" (id 1), and nothing else."""
    path = tmp_path / "book.sqlite3"
    book = open_database(path)
    try:
        with book.session() as session:
            session.execute(insert(Account), [{"name": "Acme", "archived": False}])
    finally:
        book.close()
    return path
