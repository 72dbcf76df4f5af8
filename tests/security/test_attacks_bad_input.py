"""Attacks 9, 10 and 11: bad dates and formats, an encrypted workbook, terminal escapes.

9: ``--today 0001-01-01`` / ``9999-12-31`` raised ``OverflowError`` (and ``demo`` left an
empty book); ``--date-format banana`` rejected every row with exit 0; a zero-byte book got a
schema written into it by ``metrics``. 10: a password-protected .xlsx was called an old .xls.
11: names holding terminal escapes were echoed raw. Each is now exit 2 with one line (or,
for 11, printed escaped), and nothing is created or written.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from book_checks import book_state, one_line_error

from csm_desktop.cli import main
from csm_desktop.printable import PrintableFormatter, printable


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("today", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("command", ["demo", "metrics", "portfolio-report"])
def test_an_absurd_today_is_one_line_and_creates_nothing(
    tmp_path: Path, today: str, command: str
) -> None:
    book = tmp_path / "new.sqlite3"
    extra = ["-o", str(tmp_path / "p.pdf")] if command == "portfolio-report" else []
    done = run("--db", str(book), command, "--today", today, *extra)
    assert done.returncode == 2
    assert "is outside the years 1900-2199" in one_line_error(done.stderr)
    assert list(tmp_path.iterdir()) == []


def test_a_demo_that_fails_leaves_no_empty_book(tmp_path: Path) -> None:
    """The book file is created before the demo is built; a failure removes it again."""
    book = tmp_path / "demo.sqlite3"
    (tmp_path / "demo.sqlite3-backups").mkdir()  # something the demo must leave alone
    done = run("--db", str(book), "demo", "--today", "2026-06-30", "--wait", "x")
    assert done.returncode == 2 and not book.exists()


def test_a_date_format_without_day_month_year_is_refused(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nZoë Ødegård Design,01.06.2026,zz_new,3\n")
    before = book_state(demo_book)
    for fmt in ("banana", "%H:%M", "DD/MM"):
        assert (
            main(["--db", str(demo_book), "import-usage", str(source), "--date-format", fmt]) == 2
        )
        assert "is not a date format with a day, month and year" in one_line_error(
            capsys.readouterr().err
        )
    assert (
        main(["--db", str(demo_book), "import-usage", str(source), "--date-format", "DD.MM.YYYY"])
        == 0
    )
    assert "1 usage events stored (1 new)" in capsys.readouterr().out
    assert not list(tmp_path.glob("*rejected*"))
    assert book_state(demo_book) != before


@pytest.mark.parametrize(
    "command", [["metrics", "--today", "2026-06-30"], ["export-book", "x.xlsx"]]
)
def test_a_zero_byte_book_is_refused_and_stays_empty(tmp_path: Path, command: list[str]) -> None:
    book = tmp_path / "book.sqlite3"
    book.touch()
    done = run("--db", str(book), *command)
    assert done.returncode == 2
    assert "is an empty file (0 bytes), not a book" in one_line_error(done.stderr)
    assert book.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.sqlite3"]


def _encrypted_workbook(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    workbook = openpyxl.Workbook()
    workbook.active.append(["Account", "Date", "Feature", "Count"])
    workbook.active.append(["Zoë Ødegård Design", "2026-06-01", "login", 2])
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    return path


@pytest.mark.parametrize("command", ["import-usage", "import-book"])
def test_a_password_protected_workbook_is_called_encrypted(
    demo_book: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _encrypted_workbook(tmp_path / "usage.xlsx")
    before = book_state(demo_book)
    assert main(["--db", str(demo_book), command, str(source)]) == 2
    message = one_line_error(capsys.readouterr().err)
    assert "usage.xlsx is encrypted (saved with a password)" in message
    assert ".xls" not in message.replace("usage.xlsx", "")
    assert book_state(demo_book) == before


EVIL = "\x1b]0;owned\x07\x1b[2J\x08Evil\u202eCorp"


def test_terminal_escapes_in_names_are_printed_escaped(demo_book: Path, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_text(
        f"Account,Date,Feature,Count\nZoë Ødegård Design,2026-06-01,{EVIL},3\n",
        encoding="utf-8",
    )
    done = run("--db", str(demo_book), "import-usage", str(source))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x08" not in done.stdout and "\u202e" not in done.stdout
    assert "stored as spelled: \\x1b]0;owned\\x07\\x1b[2J\\x08Evil\\u202eCorp" in done.stdout


def test_logs_escape_them_too() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PrintableFormatter("%(message)s"))
    log = logging.getLogger("test.printable")
    log.addHandler(handler)
    try:
        log.warning("account %s", EVIL)
    finally:
        log.removeHandler(handler)
    assert stream.getvalue() == "account \\x1b]0;owned\\x07\\x1b[2J\\x08Evil\\u202eCorp\n"


def test_printable_keeps_letters_of_every_script() -> None:
    assert printable("Zoë Ødegård\tŁódź\n") == "Zoë Ødegård\tŁódź\n"
