"""Cutting a long list of rows or ids into statements of a bounded size.

A statement has a ceiling on its bound parameters (SQLite 32,766, PostgreSQL 65,535), and a
write per chunk lets progress move and fires the change-notice triggers once per chunk.
Every batched read or write of the store cuts its items here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), in their order."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
