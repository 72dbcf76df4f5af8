"""Faults a laptop meets: a read-only book, a full disk, a damaged file.

Each gives the CSM one clear ``UserError`` and loses nothing that was saved. Tests run as
root in CI, where file permissions are not enforced, so read-only is exercised through the
app's own read-only mode (SQLite ``query_only``) and a full disk through SQLite's
``max_page_count``; the chmod variant runs only where permissions bite.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from csm_desktop.errors import DatabaseReadOnly, DatabaseUnreadable
from csm_desktop.services import backups as service
from csm_desktop.services.demo import create_demo_book
from csm_desktop.store.backups import integrity_ok
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, UsageEvent

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def demo(db_path: Path, demo_template: Callable[[dt.date], Path]) -> Iterator[Database]:
    shutil.copyfile(demo_template(TODAY), db_path)
    book = open_database(db_path)
    yield book
    book.close()


def account_count(book: Database) -> int:
    with book.session() as session:
        return int(session.scalar(select(func.count()).select_from(Account)) or 0)


# --- read-only ------------------------------------------------------------------------------


def test_writing_to_a_book_opened_read_only_says_so_and_changes_nothing(
    demo: Database, db_path: Path
) -> None:
    before = account_count(demo)
    read_only = open_database(db_path, read_only=True)
    try:
        with (
            pytest.raises(DatabaseReadOnly, match="cannot be written") as caught,
            read_only.session() as session,
        ):
            session.add(Account(name="Should not be stored"))
        assert "\n" not in str(caught.value)
        assert account_count(read_only) == before
    finally:
        read_only.close()
    assert integrity_ok(db_path)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_book_in_a_read_only_folder_cannot_be_written(demo: Database, db_path: Path) -> None:
    demo.close()
    db_path.chmod(0o444)
    db_path.parent.chmod(0o555)
    try:
        book = open_database(db_path)
        try:
            with pytest.raises(DatabaseReadOnly), book.session() as session:
                session.add(Account(name="Should not be stored"))
        finally:
            book.close()
    finally:
        db_path.parent.chmod(0o755)
        db_path.chmod(0o644)


# --- full disk ----------------------------------------------------------------------------------


def test_full_disk_during_a_big_write_says_so_and_stores_nothing(book: Database) -> None:
    def no_room_to_grow(connection: Any, _record: Any, _proxy: Any) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 5}")

    event.listen(book.engine, "checkout", no_room_to_grow)
    try:
        with pytest.raises(DatabaseReadOnly, match=r"the disk is full or failing\. Nothing"):
            create_demo_book(book, today=TODAY)
    finally:
        event.remove(book.engine, "checkout", no_room_to_grow)
        with book.session() as session:
            session.execute(text("PRAGMA max_page_count = 1073741823"))

    assert account_count(book) == 0
    create_demo_book(book, today=TODAY)  # with room again, the same work succeeds
    assert account_count(book) == 48
    assert integrity_ok(book.path)


# --- a damaged file --------------------------------------------------------------------------


def damage(path: Path, offset: int, length: int = 8192) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(b"\xde\xad\xbe\xef" * (length // 4))


def middle_page(path: Path) -> int:
    return path.stat().st_size // 2 // 4096 * 4096


def test_damaged_book_is_found_and_the_newest_sound_backup_is_offered(
    demo: Database, db_path: Path
) -> None:
    made = service.back_up_now(demo)
    demo.close()
    damage(db_path, middle_page(db_path))

    assert not integrity_ok(db_path)
    offered = service.newest_sound_backup(db_path)
    assert offered is not None and offered.path == made

    service.restore_file(db_path, offered.path)
    book = open_database(db_path)
    try:
        assert account_count(book) == 48
    finally:
        book.close()
    assert integrity_ok(db_path)


def test_damaged_book_left_open_by_a_crash_is_refused_on_open(db_path: Path) -> None:
    book = open_database(db_path)
    create_demo_book(book, today=TODAY)
    book.close()
    # A program that writes and then dies without closing: its WAL stays beside the book.
    crash = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "c.execute('PRAGMA journal_mode=WAL');"
        "c.execute(\"UPDATE account SET owner = 'Crash' WHERE id = 1\"); c.commit();"
        "os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crash, str(db_path)], check=True, timeout=60)
    assert Path(f"{db_path}-wal").stat().st_size > 0
    damage(db_path, middle_page(db_path))

    with pytest.raises(DatabaseUnreadable, match="is damaged and cannot be read") as caught:
        open_database(db_path)
    assert "Restore a backup (File → Restore…)" in str(caught.value)


def test_reading_a_damaged_table_is_a_clear_error_not_a_traceback(
    demo: Database, db_path: Path
) -> None:
    with demo.session() as session:
        usage = session.scalar(select(func.count()).select_from(UsageEvent))
    assert usage and usage > 1000
    conn = sqlite3.connect(db_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'usage_event'").fetchone()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    demo.close()
    damage(db_path, (root[0] - 1) * page_size, page_size)

    book = open_database(db_path)  # page 1 and the schema are intact: it opens
    try:
        with (
            pytest.raises(DatabaseUnreadable, match="is damaged or is not a CSM Desktop book"),
            book.session() as session,
        ):
            session.scalars(select(UsageEvent)).all()
    finally:
        book.close()
