"""Backups as the CSM sees them: back up now, restore a backup, and a daily copy on open.

The window and the CLI call these; the store does the copying. A restore closes the open
book, writes the backup into the file and opens it again, so the caller simply carries on
with the returned ``Database``. A book that can no longer be opened is offered its newest
backup that is still sound (``newest_sound_backup``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from csm_desktop.errors import DatabaseFull, DatabaseReadOnly
from csm_desktop.store import backups as store
from csm_desktop.store.database import (
    Database,
    check_database_file,
    open_database,
    user_error_for,
)

log = logging.getLogger(__name__)

_STAMP = re.compile(r"-(\d{8}-\d{6})-(.+)$")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file, for a list the CSM picks from."""

    path: Path
    made_at: dt.datetime | None
    reason: str
    size_bytes: int

    @property
    def label(self) -> str:
        """``2026-06-30 09:15 · daily · 1.2 MB``."""
        when = self.made_at.strftime("%Y-%m-%d %H:%M") if self.made_at else self.path.name
        return f"{when} · {self.reason} · {self.size_bytes / 1_000_000:.1f} MB"


@dataclass(frozen=True, slots=True)
class Restored:
    """The book after a restore, and where the book as it was before went."""

    database: Database
    previous_copy: Path | None


def backups_of(database_path: Path) -> list[BackupInfo]:
    """The book's backups, newest first."""
    found = []
    for path in store.list_backups(Path(database_path)):
        match = _STAMP.search(path.stem)
        made_at = reason = None
        if match:
            made_at = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            reason = match.group(2)
        found.append(BackupInfo(path, made_at, reason or "backup", path.stat().st_size))
    return found


def back_up_now(database: Database, *, reason: str = "manual") -> Path:
    """A copy of the open book, made now, beside it (File → Back up now…).

    A server book has no file to copy: its copy is the book workbook, written to the
    ``server-backups`` folder of the user data folder (the server itself is backed up with
    ``pg_dump``, docs/team_mode.md).
    """
    if database.path is None:
        return _back_up_server_book(database, reason)
    try:
        return store.back_up(database.path, reason=reason)
    except (OSError, sqlite3.DatabaseError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        kind = (
            DatabaseFull
            if isinstance(user_error_for(exc, database.path), DatabaseFull)
            else DatabaseReadOnly
        )
        raise kind(
            f"The backup of {database.path} could not be written to "
            f"{store.backup_dir(database.path)} ({why}). Nothing was changed; free some space "
            "or make the folder writable, then try again."
        ) from exc


def _back_up_server_book(database: Database, reason: str) -> Path:
    from csm_desktop.paths import user_data_dir
    from csm_desktop.services.book_export import export_book

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = user_data_dir() / "server-backups" / f"{database.name}-{stamp}-{reason}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    return export_book(database, target, usage="split").path


KEEP_BEFORE_IMPORT = 7


def back_up_before_import(database: Database) -> Path | None:
    """A copy of a book that holds accounts, made before an import changes it.

    The window's daily copy covers a CSM at the window; a scripted import gets its own, so
    an import that turns out wrong can always be undone (File → Restore…). An empty book
    needs none. The last ``KEEP_BEFORE_IMPORT`` are kept. A copy that cannot be written
    stops the import (``OutputNotWritten``/``DatabaseReadOnly``): nothing is changed unprotected.
    """
    from csm_desktop.store.queries.accounts import account_count

    with database.session() as session:
        if not account_count(session):
            return None
    made = back_up_now(database, reason="before-import")
    if database.path is not None:
        store.prune_backups(database.path, "before-import", KEEP_BEFORE_IMPORT)
    return made


def back_up_on_open(database: Database, today: dt.date) -> Path | None:
    """Today's automatic backup, once a day; the last seven are kept.

    Never stops the book from opening: a read-only book is skipped and a failure is logged.
    """
    if database.read_only or database.path is None:  # a server is backed up by pg_dump
        return None
    try:
        return store.back_up_daily(database.path, today)
    except Exception:  # a missed daily copy must not keep the CSM from working
        log.warning("Daily backup of %s failed", database.path, exc_info=True)
        return None


def restore(database: Database, backup: Path) -> Restored:
    """Replace the open book with ``backup`` and return the book opened again.

    The caller stops its background work first and uses only the returned ``Database``
    afterwards. Nothing changes when the backup is damaged, not a book
    (``DatabaseUnreadable``) or from a newer version (``DatabaseTooNew``); then ``database``
    stays usable. The book as it was is kept as a ``before-restore`` backup.
    """
    check_database_file(Path(backup))
    path = database.file_path
    # Drop the connections but keep the book protected from exports: the engine opens fresh
    # connections if it is used again after a failure, and the book is still open then.
    database.engine.dispose()
    previous = store.restore_backup(Path(backup), path)
    return Restored(open_database(path), previous)


def restore_file(database_path: Path, backup: Path) -> Path | None:
    """Restore ``backup`` into a book that is not open (e.g. one too damaged to open).

    Returns the copy of the file as it was.
    """
    check_database_file(Path(backup))
    return store.restore_backup(Path(backup), Path(database_path))


def newest_sound_backup(database_path: Path) -> BackupInfo | None:
    """The newest backup that passes SQLite's integrity check, to offer for a damaged book."""
    for info in backups_of(database_path):
        if info.reason.startswith("before-restore"):
            continue  # the copy of a book that was being replaced, maybe the damaged one
        if store.integrity_ok(info.path):
            return info
    return None


__all__ = [
    "BackupInfo",
    "Restored",
    "back_up_before_import",
    "back_up_now",
    "back_up_on_open",
    "backups_of",
    "newest_sound_backup",
    "restore",
    "restore_file",
]
