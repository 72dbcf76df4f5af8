"""``store.failures.user_error_for`` without a server: each SQLSTATE the team server may send
maps to its one line (the real failures are in tests/team/test_server_errors.py), server
errors are never read by their words, and SQLite's words keep their meaning."""

from __future__ import annotations

import sqlite3

import psycopg.errors as pg
import pytest
from sqlalchemy.exc import OperationalError

from csm_desktop.errors import (
    AlreadyCreated,
    BadInput,
    ChangeUncertain,
    ConnectionLost,
    DatabaseFull,
    DatabaseLocked,
    DatabaseReadOnly,
    NotPermitted,
    ServerBusy,
)
from csm_desktop.store.failures import explained, user_error_for

SERVER = "postgresql+psycopg://maya@db/csm_book"


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("23505", AlreadyCreated),
        ("23503", BadInput),
        ("40001", ServerBusy),
        ("40P01", ServerBusy),
        ("55P03", ServerBusy),
        ("42501", NotPermitted),
        ("25006", DatabaseReadOnly),
        ("53100", DatabaseFull),
        ("57P01", ConnectionLost),
        ("08006", ConnectionLost),
    ],
)
def test_each_server_state_has_its_line(state: str, kind: type) -> None:
    """Raw and wrapped by SQLAlchemy alike; one line, naming the server for all but the
    'created by someone else' conflict (which names the row)."""
    raw = pg.lookup(state)("the server's words")
    wrapped = OperationalError("UPDATE account …", {}, raw)
    for error in (raw, wrapped):
        mapped = user_error_for(error, SERVER)
        assert type(mapped) is kind
        assert "\n" not in str(mapped)
        assert kind is AlreadyCreated or SERVER in str(mapped)


def test_a_server_error_is_never_read_by_its_words() -> None:
    """A check violation whose message says "database is locked" and "read-only" is a bug
    (None), not a locked or read-only book file; the same words from SQLite are."""
    raw = pg.lookup("23514")("database is locked, read-only, disk is full")
    assert user_error_for(raw, SERVER) is None
    assert user_error_for(OperationalError("x", {}, raw), SERVER) is None
    assert isinstance(
        user_error_for(sqlite3.OperationalError("database is locked"), "b.sqlite3"),
        DatabaseLocked,
    )


def test_a_connection_lost_while_committing_is_uncertain() -> None:
    raw = pg.lookup("57P01")("terminating connection due to administrator command")
    assert type(user_error_for(raw, SERVER, committing=True)) is ChangeUncertain
    assert type(user_error_for(raw, SERVER)) is ConnectionLost


def test_a_unique_violation_names_the_row_by_constraint_or_table() -> None:
    """Without a table (no diagnostics) it is "The same entry"; with none of the book's
    versioned tables there is no version to retry over."""
    mapped = user_error_for(pg.lookup("23505")("duplicate key"), SERVER)
    assert isinstance(mapped, AlreadyCreated)
    assert str(mapped) == "The same entry was just created by someone else — reload to see it."
    assert mapped.version is None


def test_explained_maps_database_errors_and_passes_others_unchanged() -> None:
    with pytest.raises(ServerBusy), explained(SERVER):
        raise pg.lookup("40P01")("deadlock detected")
    with pytest.raises(ZeroDivisionError), explained(SERVER):
        raise ZeroDivisionError
    with pytest.raises(pg.lookup("23514")), explained(SERVER):
        raise pg.lookup("23514")("a bug: not mapped")
