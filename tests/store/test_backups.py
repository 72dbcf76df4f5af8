"""Backups and restore: a checked backup replaces the book, and the old book is kept aside."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.errors import DatabaseTooNew, DatabaseUnreadable
from csm_desktop.services import backups as service
from csm_desktop.store.backups import (
    back_up,
    backup_dir,
    integrity_ok,
    list_backups,
    restore_backup,
)
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account

pytestmark = pytest.mark.file_book  # copies of the SQLite file; a server book has pg_dump


def add_account(book: Database, name: str) -> None:
    with book.session() as session:
        session.add(Account(name=name, kickoff_on=dt.date(2026, 1, 5)))


def account_names(book: Database) -> list[str]:
    with book.session() as session:
        return list(session.scalars(select(Account.name).order_by(Account.name)))


def corrupt_middle(path: Path) -> None:
    """Overwrite 8 KB in the middle of the file with junk, as a failing disk would."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(b"\xde\xad\xbe\xef" * 2048)


def test_restore_puts_the_backup_back_and_keeps_the_book_as_it_was(
    book: Database, db_path: Path
) -> None:
    add_account(book, "Northwind")
    backup = back_up(db_path, reason="manual")
    add_account(book, "Contoso")
    book.close()

    previous = restore_backup(backup, db_path)

    reopened = open_database(db_path)
    try:
        assert account_names(reopened) == ["Northwind"]
    finally:
        reopened.close()
    assert previous is not None and previous.name.endswith("-before-restore.sqlite3")
    kept = open_database(previous, read_only=True)
    try:
        assert account_names(kept) == ["Contoso", "Northwind"]
    finally:
        kept.close()
    assert integrity_ok(db_path)


def test_damaged_backup_is_refused_and_the_book_is_untouched(
    book: Database, db_path: Path, tmp_path: Path
) -> None:
    add_account(book, "Northwind")
    backup = back_up(db_path, target=tmp_path / "copy.sqlite3")
    for number in range(200):  # a backup big enough to have a middle to damage
        add_account(book, f"Account {number:03d} " + "x" * 200)
    big = back_up(db_path, target=tmp_path / "big.sqlite3")
    corrupt_middle(big)
    book.close()

    with pytest.raises(DatabaseUnreadable, match="is damaged or is not a book; nothing"):
        restore_backup(big, db_path)
    with pytest.raises(DatabaseUnreadable):
        restore_backup(tmp_path / "missing.sqlite3", db_path)

    assert list_backups(db_path) == []  # nothing was even copied aside
    assert backup.exists()
    reopened = open_database(db_path)
    try:
        assert len(account_names(reopened)) == 201
    finally:
        reopened.close()


def test_restore_replaces_a_book_too_damaged_to_open(book: Database, db_path: Path) -> None:
    add_account(book, "Northwind")
    backup = back_up(db_path, reason="daily")
    book.close()
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"junk" * 4000)

    previous = restore_backup(backup, db_path)

    assert previous is not None and "before-restore" in previous.name
    assert previous.read_bytes().endswith(b"junk")  # the damaged bytes are kept as they were
    reopened = open_database(db_path)
    try:
        assert account_names(reopened) == ["Northwind"]
    finally:
        reopened.close()


def test_two_backups_in_the_same_second_are_both_kept(book: Database, db_path: Path) -> None:
    first = back_up(db_path, reason="manual")
    second = back_up(db_path, reason="manual")
    assert first != second
    assert sorted(list_backups(db_path)) == sorted([first, second])


def test_backup_of_a_book_whose_name_has_url_characters(tmp_path: Path) -> None:
    path = tmp_path / "Q&A #2 100%?.sqlite3"
    book = open_database(path)
    add_account(book, "Northwind")
    try:
        copy = back_up(path)
    finally:
        book.close()
    assert integrity_ok(copy)
    assert copy.parent == backup_dir(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Q&A #2 100%?-backups",
        "Q&A #2 100%?.sqlite3",
    ]


# --- the service the window calls --------------------------------------------------------


def test_back_up_now_then_restore_returns_the_reopened_book(book: Database) -> None:
    add_account(book, "Northwind")
    made = service.back_up_now(book)
    add_account(book, "Contoso")

    restored = service.restore(book, made)
    try:
        assert account_names(restored.database) == ["Northwind"]
        assert restored.previous_copy is not None
        infos = service.backups_of(book.path)
        assert sorted(info.reason for info in infos) == ["before-restore", "manual"]
        assert all(info.made_at is not None and info.size_bytes > 0 for info in infos)
    finally:
        restored.database.close()


def test_restore_of_a_backup_from_a_newer_version_changes_nothing(
    book: Database, tmp_path: Path
) -> None:
    add_account(book, "Northwind")
    newer = back_up(book.path, target=tmp_path / "newer.sqlite3")
    conn = sqlite3.connect(newer)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()

    with pytest.raises(DatabaseTooNew):
        service.restore(book, newer)
    assert account_names(book) == ["Northwind"]  # the same Database still works
    assert service.backups_of(book.path) == []


def test_daily_backup_on_open_is_made_once_a_day(book: Database) -> None:
    today = dt.date.today()
    first = service.back_up_on_open(book, today)
    assert first is not None and first.stem.endswith("-daily")
    assert service.back_up_on_open(book, today) is None
    read_only = open_database(book.path, read_only=True)
    try:
        assert service.back_up_on_open(read_only, today) is None
    finally:
        read_only.close()


def test_newest_sound_backup_skips_damaged_ones(book: Database, tmp_path: Path) -> None:
    for number in range(200):
        add_account(book, f"Account {number:03d} " + "x" * 200)
    backup_dir(book.path).mkdir()
    older = back_up(book.path, target=backup_dir(book.path) / "book-20260101-090000-daily.sqlite3")
    newer = back_up(book.path, target=backup_dir(book.path) / "book-20260102-090000-daily.sqlite3")
    corrupt_middle(newer)

    offered = service.newest_sound_backup(book.path)

    assert offered is not None and offered.path == older
    assert offered.made_at == dt.datetime(2026, 1, 1, 9, 0)
    assert offered.label.startswith("2026-01-01 09:00 · daily · ")
