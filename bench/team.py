"""Benchmark: team mode on a local PostgreSQL server with 50,000 accounts (issue 16).

The 50,000-account book of ``bench/scale_book.py`` (12-step ladders, about 10 million usage
rows) is published into a throwaway local cluster (``tests/pg_cluster.py``: initdb in a
temporary folder, fsync off) with ``csm-desktop publish``, and every row is timed on the
server next to the same book file (SQLite), medians of interleaved runs:

- the ``metrics`` command, whole process: target < 3 s on the server;
- opening the Book in a fresh process, as the window does: the first screenful read and
  shown (``first_book_rows``; target < 1 s), then every row (``book_rows``; reported);
- a filter keystroke on the Book once loaded (the proxy filters in memory): < 50 ms;
- ten ``import-usage`` commands of 18,000 rows each started at once: every row stored
  once (the row count grows by exactly 180,000); the file book runs the same ten, which
  queue on its lock (``--wait``).

    python bench/team.py [--runs 5] [--accounts 50000] [--skip-imports]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_book import scale_book
from timing import ROOT, Row, app_env, interleaved, load_average, python, report, timed_process

sys.path.insert(0, str(ROOT))
from tests.pg_cluster import start_cluster  # the tests' throwaway cluster

TODAY = "2026-06-30"
METRICS_TARGET_S = 3.0
BOOK_TARGET_S = 1.0
KEYSTROKE_TARGET_MS = 50.0
IMPORTS, ROWS_PER_IMPORT = 10, 18_000
BOOK_CHILD = """
import os, statistics, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import datetime as dt
from PySide6.QtWidgets import QApplication
from csm_desktop.services.book import book_rows, first_book_rows
from csm_desktop.services.opening import open_book_for_reading, open_team_book
from csm_desktop.ui.views.book_view import BookView
NONE_GUARD = [None] * 1_000_000  # PySide6 6.12's None reference leak (bench/book_view.py)
where, today = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
app = QApplication([sys.argv[0]])
opening = open_team_book(where) if "://" in where else open_book_for_reading(where)
with opening as book:
    started = time.perf_counter()
    view = BookView()  # as the window does: empty and on show, the first screenful first
    view.resize(1280, 760)
    view.show()
    by, descending = view.first_screenful_order()
    view.set_rows(first_book_rows(book, today, by, descending=descending))
    app.processEvents()
    first = time.perf_counter() - started
    view.set_rows(book_rows(book, today))
    app.processEvents()
    opened = time.perf_counter() - started
    typed = []
    for text in ("a", "ac", "acc", "acco", "accou", "accoun", "account", "account 0",
                 "account 04", "c", "cs", "csm", "csm 0", "csm 07"):
        started = time.perf_counter()
        view.search.setText(text)
        app.processEvents()
        typed.append((time.perf_counter() - started) * 1000)
print(first, opened, statistics.median(typed))
sys.stdout.flush()
os._exit(0)
"""


def book_child(where: str) -> tuple[float, float, float]:
    """(seconds until the Book's first screenful is shown, until every row is, median
    filter keystroke in ms) in a fresh process."""
    done = subprocess.run(
        python("-c", BOOK_CHILD, where, TODAY),
        env=app_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    first, opened, keystroke = map(float, done.stdout.split())
    return first, opened, keystroke


def write_usage_files(folder: Path, accounts: int) -> tuple[list[Path], int]:
    """Ten usage files of 18,000 new rows each (200 accounts × 90 days after the book's
    last day; disjoint accounts in a big book), and how many distinct rows they hold."""
    import openpyxl

    files = []
    covered: set[int] = set()
    start = dt.date.fromisoformat(TODAY) + dt.timedelta(days=1)
    per_file = ROWS_PER_IMPORT // 90
    for number in range(IMPORTS):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Usage")
        sheet.append(["Account", "Date", "Feature", "Count"])
        first = number * per_file % max(accounts - per_file, 1)
        for account in range(first + 1, first + per_file + 1):
            covered.add(account)
            for offset in range(90):
                day = start + dt.timedelta(days=offset)
                sheet.append([f"Account {account:05d}", day, "reports.run", offset % 7 + 1])
        path = folder / f"usage-{number + 1}.xlsx"
        workbook.save(path)
        files.append(path)
    return files, len(covered) * 90


def usage_count(where: str) -> int:
    done = subprocess.run(
        python(
            "-c",
            "import sys\n"
            "from csm_desktop.services.opening import open_book_for_reading, open_team_book\n"
            "from csm_desktop.store.queries.usage_rows import count_usage_rows\n"
            "w = sys.argv[1]\n"
            "with (open_team_book(w) if '://' in w else open_book_for_reading(w)) as b:\n"
            "    with b.session() as s: print(count_usage_rows(s))\n",
            where,
        ),
        env=app_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def concurrent_imports(where: str, files: list[Path]) -> tuple[float, int, list[str]]:
    """Start the ten imports at once; (seconds until all ended, rows added, failures)."""
    before = usage_count(where)
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            python("-m", "csm_desktop", "import-usage", str(path), "--db", where, "--wait", "600"),
            env=app_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    failures = []
    for child in children:
        _out, err = child.communicate()
        if child.returncode != 0:
            failures.append(err.strip().splitlines()[-1] if err.strip() else "?")
    elapsed = time.perf_counter() - started
    return elapsed, usage_count(where) - before, sorted(set(failures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--skip-imports", action="store_true")
    args = parser.parse_args()
    source = scale_book(args.accounts)
    cluster = start_cluster()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="csm-team-bench-") as scratch:
            book = Path(scratch) / "book.sqlite3"
            shutil.copyfile(source, book)
            subprocess.run(
                python("-c", "import sys; from pathlib import Path\n"
                       "from csm_desktop.services.opening import open_book\n"
                       "with open_book(Path(sys.argv[1])): pass", str(book)),
                env=app_env(), check=True,
            )  # fmt: skip
            import psycopg

            with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres") as admin:
                admin.autocommit = True
                admin.execute("CREATE DATABASE team_bench")
            url = cluster.url("team_bench")
            for step in (("admin", "upgrade", "--db", url), ("publish", str(book), "--to", url)):
                started = time.perf_counter()
                done = subprocess.run(
                    python("-m", "csm_desktop", *step), env=app_env(), capture_output=True,
                    text=True, check=False,
                )  # fmt: skip
                if done.returncode != 0:
                    raise SystemExit(f"{' '.join(step[:1])} failed: {done.stderr.strip()}")
                print(f"{step[0]}: {time.perf_counter() - started:.1f} s {done.stdout.strip()}")
            print(f"load average {load_average()}", file=sys.stderr)

            metrics = ("-m", "csm_desktop", "metrics", "--today", TODAY, "--db")
            on_file, on_server = interleaved(
                args.runs,
                lambda: timed_process(python(*metrics, str(book)), env=app_env()),
                lambda: timed_process(python(*metrics, url), env=app_env()),
            )
            opened: dict[str, list[tuple[float, float, float]]] = {"file": [], "server": []}
            for _run in range(max(args.runs, 5)):
                opened["file"].append(book_child(str(book)))
                opened["server"].append(book_child(url))
            import statistics

            def median(where: str, index: int) -> float:
                return statistics.median(pair[index] for pair in opened[where])

            accounts = f"{args.accounts:,} accounts"
            rows += [
                Row(f"team: metrics command, {accounts} (floor: same book file)", on_file,
                    on_server, METRICS_TARGET_S, "seconds"),
                Row(f"team: opening the Book, first screenful shown, {accounts} (floor: same "
                    "book file)", median("file", 0), median("server", 0), BOOK_TARGET_S,
                    "seconds", note=f"every row shown: {median('server', 1):.2f} s on the "
                    f"server, {median('file', 1):.2f} s on the file"),
                Row(f"team: filter keystroke, {accounts}", None, median("server", 2),
                    KEYSTROKE_TARGET_MS, "ms", "ms",
                    note=f"{median('file', 2):.1f} ms on the same book file"),
            ]  # fmt: skip
            if not args.skip_imports:
                files, expected = write_usage_files(Path(scratch), args.accounts)
                file_s, file_added, file_failed = concurrent_imports(str(book), files)
                server_s, server_added, server_failed = concurrent_imports(url, files)
                print(
                    f"ten imports of {ROWS_PER_IMPORT:,} rows at once: file {file_s:.1f} s, "
                    f"{file_added:,} rows added, failed {file_failed or 'none'}; server "
                    f"{server_s:.1f} s, {server_added:,} rows added, failed "
                    f"{server_failed or 'none'}"
                )
                rows.append(
                    Row(f"team: ten concurrent imports of {ROWS_PER_IMPORT:,} rows, rows "
                        "stored once", None, float(abs(server_added - expected)), 0, "rows",
                        "rows", note=f"{server_s:.1f} s on the server, {file_s:.1f} s on the "
                        f"file; {server_added:,} of {expected:,} added")
                )  # fmt: skip
    finally:
        cluster.stop()
    return report(rows)


if __name__ == "__main__":
    sys.exit(main())
