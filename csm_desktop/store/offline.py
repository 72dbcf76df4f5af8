"""Copying one owner's part of a team book into a book file, for work away from the server.

The other direction of ``store/transfer.py``, over the same table list (parents before
children, ids kept): the owner's accounts and every row hanging on them (milestones and
their status changes, contacts, kickoffs, usage, value metrics, touchpoints…), and every
row shared by the team (playbooks, templates, roles, features, experiments, settings,
import records). A row is the owner's when its non-null key leads, directly or through
its parent, to one of their accounts; the filter is derived from the foreign keys, so a
table added later is filtered the same way.

The copy is marked (``OFFLINE_SETTING``): a book file carrying the mark opens read-only
(``store.database.open_database`` refuses to write it, saying why), since its changes would
not reach the server.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from csm_desktop.store.models import Account, Setting
from csm_desktop.store.transfer import SEEDED_TABLES, book_tables

OFFLINE_SETTING = "offline_copy"
"""Book setting of a copy taken off the server: "<server> · <owner> · <when>"."""

BATCH = 20_000

Copied = Callable[[str, int], None]  # (table, rows copied so far)


def owned_accounts(connection: Connection, owner: str) -> int:
    """How many accounts ``owner`` has (name compared ignoring case and spaces around)."""
    return connection.execute(
        select(func.count()).select_from(Account).where(_owned(owner))
    ).scalar_one()


def owners(connection: Connection) -> list[str]:
    """The owners named on the book's accounts, for a message."""
    query = select(Account.owner).where(Account.owner.is_not(None)).distinct()
    return sorted(str(name) for name in connection.execute(query).scalars())


def _owned(owner: str) -> ColumnElement[bool]:
    return func.lower(func.trim(Account.owner)) == owner.strip().lower()


def _rows_of(table: Table, owner: str, filters: dict[str, Select[tuple[int]]]) -> Select[tuple]:  # type: ignore[type-arg]
    """All of ``table``'s rows that belong in the owner's copy; records the id query of a
    filtered table in ``filters`` for its children."""
    query = select(table)
    filtered = table.name == Account.__tablename__
    if filtered:
        query = query.where(_owned(owner))
    for key in table.foreign_keys:
        parent = key.column.table.name
        if parent in filters and not key.parent.nullable:
            query = query.where(key.parent.in_(filters[parent]))
            filtered = True
    if filtered and "id" in table.c:
        filters[table.name] = query.with_only_columns(table.c.id)
    return query


def copy_owner_book(
    source: Connection, target: Connection, owner: str, mark: str, copied: Copied
) -> dict[str, int]:
    """Copy the owner's rows and the shared ones from ``source`` (the team server) into
    ``target`` (a new, migrated book file), inside the caller's transaction; rows per table.

    ``copied`` is called as rows go (it may raise ``Cancelled``)."""
    for name in SEEDED_TABLES:
        target.exec_driver_sql(f'DELETE FROM "{name}"')
    filters: dict[str, Select[tuple[int]]] = {}
    counts: dict[str, int] = {}
    for table in book_tables():
        done = 0
        result = source.execution_options(yield_per=BATCH).execute(_rows_of(table, owner, filters))
        for rows in result.mappings().partitions():
            target.execute(table.insert(), [dict(row) for row in rows])
            done += len(rows)
            copied(table.name, done)
        counts[table.name] = done
        copied(table.name, done)
    target.execute(delete(Setting).where(Setting.key == OFFLINE_SETTING))
    target.execute(insert(Setting), [{"key": OFFLINE_SETTING, "value": mark}])
    return counts
