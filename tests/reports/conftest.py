"""Fixtures of the report tests: the hand-made book of ``hand_book.py`` and a PDF reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hand_book import pdf_text, store_hand_book

from csm_desktop.store.database import Database


@pytest.fixture
def hand_book(book: Database) -> tuple[Database, dict[str, int]]:
    """The empty ``book`` filled with the hand-made accounts; (database, ids by name)."""
    return book, store_hand_book(book)


@pytest.fixture
def read_pdf() -> Callable[[object], str]:
    """``read_pdf(path)``: the PDF's text with line wraps flattened to spaces."""
    return pdf_text
