"""The one mapping of database failures to what a CSM can act on (``user_error_for``).

A book file fails the way SQLite says in words (locked, read-only, disk full, damaged), so
SQLite errors are read by their text. A team server says what went wrong with an SQLSTATE
code, and its messages quote the user's data (a detail naming a row "Locked accounts" must
not read as a locked file), so PostgreSQL errors are read by their code only: a broken
connection, a row someone created at the same moment, a collision with a colleague's
transaction, a right the signed-in role lacks, a server that only reads. Anything else is
a bug (``None``): the caller re-raises it and it is logged with its traceback.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from csm_desktop.errors import (
    AlreadyCreated,
    BadInput,
    ChangeUncertain,
    ConnectionLost,
    DatabaseFull,
    DatabaseLocked,
    DatabaseReadOnly,
    DatabaseUnreadable,
    NotPermitted,
    ServerBusy,
    UserError,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


def user_error_for(
    exc: BaseException, path: Path | str, *, committing: bool = False
) -> UserError | None:
    """What the CSM reads for ``exc`` (SQLAlchemy's wrapped errors, raw ``sqlite3`` or
    ``psycopg`` errors alike), or ``None`` for a bug.

    ``path`` is where the book lives (its file, or the server's address without password).
    ``committing`` says the failure came from the COMMIT itself: a connection that broke
    then may have stored the change or not, and the message says to check before retrying.
    """
    original = getattr(exc, "orig", None)
    if _connection_lost(exc, original):
        if committing:
            return ChangeUncertain(
                f"The connection to the team server {path} broke while saving: the change may "
                "or may not have been stored. Reload to check before trying again; the app "
                "reconnects."
            )
        return ConnectionLost(
            f"The connection to the team server {path} was lost (the server restarted or the "
            "network dropped): this change was not saved. Try again; the app reconnects."
        )
    server_error = _server_error(exc, original)
    if server_error is not None:
        return _by_sqlstate(server_error, path)
    return _by_sqlite_text(str(original if original is not None else exc).lower(), path)


@contextmanager
def explained(
    where: Path | str, *, file: Path | None = None, committing: Callable[[], bool] = lambda: False
) -> Iterator[None]:
    """Turn a database failure inside the block into its one line (``user_error_for``) for
    work outside ``Database.session``: a raw connection's transaction, an upgrade, a copy
    between a server and a file. ``file``, when given, is named for SQLite's failures (the
    file being written) and ``where`` for the server's; ``committing`` tells whether the
    block had reached its COMMIT. Anything else passes unchanged."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        is_sqlite = isinstance(getattr(exc, "orig", exc), sqlite3.Error)
        translated = user_error_for(
            exc, file if file is not None and is_sqlite else where, committing=committing()
        )
        if translated is None:
            raise
        raise translated from exc


@contextmanager
def one_transaction(
    engine: Engine, where: Path | str, *, file: Path | None = None, uncertain: str
) -> Iterator[Connection]:
    """A connection in one transaction, committed when the block ends, its failures one
    line (``explained``). A connection that breaks during the COMMIT itself leaves it open
    whether the server stored the work: ``ChangeUncertain`` saying ``uncertain``."""
    reached_commit = False
    try:
        with (
            explained(where, file=file, committing=lambda: reached_commit),
            engine.connect() as connection,
            connection.begin(),
        ):
            yield connection
            reached_commit = True  # the ``begin`` block's end commits
    except ChangeUncertain as exc:
        raise ChangeUncertain(uncertain) from exc.__cause__


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, (DBAPIError, sqlite3.Error)) or hasattr(exc, "sqlstate")


def not_yours(what: str, owner: str | None) -> NotPermitted:
    """A save of a row on another CSM's account that the server's row-level security turned
    into an UPDATE of no row (``store.queries.edits.saving_all`` finds it: no row moved)."""
    whose = f"{owner}'s" if owner else "another CSM's"
    return NotPermitted(
        f"{what} is on {whose} account: row-level security on the team server lets you read "
        "it but change only the accounts you own. Nothing was saved; ask its owner or your "
        "team lead."
    )


def _by_sqlite_text(text: str, path: Path | str) -> UserError | None:
    if "locked" in text or "busy" in text:
        return DatabaseLocked(
            f"The book {path} is locked by another program. Close the other CSM Desktop "
            "window (or the program using the file) and try again."
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return DatabaseReadOnly(
            f"The book {path} cannot be written (read-only file or folder). Nothing was "
            "changed; copy the file to a writable folder and open it from there."
        )
    if "disk is full" in text or "disk i/o" in text:
        return DatabaseFull(
            f"Saving to {path} failed: the disk is full or failing. Nothing was changed; "
            "free some space and try again."
        )
    if "unable to open database file" in text:
        return DatabaseReadOnly(
            f"The book {path} cannot be opened: its file or folder cannot be read or written "
            "here (permissions, or a read-only disk). Nothing was changed; copy it to a "
            "folder of yours and open it from there."
        )
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return DatabaseUnreadable(
            f"{path} is damaged or is not a CSM Desktop book. Restore a backup "
            "(File → Restore…) or open another file."
        )
    return None


# What a unique constraint of the book protects, named for the one who was second: by
# constraint where a table has several, else by table (models/base.py names constraints).
_CREATED_BY_CONSTRAINT = {
    "uq_account_name": "An account of that name",
    "uq_account_external_id": "An account with that external ID",
}
_CREATED_BY_TABLE = {
    "account": "That account",
    "kickoff": "This account's kickoff",
    "value_metric": "A value metric of that name on this account",
    "renewal": "A renewal on that day for this account",
    "feature": "A feature of that name",
    "usage_feature": "A feature of that name",
    "role": "A role of that name",
    "playbook": "A playbook of that name",
    "milestone_template": "A milestone template of that role and title",
    "experiment": "An experiment of that name",
    "variant": "A variant of that name",
}
# Tables whose rows carry a version (``models.base.Versioned``): a row just created is at 1.
_VERSIONED = {"account", "account_milestone", "kickoff", "value_metric"}

# SQLSTATEs (PostgreSQL appendix A) of a transaction that collided with another one at the
# same moment: serialization failure, deadlock, a lock not available (lock_timeout).
_COLLIDED = ("40001", "40P01", "55P03")


def _by_sqlstate(error: BaseException, path: Path | str) -> UserError | None:
    state = getattr(error, "sqlstate", None)
    diag = getattr(error, "diag", None)
    if state == "23505":  # unique_violation
        table = getattr(diag, "table_name", None) or ""
        constraint = getattr(diag, "constraint_name", None) or ""
        what = _CREATED_BY_CONSTRAINT.get(constraint) or _CREATED_BY_TABLE.get(
            table, "The same entry"
        )
        return AlreadyCreated(what, 1 if table in _VERSIONED else None)
    if state == "23503":  # foreign_key_violation: what it refers to is gone
        return BadInput(
            f"What this change refers to on the team server {path} was just deleted by someone "
            "else: nothing was saved. Reload to see it."
        )
    if state in _COLLIDED:
        return ServerBusy(
            f"The team server {path} was busy with a colleague's change to the same rows at "
            "the same moment: nothing was saved. Try again."
        )
    if state == "57014":  # query_canceled: a statement_timeout, or an admin cancelled it
        return ServerBusy(
            f"The team server {path} stopped this work before it finished (it ran past the "
            "server's time limit, or an admin cancelled it): nothing was saved. Try again; "
            "tell your admin if it keeps happening."
        )
    if state == "42501":  # insufficient_privilege, and row-level security's WITH CHECK
        said = _first_line(error)
        if "row-level security" in said:
            return NotPermitted(
                f"The team server {path} refused this change: you may change only the "
                "accounts you own (row-level security), not add to or hand over another "
                "CSM's. Nothing was saved; ask the account's owner or your team lead."
            )
        return NotPermitted(
            f"The team server {path} refused this change: your sign-in may not make it "
            f"({said}). Nothing was saved; ask your team lead or the schema owner."
        )
    if state == "25006":  # read_only_sql_transaction
        return DatabaseReadOnly(
            f"The team server {path} only reads right now (a read-only standby, or the "
            "database is set read-only): nothing was saved. Try again later, or ask your "
            "admin which server takes changes."
        )
    if state in ("53100", "53200", "53300"):  # disk full, out of memory, too many connections
        return DatabaseFull(
            f"The team server {path} is out of room ({_first_line(error)}): nothing was "
            "saved. Try again later, and tell your admin if it persists."
        )
    return None


def _first_line(error: BaseException) -> str:
    diag = getattr(error, "diag", None)
    said = getattr(diag, "message_primary", None) or str(error)
    return said.strip().splitlines()[0] if said.strip() else "no reason given"


def _server_error(exc: BaseException, original: object) -> BaseException | None:
    """The PostgreSQL driver's error behind ``exc`` (psycopg errors carry ``sqlstate``),
    wrapped by SQLAlchemy or raw (``COPY`` in ``store/transfer.py``); None for SQLite."""
    for candidate in (original, exc):
        if isinstance(candidate, BaseException) and hasattr(candidate, "sqlstate"):
            return candidate
    return None


# SQLSTATEs of a connection that broke or a server going away: class 08 (connection
# exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now).
_GONE_STATES = ("08", "57P01", "57P02", "57P03")


def _connection_lost(exc: BaseException, original: object) -> bool:
    """True for a team server's connection that broke: SQLAlchemy saw a disconnect (and
    dropped the pool's connections, so the next session connects afresh), the server said
    it is shutting down, or the driver's own connection is closed (a raw ``COPY``). Never
    for SQLite."""
    if isinstance(original, sqlite3.Error) or isinstance(exc, sqlite3.Error):
        return False
    if getattr(exc, "connection_invalidated", False):
        return True
    error = _server_error(exc, original)
    if error is None:
        return False
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str):
        return state.startswith(_GONE_STATES)
    # A raw psycopg error without a state: lost when its connection is now closed.
    connection = getattr(getattr(error, "pgconn", None), "status", None)
    return type(error).__name__ == "OperationalError" and connection is not None and connection != 0
