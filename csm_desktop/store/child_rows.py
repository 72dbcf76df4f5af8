"""Making a parent's child rows (a kickoff's answers, a metric's measurements) a wanted set.

A child kept under the same key is changed in place, never deleted and added again: the
unit of work inserts new rows before it deletes old ones, so a replacement would break the
one-child-per-key constraint (one answer per role, one measurement per day), and changing
in place keeps the row's id and authorship.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

Child = TypeVar("Child")
Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


def sync_children(
    children: list[Child],
    key: Callable[[Child], Key],
    wanted: Mapping[Key, Value],
    *,
    change: Callable[[Child, Value], None],
    make: Callable[[Key, Value], Child],
) -> None:
    """Make ``children`` hold one child per key of ``wanted``: those whose key is not
    wanted are removed, kept ones get ``change(child, value)``, missing ones ``make``."""
    existing = {key(child): child for child in children}
    for child_key, child in existing.items():
        if child_key not in wanted:
            children.remove(child)
    for child_key, value in wanted.items():
        if child_key in existing:
            change(existing[child_key], value)
        else:
            children.append(make(child_key, value))
