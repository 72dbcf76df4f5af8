"""Attacks 5 and 6: SQLite failures reached the user raw, and a read-only book was "damaged".

``import-usage`` on a locked, read-only or full book ended in a traceback (exit 1); read
commands on a read-only book said it was damaged and to restore a backup. Now one mapping
(``store.database.user_error_for``) turns every SQLite failure a user can fix into one line
saying locked, read-only, full or damaged, and reading commands open the book read-only so
they work on a read-only disk. The read-only disk and the full disk are real: a private
mount namespace (``unshare -m``) with a read-only bind mount or a small tmpfs; those tests
are skipped where mounting is not allowed.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from book_checks import book_state, one_line_error

from csm_desktop.cli import main
from csm_desktop.errors import (
    DatabaseFull,
    DatabaseLocked,
    DatabaseReadOnly,
    DatabaseUnreadable,
)
from csm_desktop.store.database import user_error_for


@pytest.mark.parametrize(
    ("sqlite_message", "kind", "says"),
    [
        ("database is locked", DatabaseLocked, "is locked by another program"),
        ("attempt to write a readonly database", DatabaseReadOnly, "cannot be written"),
        ("database or disk is full", DatabaseFull, "the disk is full"),
        ("disk I/O error", DatabaseFull, "the disk is full or failing"),
        ("unable to open database file", DatabaseReadOnly, "cannot be opened"),
        ("file is not a database", DatabaseUnreadable, "is damaged"),
        ("database disk image is malformed", DatabaseUnreadable, "is damaged"),
    ],
)
def test_one_mapping_for_every_sqlite_failure(
    sqlite_message: str, kind: type[Exception], says: str
) -> None:
    error = user_error_for(sqlite3.OperationalError(sqlite_message), Path("/books/b.sqlite3"))
    assert type(error) is kind
    assert says in str(error) and "\n" not in str(error)


def test_a_bug_is_not_dressed_up_as_a_user_error() -> None:
    assert user_error_for(sqlite3.OperationalError("no such column: x"), Path("b")) is None


def test_import_into_a_book_locked_by_sqlite_is_one_line(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another program holds SQLite's write lock (not ours): after the 5 s busy timeout the
    import says "locked", exit 2, instead of a raw OperationalError traceback."""
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nZoë Ødegård Design,2026-06-01,login,3\n")
    before = book_state(demo_book)
    holder = sqlite3.connect(demo_book, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code = main(["--db", str(demo_book), "import-usage", str(source)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    assert "is locked by another program" in one_line_error(capsys.readouterr().err)
    assert book_state(demo_book) == before


# --- real read-only and full disks ------------------------------------------------------


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="mounting is not allowed here")


def in_namespace(mount: str, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run each CLI command in a private mount namespace after the shell line ``mount``."""
    results = []
    for args in commands:
        line = " ".join(f"'{a}'" for a in [sys.executable, "-m", "csm_desktop", *args])
        done = subprocess.run(
            ["unshare", "-m", "sh", "-c", f"{mount} && exec {line}"],
            capture_output=True,
            text=True,
            timeout=180,
        )
        results.append(done)
    return results


@needs_mount
def test_read_commands_work_on_a_read_only_book_and_writing_says_read_only(
    demo_book: Path, tmp_path: Path
) -> None:
    folder = demo_book.parent
    source = folder / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nZoë Ødegård Design,2026-06-01,login,3\n")
    out = tmp_path / "out"
    out.mkdir()
    before = book_state(demo_book)
    read_only = f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}'"
    db = ["--db", str(demo_book)]

    metrics, report, export, imported = in_namespace(
        read_only,
        [*db, "metrics", "--today", "2026-06-30", "--json"],
        [*db, "portfolio-report", "--today", "2026-06-30", "-o", str(out / "p.pdf")],
        [*db, "export-book", str(out / "b.xlsx")],
        [*db, "import-usage", str(source)],
    )

    assert metrics.returncode == 0, metrics.stderr
    assert '"accounts": 46' in metrics.stdout
    assert report.returncode == 0 and (out / "p.pdf").read_bytes()[:5] == b"%PDF-"
    assert export.returncode == 0 and (out / "b.xlsx").stat().st_size > 0
    assert imported.returncode == 2
    message = one_line_error(imported.stderr)
    assert "read-only" in message and "damaged" not in message
    assert book_state(demo_book) == before
    left = sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))
    assert left == ["book.sqlite3", "usage.csv"]  # no lock, backup or rejected-rows file


@needs_mount
def test_a_full_disk_says_full_keeps_the_book_and_the_old_export(
    demo_book: Path, tmp_path: Path
) -> None:
    """A tmpfs just big enough for the book: the import's backup or its writes hit "full";
    metrics still work; an export onto the full disk keeps the old file."""
    disk = tmp_path / "disk"
    disk.mkdir()
    size_kib = demo_book.stat().st_size // 1024 + 200
    copy_in = f"cp '{demo_book}' '{disk}/book.sqlite3'"
    setup = (
        f"mount -t tmpfs -o size={size_kib}k tmpfs '{disk}' && {copy_in} && "
        f"printf old > '{disk}/old.xlsx'"
    )
    book = disk / "book.sqlite3"
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nZoë Ødegård Design,2026-06-01,login,3\n")
    digest = (
        "import sqlite3,hashlib,sys; c=sqlite3.connect(sys.argv[1]); "
        "print(hashlib.sha256(chr(10).join(c.iterdump()).encode()).hexdigest(), "
        "c.execute('pragma integrity_check').fetchone()[0])"
    )
    dump = f"'{sys.executable}' -c \"{digest}\" '{book}'"
    script = (
        f"{setup} && {dump} && "
        f"'{sys.executable}' -m csm_desktop --db '{book}' import-usage '{source}' 2>&1; "
        f"{dump} && '{sys.executable}' -m csm_desktop --db '{book}' metrics --today 2026-06-30"
        f" --json | head -c 40 && echo && "
        f"'{sys.executable}' -m csm_desktop --db '{book}' export-book '{disk}/old.xlsx' 2>&1; "
        f"cat '{disk}/old.xlsx'; echo; ls -a '{disk}'"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[0] == lines[2] and lines[0].endswith(" ok")  # book unchanged, sound
    assert lines[1].startswith("error: ") and "full" in lines[1] and "Traceback" not in lines[1]
    assert lines[3].startswith('{"today": "2026-06-30", "accounts": 46')
    assert lines[4].startswith("error: Cannot write") and "the disk is full" in lines[4]
    assert lines[5] == "old"
    assert ".part" not in done.stdout


@needs_mount
def test_an_older_book_on_a_full_disk_says_full_and_opens_once_there_is_room(
    tmp_path: Path,
) -> None:
    """A book of the first schema must be copied aside and upgraded when it is opened, even by
    a reading command; on a disk with no room for that the command says "full" in one line,
    exit 2, and the book is as it was (rows and revision). Given room (the tmpfs grown in
    place), the same command upgrades it and reads it."""
    fixture = Path(__file__).parents[1] / "fixtures" / "book-schema-0001.sqlite3"
    disk = tmp_path / "disk"
    disk.mkdir()
    book = disk / "book.sqlite3"
    size_kib = fixture.stat().st_size // 1024 + 40
    state = (
        "import sqlite3,hashlib,sys; c=sqlite3.connect(sys.argv[1]); "
        "print(hashlib.sha256(chr(10).join(c.iterdump()).encode()).hexdigest(), "
        "c.execute('select version_num from alembic_version').fetchone()[0], "
        "c.execute('pragma integrity_check').fetchone()[0])"
    )
    dump = f"'{sys.executable}' -c \"{state}\" '{book}'"
    metrics = f"'{sys.executable}' -m csm_desktop --db '{book}' metrics --today 2026-02-10"
    script = (
        f"mount -t tmpfs -o size={size_kib}k tmpfs '{disk}' && cp '{fixture}' '{book}' && "
        f"{dump} && {metrics} 2>&1; echo exit $?; {dump} && "
        f"mount -o remount,size=4m '{disk}' && {metrics} 2>&1; echo exit $?; {dump}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    before, refusal, refused, after_refusal = lines[:4]
    assert before.endswith(" 0001 ok") and after_refusal == before
    assert refusal.startswith("error: ") and "must be upgraded" in refusal
    assert "the disk is full" in refusal
    assert "Nothing was changed" in refusal and refused == "exit 2"
    assert lines[4] == "Portfolio on 2026-02-10: 2 accounts"
    assert "exit 0" in lines and "Traceback" not in done.stdout
    assert lines[-1].split()[1:] != ["0001", "ok"] and lines[-1].endswith(" ok")  # upgraded
