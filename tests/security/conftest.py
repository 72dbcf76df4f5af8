"""The attack tests' book: a copy of the demo book per test (checks are in book_checks)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def demo_book(demo_template: Callable[[dt.date], Path], tmp_path: Path) -> Path:
    """A closed copy of the demo book (40 accounts) in this test's own folder (the template is
    the one ``tests/conftest.py`` builds once per worker)."""
    folder = tmp_path / "books"
    folder.mkdir()
    path = folder / "book.sqlite3"
    shutil.copyfile(demo_template(TODAY), path)
    return path
