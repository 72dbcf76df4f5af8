"""Attack 4: the CLI changed a book the window had open, and two imports at once collided.

``import-usage`` and ``import-book`` ignored the lock the window holds; two imports at once
ended in ``IntegrityError: UNIQUE constraint failed`` or reported every row as new twice.
Now every command that opens a book for writing takes the window's lock (or waits for it
with ``--wait SECONDS``); reading commands take none and still work beside the window.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from book_checks import book_state, one_line_error

from csm_desktop.cli import main
from csm_desktop.store.lock import acquire_book_lock

ROWS = 3000  # 100 days × 30 features for one account


def usage_csv(path: Path) -> Path:
    lines = ["Account,Date,Feature,Count"]
    for day in range(1, 101):
        date = f"2026-{1 + (day - 1) // 28:02d}-{1 + (day - 1) % 28:02d}"
        lines += [f"Zoë Ødegård Design,{date},feature_{n:02d},{n + 1}" for n in range(30)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "csm_desktop", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("command", ["import-usage", "import-book", "demo"])
def test_a_writing_command_refuses_a_book_the_window_holds(
    demo_book: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = usage_csv(tmp_path / "usage.csv")
    args = {"import-usage": [str(source)], "import-book": [str(source)], "demo": []}[command]
    before = book_state(demo_book)
    with acquire_book_lock(demo_book):  # what the window holds while the book is open
        code = main(["--db", str(demo_book), command, *args])
    assert code == 2
    message = one_line_error(capsys.readouterr().err)
    assert "is already open in another CSM Desktop window or command" in message
    assert message.endswith("Or add --wait SECONDS to wait for it.")
    assert book_state(demo_book) == before


def test_reading_commands_work_beside_the_window(
    demo_book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = book_state(demo_book)
    with acquire_book_lock(demo_book):
        assert main(["--db", str(demo_book), "metrics", "--today", "2026-06-30", "--json"]) == 0
        assert main(["--db", str(demo_book), "export-book", str(tmp_path / "b.xlsx")]) == 0
    assert '"accounts": 46' in capsys.readouterr().out
    assert book_state(demo_book) == before


def test_wait_takes_the_book_once_the_window_lets_go(demo_book: Path, tmp_path: Path) -> None:
    source = usage_csv(tmp_path / "usage.csv")
    lock = acquire_book_lock(demo_book)
    started = time.monotonic()
    process = cli("--db", str(demo_book), "import-usage", str(source), "--wait", "30")
    time.sleep(1.5)
    assert process.poll() is None  # still waiting
    lock.release()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert f"{ROWS:,} usage events stored ({ROWS:,} new)" in out
    assert time.monotonic() - started >= 1.5


def test_two_imports_at_once_neither_fail_nor_count_twice(demo_book: Path, tmp_path: Path) -> None:
    """Both finish; the first stores 3,000 new events, the second the same 3,000, 0 new."""
    source = usage_csv(tmp_path / "usage.csv")
    first = cli("--db", str(demo_book), "import-usage", str(source), "--wait", "60")
    second = cli("--db", str(demo_book), "--wait", "60", "import-usage", str(source))
    outcomes = [process.communicate(timeout=180) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outcomes
    outs = sorted(out for out, _err in outcomes)
    assert all("Traceback" not in err for _out, err in outcomes)
    assert sum(f"stored ({ROWS:,} new)" in out for out in outs) == 1
    assert sum("stored (0 new)" in out for out in outs) == 1
    assert book_state(demo_book)[1] == "ok"


def test_a_negative_wait_is_one_line(demo_book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(demo_book), "--wait", "-1", "demo"]) == 2
    assert "--wait -1 is negative" in one_line_error(capsys.readouterr().err)
