"""Copies of the book made with SQLite's online backup API, kept beside the book, and restore.

The backup API copies a consistent snapshot even while the app has the book open, which a
plain file copy of a WAL database does not guarantee. Restoring writes a checked backup back
into the book through the same API, after copying the current file aside, so a restore can
itself be undone.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

from csm_desktop.errors import DatabaseUnreadable
from csm_desktop.safe_output import write_output_file

KEEP_DAILY = 7


def backup_dir(database_path: Path) -> Path:
    return database_path.parent / f"{database_path.stem}-backups"


def read_only_uri(path: Path) -> str:
    """An SQLite URI opening ``path`` read-only; quoted, so ``#``, ``?`` and ``%`` in a
    file name stay part of the name."""
    return f"file:{quote(str(Path(path).absolute()))}?mode=ro"


def back_up(database_path: Path, *, reason: str = "manual", target: Path | None = None) -> Path:
    """Write a consistent copy of the book and return its path.

    The copy is private (0600) and written through ``write_output_file``: a backup never
    replaces a book or another backup, and a failed copy leaves no half-written file.
    """
    chosen_by_user = target is not None
    if target is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir(database_path)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{database_path.stem}-{stamp}-{reason}.sqlite3"
        number = 1
        while target.exists():  # two backups in the same second keep both
            number += 1
            target = folder / f"{database_path.stem}-{stamp}-{reason}-{number}.sqlite3"

    def copy(destination_path: Path) -> None:
        copy_database(database_path, destination_path)

    return write_output_file(target, copy, chosen_by_user=chosen_by_user, private=True)


def list_backups(database_path: Path) -> list[Path]:
    """Backups of this book, newest first."""
    folder = backup_dir(database_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{database_path.stem}-*.sqlite3"), reverse=True)


def integrity_ok(path: Path) -> bool:
    """True when SQLite's ``integrity_check`` finds nothing wrong with the file."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            row = conn.execute("PRAGMA integrity_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return bool(row) and row[0] == "ok"


def back_up_daily(database_path: Path, today: dt.date) -> Path | None:
    """Make today's automatic backup unless one exists; keep the last ``KEEP_DAILY``."""
    daily = [p for p in list_backups(database_path) if p.stem.endswith("-daily")]
    if any(today.strftime("%Y%m%d") in p.stem for p in daily):
        return None
    made = back_up(database_path, reason="daily")
    prune_backups(database_path, "daily", KEEP_DAILY)
    return made


def prune_backups(database_path: Path, reason: str, keep: int) -> None:
    """Delete all but the newest ``keep`` backups made for ``reason``."""
    made = [p for p in list_backups(database_path) if p.stem.endswith(f"-{reason}")]
    for old in made[keep:]:
        old.unlink(missing_ok=True)


def restore_backup(backup: Path, database_path: Path) -> Path | None:
    """Replace the book at ``database_path`` with ``backup``; return the copy of the old book.

    The caller closes every connection to the book first (``Database.close()`` and any
    worker); SQLite cannot tell an open connection in this process that its pages changed.
    The backup is checked before anything is touched (``DatabaseUnreadable`` when it is
    damaged or not a book); the current file is copied aside (reason ``before-restore``),
    through the backup API when it can still be read, else byte for byte; then the backup
    is written into the book with the backup API, which keeps SQLite's journal and WAL
    consistent. A book too damaged to be opened is replaced on disk instead.
    """
    backup, database_path = Path(backup), Path(database_path)
    if not backup.is_file() or not integrity_ok(backup):
        raise DatabaseUnreadable(
            f"The backup {backup} is damaged or is not a book; nothing was changed. "
            "Choose another backup."
        )
    safety_copy = _copy_aside(database_path) if database_path.exists() else None
    try:
        _write_into(backup, database_path)
    except sqlite3.DatabaseError:
        _replace_file(backup, database_path)
    if not integrity_ok(database_path):  # pragma: no cover - would be an SQLite bug
        raise DatabaseUnreadable(
            f"Restoring {backup} into {database_path} did not give a sound book. The book "
            f"as it was is kept in {safety_copy}."
        )
    return safety_copy


def _copy_bytes(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def _copy_aside(database_path: Path) -> Path:
    try:
        return back_up(database_path, reason="before-restore")
    except sqlite3.DatabaseError:  # too damaged for SQLite: keep its bytes as they are
        folder = backup_dir(database_path)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = write_output_file(
            folder / f"{database_path.stem}-{stamp}-before-restore-damaged.sqlite3",
            lambda partial: _copy_bytes(database_path, partial),
            chosen_by_user=False,
            private=True,
        )
        wal = Path(f"{database_path}-wal")
        if wal.exists():
            shutil.copy2(wal, Path(f"{target}-wal"))
        return target


def _write_into(backup: Path, database_path: Path) -> None:
    source = sqlite3.connect(read_only_uri(backup), uri=True)
    try:
        destination = sqlite3.connect(database_path)
        try:
            source.backup(destination)
            destination.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            destination.close()
    finally:
        source.close()


def _replace_file(backup: Path, database_path: Path) -> None:
    """Put a copy of ``backup`` in place of an unreadable book, atomically, and drop the
    book's WAL and shared-memory files, which belong to the old file."""
    partial = database_path.with_name(f".{database_path.name}.restoring")
    copy_database(backup, partial)
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database_path}{suffix}").unlink(missing_ok=True)
    os.replace(partial, database_path)


__all__ = [
    "KEEP_DAILY",
    "back_up",
    "back_up_daily",
    "backup_dir",
    "integrity_ok",
    "list_backups",
    "prune_backups",
    "read_only_uri",
    "restore_backup",
]


def copy_database(source_path: Path, destination_path: Path) -> None:
    """A consistent copy of the SQLite file at ``source_path`` (read-only, through SQLite's
    online backup, so a book in use by a window is copied as of one moment)."""
    source = sqlite3.connect(read_only_uri(source_path), uri=True)
    try:
        destination = sqlite3.connect(destination_path)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
