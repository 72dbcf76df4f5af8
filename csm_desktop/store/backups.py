"""Copies of the book made with SQLite's online backup API, kept beside the book.

The backup API copies a consistent snapshot even while the app has the book open, which a
plain file copy of a WAL database does not guarantee.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

KEEP_DAILY = 7


def backup_dir(database_path: Path) -> Path:
    return database_path.parent / f"{database_path.stem}-backups"


def back_up(database_path: Path, *, reason: str = "manual", target: Path | None = None) -> Path:
    """Write a consistent copy of the book and return its path."""
    if target is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir(database_path)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{database_path.stem}-{stamp}-{reason}.sqlite3"
    source = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def list_backups(database_path: Path) -> list[Path]:
    """Backups of this book, newest first."""
    folder = backup_dir(database_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{database_path.stem}-*.sqlite3"), reverse=True)


def integrity_ok(path: Path) -> bool:
    """True when SQLite's ``integrity_check`` finds nothing wrong with the file."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
    for old in [p for p in list_backups(database_path) if p.stem.endswith("-daily")][KEEP_DAILY:]:
        old.unlink(missing_ok=True)
    return made
