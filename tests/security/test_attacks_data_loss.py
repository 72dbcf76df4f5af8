"""Attack 1: a report, export or backup written over the book must never destroy it.

Before the fix, ``report -o book.sqlite3`` replaced the whole book with a PDF and exited 0.
Now every writer goes through ``csm_desktop.safe_output.write_output_file``: the open book,
its ``-wal``/``-shm``/lock files, its backups and any other database are refused with one
line, and a write that fails half-way leaves the old file as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from book_checks import book_state, one_line_error

from csm_desktop.cli import main
from csm_desktop.errors import BadInput, OutputNotWritten
from csm_desktop.safe_output import write_output_file
from csm_desktop.services.backups import backups_of
from csm_desktop.store.backups import back_up, backup_dir

WRITERS = {
    "report": ["report", "Zoë Ødegård Design", "--today", "2026-06-30", "-o"],
    "report --format pptx": [
        *("report", "Zoë Ødegård Design", "--today", "2026-06-30", "--format", "pptx", "-o")
    ],
    "portfolio-report": ["portfolio-report", "--today", "2026-06-30", "-o"],
    "playbook-pdf": ["playbook-pdf", "Standard", "-o"],
    "export-book": ["export-book"],
}


def _targets(book: Path) -> dict[str, Path]:
    backups = backup_dir(book)
    return {
        "the book": book,
        "its WAL": Path(f"{book}-wal"),
        "its shared memory": Path(f"{book}-shm"),
        "its lock file": Path(f"{book}.lock"),
        "its backups folder": backups,
        "a backup": backups / "book-20260629-090000-daily.sqlite3",
    }


@pytest.mark.parametrize("command", list(WRITERS))
@pytest.mark.parametrize("target_name", list(_targets(Path("b"))))
def test_no_writer_replaces_the_book_or_its_files(
    demo_book: Path, command: str, target_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, one line, and the book, its backup and the target are byte for byte the same."""
    backup_dir(demo_book).mkdir()
    backup = back_up(demo_book, target=_targets(demo_book)["a backup"])
    target = _targets(demo_book)[target_name]
    if command == "export-book" and target_name in ("the book", "a backup"):
        # The same file under a .xlsx name, so the .xlsx rule does not hide the protection.
        target = target.with_name(target.name + ".xlsx")
        os.link(_targets(demo_book)[target_name], target)
    before = book_state(demo_book)
    backup_before = backup.read_bytes()
    existed = target.exists()
    target_before = target.read_bytes() if target.is_file() else None

    code = main(["--db", str(demo_book), *WRITERS[command], str(target)])

    assert code == 2
    message = one_line_error(capsys.readouterr().err)
    assert any(
        reason in message for reason in ("Choose another file name", "is a folder", ".xlsx")
    ), message
    assert book_state(demo_book) == before
    assert before[1] == "ok"
    assert backup.read_bytes() == backup_before
    assert target.exists() == existed
    if target_before is not None:
        assert target.read_bytes() == target_before
    assert [p.name for p in demo_book.parent.iterdir() if ".part" in p.name] == []


def test_a_book_open_in_another_program_is_not_overwritten_either(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second book (not opened by this process) is recognised by its SQLite header."""
    other = tmp_path / "other.sqlite3"
    shutil.copyfile(demo_book, other)
    before = book_state(other)
    code = main(["--db", str(demo_book), "portfolio-report", "-o", str(other)])
    assert code == 2
    assert "is a database" in one_line_error(capsys.readouterr().err)
    assert book_state(other) == before


def test_a_link_to_the_book_is_refused_and_the_link_kept(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "latest.pdf"
    link.symlink_to(demo_book)
    before = book_state(demo_book)
    assert main(["--db", str(demo_book), "portfolio-report", "-o", str(link)]) == 2
    one_line_error(capsys.readouterr().err)
    assert link.is_symlink() and book_state(demo_book) == before


def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    """The old report stays byte for byte; no temporary file is left behind."""
    target = tmp_path / "qbr.pdf"
    target.write_bytes(b"%PDF-1.4 the report sent last quarter")

    def fails(path: Path) -> None:
        path.write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_output_file(target, fails)
    assert target.read_bytes() == b"%PDF-1.4 the report sent last quarter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qbr.pdf"]


def test_a_finished_write_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    """The new file arrives under a new inode: a reader holding the old one never sees a mix."""
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    old_inode = target.stat().st_ino
    assert write_output_file(target, lambda path: path.write_bytes(b"new")) == target
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != old_inode


def test_a_missing_folder_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputNotWritten, match="does not exist") as caught:
        write_output_file(tmp_path / "nowhere" / "x.pdf", lambda path: path.write_bytes(b"x"))
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_backup_never_replaces_another_database(demo_book: Path, tmp_path: Path) -> None:
    other = tmp_path / "keep.sqlite3"
    shutil.copyfile(demo_book, other)
    before = book_state(other)
    with pytest.raises(BadInput, match="is a database"):
        back_up(demo_book, target=other)
    assert book_state(other) == before


def test_backups_are_private_and_exports_follow_the_umask(demo_book: Path, tmp_path: Path) -> None:
    """Attack 12: exports were 0600. With umask 022 an export is 0644; a backup stays 0600."""
    old = os.umask(0o022)
    try:
        made = back_up(demo_book, reason="manual")
        export = write_output_file(tmp_path / "out.csv", lambda path: path.write_text("a\n"))
    finally:
        os.umask(old)
    assert made.stat().st_mode & 0o777 == 0o600
    assert export.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("command", ["import-usage", "import-book"])
def test_the_cli_backs_the_book_up_before_an_import(
    demo_book: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The backup holds the book exactly as it was before the import changed it."""
    if command == "import-usage":
        source = tmp_path / "usage.csv"
        source.write_text("Account,Date,Feature,Count\nZoë Ødegård Design,2026-06-01,login,3\n")
    else:
        source = tmp_path / "export.xlsx"
        assert main(["--db", str(demo_book), "export-book", str(source)]) == 0
    before = book_state(demo_book)

    assert main(["--db", str(demo_book), command, str(source)]) == 0, capsys.readouterr().err

    made = [info for info in backups_of(demo_book) if info.reason == "before-import"]
    assert len(made) == 1
    assert book_state(made[0].path) == before
    assert made[0].path.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(made[0].path) as conn:
        assert conn.execute("select count(*) from account").fetchone()[0] == 48


def test_export_into_a_missing_folder_is_one_line_without_exception_noise(
    demo_book: Path, tmp_path: Path
) -> None:
    """Attack 13: the line was followed by "Exception ignored … LxmlSyntaxError" tracebacks."""
    import subprocess
    import sys

    target = tmp_path / "missing" / "book.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "csm_desktop", "--db", str(demo_book), "export-book", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert one_line_error(done.stderr) == (
        f"error: Cannot write {target}: the folder {target.parent} does not exist. Create it "
        "or choose another folder."
    )
    assert not target.parent.exists()


def test_a_missing_file_inside_the_writer_is_not_called_a_missing_folder(tmp_path: Path) -> None:
    """The bundle once lacked a deck template: the writer's own FileNotFoundError was shown as
    "the folder does not exist" although the folder was there."""

    def write(partial: Path) -> None:
        (tmp_path / "no-such-template.xml").read_bytes()

    with pytest.raises(OutputNotWritten) as caught:
        write_output_file(tmp_path / "deck.pptx", write)
    assert "folder does not exist" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
