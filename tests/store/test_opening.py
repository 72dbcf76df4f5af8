"""Opening a book for a window: one service for the window start and File → Open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csm_desktop.errors import DatabaseLocked, DatabaseUnreadable
from csm_desktop.services import backups
from csm_desktop.services.opening import open_for_window
from csm_desktop.store.lock import acquire_book_lock
from csm_desktop.store.models import Account

TODAY = dt.date(2026, 6, 30)


def accounts_in(path: Path) -> int:
    opened = open_for_window(path, read_only=True)
    try:
        with opened.database.session() as session:
            return int(session.scalar(select(func.count()).select_from(Account)) or 0)
    finally:
        opened.close()


def damage(path: Path) -> None:
    """Overwrite the file's header: SQLite no longer recognises it at all."""
    with path.open("r+b") as handle:
        handle.write(b"\xde\xad\xbe\xef" * 32)


def test_a_window_holds_the_lock_until_it_closes_the_book(
    demo_copy: Callable[[dt.date], Path],
) -> None:
    path = demo_copy(TODAY)
    opened = open_for_window(path)
    assert not opened.read_only
    with pytest.raises(DatabaseLocked):
        open_for_window(path)  # a second window may not write it
    second = open_for_window(path, read_only=True)  # but may read it
    assert second.read_only
    second.close()
    opened.close()
    acquire_book_lock(path).release()  # free again


def test_a_damaged_book_is_restored_only_when_the_user_agrees(
    demo_copy: Callable[[dt.date], Path],
) -> None:
    path = demo_copy(TODAY)
    opened = open_for_window(path)
    backups.back_up_now(opened.database)
    opened.close()
    damage(path)
    asked: list[str] = []

    def decline(exc: DatabaseUnreadable, offered: backups.BackupInfo) -> bool:
        asked.append(str(exc))
        return False

    with pytest.raises(DatabaseUnreadable):
        open_for_window(path, offer_restore=decline)
    assert len(asked) == 1
    acquire_book_lock(path).release()  # the failed open left nothing locked

    restored = open_for_window(path, offer_restore=lambda _exc, _offered: True)
    restored.close()
    assert accounts_in(path) == 48  # the demo book's accounts, from the backup
