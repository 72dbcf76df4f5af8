"""Attacks 7, 8 and 12: silent truncation, followed symlinks, exports only the owner can read.

7: text over 32,767 characters was cut by Excel with no warning; export now refuses and
names the cell. 8: a symbolic link planted where the rejected-rows file goes was followed
and its target overwritten; now nothing the user did not name is ever replaced, a link
never followed. 12: exported files were created 0600; they now get the user's umask, while
backups stay private.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from book_checks import book_state, one_line_error
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.services.backups import backups_of
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account, Kickoff

BAD_USAGE = (
    "Account,Date,Feature,Count\nZoë Ødegård Design,2026-06-01,login,3\nTotal,,,3\n"
    "X,31/02/2026,a,1\n"
)


def _set_success_statement(book: Path, text: str) -> str:
    database = open_database(book)
    try:
        with database.session() as session:
            kickoff = session.scalars(select(Kickoff).order_by(Kickoff.id)).first()
            assert kickoff is not None
            kickoff.success_statement = text
            return session.get(Account, kickoff.account_id).name  # type: ignore[union-attr]
    finally:
        database.close()


def test_text_excel_would_cut_is_refused_with_the_cell_named(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = _set_success_statement(demo_book, "x" * 40_000)
    before = book_state(demo_book)
    target = tmp_path / "book.xlsx"
    assert main(["--db", str(demo_book), "export-book", str(target)]) == 2
    message = one_line_error(capsys.readouterr().err)
    assert f"column Success statement ({account}) holds 40,000 characters" in message
    assert "the Kickoffs sheet, row 2," in message
    assert not target.exists() and list(tmp_path.iterdir()) == [demo_book.parent]
    assert book_state(demo_book) == before


def test_text_of_exactly_32767_characters_is_exported_whole(
    demo_book: Path, tmp_path: Path
) -> None:
    import openpyxl

    _set_success_statement(demo_book, "y" * 32_767)
    target = tmp_path / "book.xlsx"
    assert main(["--db", str(demo_book), "export-book", str(target)]) == 0
    sheet = openpyxl.load_workbook(target, read_only=True)["Kickoffs"]
    assert "y" * 32_767 in [row[3] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("planted", ["symlink", "someone else's file"])
def test_the_rejected_rows_file_never_replaces_what_it_did_not_write(
    demo_book: Path, tmp_path: Path, planted: str, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("the CSM's notes")
    source = tmp_path / "usage.csv"
    source.write_text(BAD_USAGE, encoding="utf-8")
    default = tmp_path / "usage.rejected-rows.csv"
    if planted == "symlink":
        default.symlink_to(precious)
    else:
        default.write_text("my own list, not from CSM Desktop\n")
    before = default.read_text()

    assert main(["--db", str(demo_book), "import-usage", str(source)]) == 0

    out = capsys.readouterr().out
    written = tmp_path / "usage.rejected-rows (2).csv"
    assert f"Rejected rows: {written}" in out
    assert precious.read_text() == "the CSM's notes"
    assert default.is_symlink() == (planted == "symlink")
    assert default.read_text() == before
    assert "Total" in written.read_text(encoding="utf-8-sig")


def test_an_earlier_rejected_rows_file_of_ours_is_replaced(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text(BAD_USAGE, encoding="utf-8")
    assert main(["--db", str(demo_book), "import-usage", str(source)]) == 0
    assert main(["--db", str(demo_book), "import-usage", str(source)]) == 0
    assert sorted(p.name for p in tmp_path.glob("usage.rejected*")) == ["usage.rejected-rows.csv"]
    assert capsys.readouterr().out.count("Rejected rows: ") == 2


def test_exports_get_the_users_umask_and_backups_stay_private(
    demo_book: Path, tmp_path: Path
) -> None:
    """Under umask 022: export, PDF and rejected rows 0644; the backup before import 0600."""
    source = tmp_path / "usage.csv"
    source.write_text(BAD_USAGE, encoding="utf-8")
    db = ["--db", str(demo_book)]
    for args in (
        ["export-book", str(tmp_path / "book.xlsx")],
        ["portfolio-report", "--today", "2026-06-30", "-o", str(tmp_path / "p.pdf")],
        ["import-usage", str(source)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "csm_desktop", *db, *args],
            capture_output=True,
            text=True,
            timeout=180,
            preexec_fn=lambda: os.umask(0o022),
        )
        assert done.returncode == 0, done.stderr
    for name in ("book.xlsx", "p.pdf", "usage.rejected-rows.csv"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644, name
    (backup,) = backups_of(demo_book)
    assert backup.path.stat().st_mode & 0o777 == 0o600
