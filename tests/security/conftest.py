"""The attack tests' book: a copy of the demo book per test (checks are in book_checks)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from csm_desktop.services.demo import create_demo_book
from csm_desktop.store.database import open_database

TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-template") / "template.sqlite3"
    database = open_database(path)
    try:
        create_demo_book(database, today=TODAY)
    finally:
        database.close()
    return path


@pytest.fixture
def demo_book(demo_template: Path, tmp_path: Path) -> Path:
    """A closed copy of the demo book (40 accounts) in this test's own folder."""
    folder = tmp_path / "books"
    folder.mkdir()
    path = folder / "book.sqlite3"
    shutil.copyfile(demo_template, path)
    return path
