"""The real ``csm-desktop`` command against a team server: admin upgrade, metrics, refusals.

The metrics test is the both-backends comparison: the same demo book built on a file and on
the server gives the same JSON, number for number.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from csm_desktop.services.demo import OWNERS, create_demo_book
from csm_desktop.services.opening import open_team_book

TODAY = "2026-06-30"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args], capture_output=True, text=True, timeout=300
    )


def test_admin_upgrade_refuses_a_book_file_in_one_line(tmp_path: Path) -> None:
    result = run("admin", "upgrade", "--db", str(tmp_path / "book.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: admin upgrade is for a team server")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "book.sqlite3").exists()


@pytest.mark.postgresql
def test_admin_upgrade_creates_the_schema_once(pg_url: str) -> None:
    first = run("admin", "upgrade", "--db", pg_url)
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == "The team book's schema went from none to 0010.\n"
    again = run("admin", "upgrade", "--db", pg_url)
    assert again.stdout == "The team book is already at schema 0010; nothing was changed.\n"


@pytest.mark.postgresql
def test_metrics_on_the_server_equal_metrics_on_a_file_for_the_same_book(
    pg_url: str, tmp_path: Path
) -> None:
    """The demo book on a file and on the server: the same portfolio metrics, exactly."""
    file_book = tmp_path / "demo.sqlite3"
    made = run("demo", "--db", str(file_book), "--today", TODAY)
    assert made.returncode == 0, made.stderr
    assert run("admin", "upgrade", "--db", pg_url).returncode == 0
    with open_team_book(pg_url) as book:
        create_demo_book(book, today=dt.date.fromisoformat(TODAY))
    on_file = run("metrics", "--db", str(file_book), "--today", TODAY, "--json")
    on_server = run("metrics", "--db", pg_url, "--today", TODAY, "--json")
    assert (on_server.returncode, on_server.stderr) == (0, "")
    file_metrics, server_metrics = json.loads(on_file.stdout), json.loads(on_server.stdout)
    assert file_metrics["accounts"] > 0
    assert server_metrics == file_metrics
    owner = OWNERS[0]  # a filter goes through the same queries on both
    one_file = run("metrics", "--db", str(file_book), "--today", TODAY, "--owner", owner)
    one_server = run("metrics", "--db", pg_url, "--today", TODAY, "--owner", owner)
    assert (one_server.returncode, one_server.stderr) == (0, "")
    assert one_server.stdout == one_file.stdout
    assert f": {file_metrics['accounts']} accounts" not in one_server.stdout  # filtered


@pytest.mark.postgresql
def test_the_reading_commands_write_the_same_files_from_the_server(
    pg_url: str, tmp_path: Path
) -> None:
    """export-book counts the same rows; the QBR, portfolio report and playbook PDF are
    written from the server book as from the file."""
    file_book = tmp_path / "demo.sqlite3"
    assert run("demo", "--db", str(file_book), "--today", TODAY).returncode == 0
    assert run("admin", "upgrade", "--db", pg_url).returncode == 0
    with open_team_book(pg_url) as book:
        create_demo_book(book, today=dt.date.fromisoformat(TODAY))
    on_file = run("export-book", str(tmp_path / "file.xlsx"), "--db", str(file_book))
    on_server = run("export-book", str(tmp_path / "server.xlsx"), "--db", pg_url)
    assert (on_server.returncode, on_server.stderr) == (0, "")
    assert on_server.stdout.split(": ", 1)[1] == on_file.stdout.split(": ", 1)[1]
    commands = (
        ("report", "Northwind Traders", "--today", TODAY, "-o", str(tmp_path / "qbr.pdf")),
        ("portfolio-report", "--today", TODAY, "-o", str(tmp_path / "portfolio.pdf")),
        ("playbook-pdf", "Standard", "-o", str(tmp_path / "pb.pdf")),
    )
    for command in commands:
        done = run(*command, "--db", pg_url)
        assert (done.returncode, done.stderr) == (0, ""), command
        assert Path(command[-1]).read_bytes().startswith(b"%PDF"), command
