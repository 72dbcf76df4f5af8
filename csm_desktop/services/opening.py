"""Opening a book: the one way the window start, File → Open and the CLI get a ``Database``.

A window holds a lock file beside the book so that only one window writes it (a second may
open it read-only); a book on a network drive deserves a warning; a damaged book may be
replaced by its newest sound backup, but only when the user agrees. The user-facing parts
(asking, warning) stay in the UI; the rules and their order live here.

One writer per book, for real: a command opening a book for writing (``open_book``) takes
the same lock the window holds, for as long as the book is open, and waits for it up to
``wait_for_book_locks`` seconds (``--wait``); ``open_book_for_reading`` takes no lock and
writes nothing, so reading works beside a window and on a read-only or full disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from csm_desktop.errors import (
    BadInput,
    DatabaseReadOnly,
    DatabaseUnreadable,
    OfflineCopy,
    UserError,
)
from csm_desktop.services import backups
from csm_desktop.store.authorship import ask_author_again, author
from csm_desktop.store.database import Database, check_database_file, open_database
from csm_desktop.store.lock import BookLock, acquire_book_lock, is_network_path
from csm_desktop.store.schema import SCHEMA_HEAD
from csm_desktop.store.server import (
    PasswordNeeded,
    is_server_url,
    keyring_name,
    open_server_database,
    remember_password,
    safe_text,
    server_url,
    upgrade_server,
)

__all__ = [
    "BookLock",
    "Database",
    "OpenBook",
    "PasswordNeeded",
    "RestoreOffer",
    "book_is_free",
    "is_team_address",
    "names_may_have_changed",
    "on_network_drive",
    "open_book",
    "open_book_for_reading",
    "open_database",
    "open_for_window",
    "open_team_book",
    "open_team_book_for_window",
    "remember_team_password",
    "shown_address",
    "signed_in_name",
    "team_address",
    "team_login",
    "upgrade_team_book",
    "wait_for_book_locks",
]

_lock_wait_seconds = 0.0


def wait_for_book_locks(seconds: float) -> None:
    """How long ``open_book`` waits for a book someone else has open (``--wait SECONDS``)."""
    global _lock_wait_seconds
    _lock_wait_seconds = max(float(seconds), 0.0)


RestoreOffer = Callable[[DatabaseUnreadable, backups.BackupInfo], bool]
"""Asked when the book is damaged and a sound backup exists: restore it (the damaged file is
kept aside)? True restores and opens the backup; False leaves the error to the caller."""


@dataclass
class OpenBook:
    """An open book and, when this program may write it, the lock that says so."""

    database: Database
    lock: BookLock | None

    @property
    def read_only(self) -> bool:
        return self.lock is None

    def close(self) -> None:
        self.database.close()
        if self.lock is not None:
            self.lock.release()


def on_network_drive(path: Path) -> bool:
    """True for a book on a network drive, where file locking cannot be trusted."""
    return is_network_path(path)


def open_for_window(
    path: Path, *, read_only: bool = False, offer_restore: RestoreOffer | None = None
) -> OpenBook:
    """The book at ``path`` for a window: locked for writing (unless ``read_only``), migrated.

    Raises ``DatabaseLocked`` when another window writes it, ``DatabaseReadOnly`` when its
    folder cannot be written (the caller may try ``read_only``), ``DatabaseUnreadable`` for a
    damaged file unless ``offer_restore`` accepts its newest sound backup. Nothing stays
    locked when it raises.
    """
    path = Path(path).expanduser().resolve()
    lock = None if read_only else acquire_book_lock(path)
    try:
        return OpenBook(_open_or_restore(path, read_only, offer_restore), lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _open_or_restore(path: Path, read_only: bool, offer_restore: RestoreOffer | None) -> Database:
    try:
        return open_database(path, read_only=read_only)
    except DatabaseUnreadable as exc:
        offered = backups.newest_sound_backup(path) if offer_restore is not None else None
        if offered is None or offer_restore is None or not offer_restore(exc, offered):
            raise
        backups.restore_file(path, offered.path)
        return open_database(path, read_only=read_only)


@contextmanager
def open_book(path: Path, *, read_only: bool = False) -> Iterator[Database]:
    """The book at ``path`` for one command or test, migrated and ready; closed again on exit.

    Opened for writing, it holds the window's lock throughout (``DatabaseLocked`` when the
    book stays in use by a window or another command for ``wait_for_book_locks`` seconds):
    a command must never change a book a window shows, nor run two imports at once. The
    book's folder is created if missing.
    """
    if read_only:
        database = open_database(path, read_only=True)
        try:
            yield database
        finally:
            database.close()
        return
    path = Path(path).expanduser().resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseReadOnly(
            f"Cannot create the folder {path.parent}: {exc.strerror}. Choose another place."
        ) from exc
    lock = acquire_book_lock(path, wait_seconds=_lock_wait_seconds)
    try:
        database = open_database(path)
        try:
            yield database
        finally:
            database.close()
    finally:
        lock.release()


@contextmanager
def open_book_for_reading(path: Path) -> Iterator[Database]:
    """The book at ``path`` for work that only reads it (metrics, reports, export).

    Read-only: no lock, no file created or changed, so it works while a window has the book
    open and on a read-only or full disk; an empty or missing file is refused
    (``DatabaseUnreadable``). A book of an older version is upgraded first, which writes.
    """
    revision = check_database_file(Path(path).expanduser().resolve())
    if revision is not None and revision != SCHEMA_HEAD:
        try:
            with open_book(path):
                pass  # the upgrade (with its backup) runs on opening
        except OfflineCopy:
            pass  # upgraded all the same; it is only ever read
    with open_book(path, read_only=True) as database:
        yield database


def book_is_free(path: Path) -> bool:
    """True when no window holds the book's lock now (a read-only window may take it over)."""
    try:
        lock = acquire_book_lock(Path(path).expanduser().resolve())
    except UserError:
        return False
    lock.release()
    return True


def is_team_address(text: str) -> bool:
    """True when ``--db`` names a team server (``postgresql+psycopg://…``), not a file."""
    return is_server_url(text)


@contextmanager
def open_team_book(address: str) -> Iterator[Database]:
    """The team book on the server at ``address`` for one command; closed again on exit.

    No lock file: the server arbitrates between writers. The schema must be this app's
    (``upgrade_team_book`` is the schema owner's job).
    """
    database = open_server_database(address)
    try:
        yield database
    finally:
        database.close()


def upgrade_team_book(address: str) -> tuple[str | None, str]:
    """Create or upgrade the team book's schema on the server; ``(from, to)`` revisions.

    For the schema-owner role only: a CSM's own role may not alter tables.
    """
    return upgrade_server(server_url(address))


SSL_MODES = ("prefer", "require", "verify-full", "disable")
"""libpq's ``sslmode`` values the Connect dialog offers (``prefer`` is libpq's default)."""


def team_address(host: str, port: int, database: str, user: str, sslmode: str = "prefer") -> str:
    """The address of a team book from the Connect dialog's fields (no password, ever)."""
    from sqlalchemy.engine import URL

    fields = {"server": host.strip(), "database": database.strip(), "user": user.strip()}
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise BadInput(f"Give the {' and the '.join(missing)} of the team book.")
    if not 0 < port < 65536:
        raise BadInput(f"{port} is not a port; PostgreSQL listens on 5432 unless told otherwise.")
    if sslmode not in SSL_MODES:
        raise BadInput(f"{sslmode!r} is not an SSL mode; use one of {', '.join(SSL_MODES)}.")
    url = URL.create(
        "postgresql+psycopg",
        username=fields["user"],
        host=fields["server"],
        port=port,
        database=fields["database"],
        query={"sslmode": sslmode} if sslmode != "prefer" else {},
    )
    return url.render_as_string(hide_password=False)


def team_login(address: str) -> str:
    """``user@host:port/database``: how the window names a login (and the keychain entry)."""
    return keyring_name(server_url(address))


def open_team_book_for_window(address: str, password: str | None = None) -> Database:
    """The team book at ``address`` for a window; closed by the window.

    ``password`` is the one the user typed (else the keychain, else libpq's password file).
    ``PasswordNeeded`` when the server wants one it was not given or refused it. The
    returned book's ``server`` is the address without any password.
    """
    return open_server_database(address, password)


def remember_team_password(address: str, password: str) -> None:
    """Keep the typed password in the system keychain (``UserError`` without a keychain)."""
    remember_password(address, password)


def shown_address(address: str) -> str:
    """``address`` as messages and settings may show it: never with a password."""
    return safe_text(server_url(address))


def signed_in_name(database: Database) -> str | None:
    """On a team server's book, the name of the CSM signed in (``store.authorship``: their
    role's ``team_member`` name, else the owner the role spells, else the role); the window
    opens the Book and Today on that owner's accounts. None on a file: a CSM's own book."""
    if database.server is None:
        return None
    with database.session() as session:
        return author(session)


def names_may_have_changed(database: Database) -> None:
    """A teammate changed something every account shares (a live ``*`` notice), perhaps
    the names shown for the team's roles: the next change, and ``signed_in_name``, ask
    again who is signed in."""
    ask_author_again(database.engine)
