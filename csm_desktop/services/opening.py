"""Opening a book: the one way the window start, File → Open and the CLI get a ``Database``.

A window holds a lock file beside the book so that only one window writes it (a second may
open it read-only); a book on a network drive deserves a warning; a damaged book may be
replaced by its newest sound backup, but only when the user agrees. The user-facing parts
(asking, warning) stay in the UI; the rules and their order live here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from csm_desktop.errors import DatabaseUnreadable
from csm_desktop.services import backups
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.lock import BookLock, acquire_book_lock, is_network_path

__all__ = [
    "BookLock",
    "Database",
    "OpenBook",
    "RestoreOffer",
    "on_network_drive",
    "open_book",
    "open_database",
    "open_for_window",
]

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

    No window lock: a command's transactions are short and SQLite's own locking (with its
    busy timeout) keeps them whole next to an open window.
    """
    database = open_database(path, read_only=read_only)
    try:
        yield database
    finally:
        database.close()
