"""A copy taken off the team server, made by an older version, still opens (issue 16).

Such a copy is never written (its changes would not reach the server), but the app's next
version has a newer schema: the copy is upgraded all the same (with a copy set aside
first), then refused for writing and opened read-only, as a current copy is. Before, both
ways refused it: writing because it is a copy, reading because it needed the upgrade.

The committed book ``book_rev0005.sqlite3`` stands for the old copy, with the mark that
``take-offline`` writes.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from csm_desktop.errors import OfflineCopy
from csm_desktop.services.opening import open_for_window
from csm_desktop.store.database import check_database_file
from csm_desktop.store.schema import SCHEMA_HEAD

FIXTURE = Path(__file__).parent.parent / "fixtures" / "book_rev0005.sqlite3"
MARK = "Maya Chen's accounts taken off the team server t1 on 2026-11-20 09:00"


@pytest.fixture
def old_copy(tmp_path: Path) -> Path:
    path = tmp_path / "flight.sqlite3"
    shutil.copyfile(FIXTURE, path)
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO setting (key, value) VALUES ('offline_copy', ?)", (MARK,))
    connection.close()
    return path


def test_an_old_offline_copy_is_upgraded_then_opens_read_only(old_copy: Path) -> None:
    """Opening it for writing upgrades 0005 → head, sets the old file aside, and refuses
    writing saying why; then it opens read-only, as the window does next."""
    with pytest.raises(OfflineCopy) as refused:
        open_for_window(old_copy)
    assert str(refused.value) == (
        f"flight.sqlite3 is {MARK}: it opens read-only, since changes made in it would never "
        "reach the team server. Make them on the team book."
    )
    assert check_database_file(old_copy) == SCHEMA_HEAD
    assert list(old_copy.parent.glob("**/*before-migration-from-0005*")), "no copy set aside"
    opened = open_for_window(old_copy, read_only=True)
    try:
        assert opened.database.read_only and opened.lock is None
    finally:
        opened.database.close()


def test_reading_commands_work_on_an_old_offline_copy_and_writing_ones_are_refused(
    old_copy: Path,
) -> None:
    """``metrics`` upgrades and reads it (exit 0); ``features set`` is refused in one line."""
    command = [sys.executable, "-m", "csm_desktop"]
    metrics = subprocess.run(
        [*command, "metrics", "--db", str(old_copy), "--today", "2026-11-26"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (metrics.returncode, metrics.stderr) == (0, ""), metrics.stderr
    assert check_database_file(old_copy) == SCHEMA_HEAD
    refused = subprocess.run(
        [*command, "features", "set", "login", "--name", "Sign in", "--db", str(old_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"error: flight.sqlite3 is {MARK}: it opens read-only, since changes made in it would "
        "never reach the team server. Make them on the team book."
    ]
