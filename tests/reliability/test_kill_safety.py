"""A killed import or batch update leaves the book sound and exactly as it was, or complete.

``kill -9`` gives the program no chance to clean up: what is on disk is what SQLite's WAL
journal and ``synchronous=FULL`` make of it. After each kill the book must pass SQLite's
integrity check and hold either none or all of the interrupted transaction, nothing between.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import insert

from csm_desktop.store.backups import integrity_ok
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

ACCOUNTS, DAYS, FEATURES = 100, 60, 10
USAGE_ROWS = ACCOUNTS * DAYS * FEATURES  # 60,000 rows in one import transaction
TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def big_usage_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A long-form usage export like bench/import_usage.py writes, smaller."""
    import openpyxl

    path = tmp_path_factory.mktemp("usage") / "usage-60k.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Usage")
    sheet.append(["Account", "Date", "Feature", "Count"])
    start = dt.date(2026, 1, 1)
    for account in range(ACCOUNTS):
        for offset in range(DAYS):
            day = start + dt.timedelta(days=offset)
            for number in range(FEATURES):
                count = (account + offset * number) % 50 + 1
                sheet.append([f"Account {account:03d}", day, f"feature_{number:02d}", count])
    workbook.save(path)
    return path


def book_with_accounts(path: Path) -> Path:
    book = open_database(path)
    with book.session() as session:
        session.execute(
            insert(Account), [{"name": f"Account {n:03d}", "archived": False} for n in range(100)]
        )
    book.close()
    return path


def count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)  # a normal open: recovers the WAL as the app would
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def wal_size(path: Path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except FileNotFoundError:
        return 0


def kill_when(child: subprocess.Popen[str], ready: object) -> bool:
    """SIGKILL ``child`` as soon as ``ready()`` is true; False if it finished first (also
    when it exited between the last look and the kill: the kill then met a finished
    process, and the import must have stored everything)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            return False
        if ready():  # type: ignore[operator]
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
            return child.returncode == -signal.SIGKILL
        time.sleep(0.001)
    raise AssertionError("the child neither finished nor reached the kill point in 60 s")


def start_import(source: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "csm_desktop", "import-usage", str(source), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.parametrize(
    "kill_point", ["WAL past 64 KB", "WAL past 512 KB", "after 0.7 s", "after 1.5 s"]
)
def test_usage_import_killed_midway_stores_all_or_nothing(
    big_usage_file: Path, tmp_path: Path, kill_point: str
) -> None:
    db = book_with_accounts(tmp_path / "book.sqlite3")
    started = time.monotonic()
    ready = {
        "WAL past 64 KB": lambda: wal_size(db) > 64_000,  # the insert is spilling pages
        "WAL past 512 KB": lambda: wal_size(db) > 512_000,  # of ~1 MB (compact rows)
        "after 0.7 s": lambda: time.monotonic() - started > 0.7,
        "after 1.5 s": lambda: time.monotonic() - started > 1.5,
    }[kill_point]

    with start_import(big_usage_file, db) as child:
        killed = kill_when(child, ready)

    assert child.returncode == (-signal.SIGKILL if killed else 0)
    if kill_point.startswith("WAL"):
        assert killed, "the import finished before its writes were seen"
    assert integrity_ok(db)
    assert count(db, "SELECT count(*) FROM usage_event") in (0, USAGE_ROWS)
    book = open_database(db)  # and the app opens it normally afterwards
    book.close()


BATCH_UPDATE = textwrap.dedent(
    """
    import datetime as dt, sys, time
    from pathlib import Path
    from sqlalchemy import select
    from csm_desktop.domain.vocabulary import Status
    from csm_desktop.services.ladder import change_status
    from csm_desktop.store.database import open_database
    from csm_desktop.store.models import AccountMilestone

    book = open_database(Path(sys.argv[1]))
    with book.session() as session:  # one transaction for the whole batch
        milestones = session.scalars(
            select(AccountMilestone).where(AccountMilestone.status != "achieved")
        ).all()
        for number, milestone in enumerate(milestones, 1):
            change_status(session, milestone, Status.ACHIEVED, on=dt.date(2026, 6, 30))
            if number == len(milestones) // 2:
                print("halfway", flush=True)
            time.sleep(0.002)
    print("done", flush=True)
    """
)


def test_batch_status_update_killed_midway_changes_nothing(
    demo_copy: Callable[[dt.date], Path],
) -> None:
    db = demo_copy(TODAY)
    achieved_sql = "SELECT count(*) FROM account_milestone WHERE status = 'achieved'"
    achieved, changes = count(db, achieved_sql), count(db, "SELECT count(*) FROM status_change")
    open_milestones = count(db, "SELECT count(*) FROM account_milestone") - achieved
    assert open_milestones > 100

    with subprocess.Popen(
        [sys.executable, "-c", BATCH_UPDATE, str(db)], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "halfway"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)

    assert child.returncode == -signal.SIGKILL
    assert integrity_ok(db)
    assert count(db, achieved_sql) == achieved
    assert count(db, "SELECT count(*) FROM status_change") == changes


def test_batch_status_update_that_finishes_changes_everything(
    demo_copy: Callable[[dt.date], Path],
) -> None:
    db = demo_copy(TODAY)
    total = count(db, "SELECT count(*) FROM account_milestone")
    achieved_sql = "SELECT count(*) FROM account_milestone WHERE status = 'achieved'"
    changes = count(db, "SELECT count(*) FROM status_change")
    open_milestones = total - count(db, achieved_sql)

    done = subprocess.run(
        [sys.executable, "-c", BATCH_UPDATE, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["halfway", "done"]
    assert count(db, achieved_sql) == total
    assert count(db, "SELECT count(*) FROM status_change") == changes + open_milestones
