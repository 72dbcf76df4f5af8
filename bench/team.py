"""Benchmark: team mode on a local PostgreSQL server with 50,000 accounts (issue 16).

The 50,000-account book of ``bench/scale_book.py`` (12-step ladders, about 10 million usage
rows) is published into a throwaway local cluster (``tests/pg_cluster.py``: initdb in a
temporary folder, fsync off) with ``csm-desktop publish``, and every row is timed on the
server next to the same book file (SQLite), medians of interleaved runs:

- the ``metrics`` command, whole process: target < 3 s on the server;
- opening the Book in a fresh process, as the window does: the first screenful read and
  shown (``first_book_rows``; target < 1 s), then every row (``book_rows``; reported);
- a filter keystroke on the Book once loaded (the model filters in memory): < 50 ms;
- ten ``import-usage`` commands of 18,000 rows each started at once: every row stored
  once (the row count grows by exactly 180,000); the file book runs the same ten, which
  queue on its lock (``--wait``).

    python bench/team.py [--runs 5] [--accounts 50000] [--skip-imports] [--only metrics]
    python bench/team.py --only metrics --server URL --file BOOK   (a book published already)

``--only`` runs only the named rows. ``--server`` and ``--file`` time a team book published
earlier (and the book file it came from) instead of publishing one (a few minutes).
The metrics row also gives the CPU seconds (user + sys) of the command and, on a cluster of
this machine, of the server's processes: on a shared machine they vary less than seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from scale_book import scale_book
from timing import MIN_RUNS, ROOT, Row, app_env, load_average, python, report, timed_process

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


ROWS = ("metrics", "book", "imports")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--skip-imports", action="store_true")
    parser.add_argument("--only", nargs="+", choices=ROWS, default=list(ROWS))
    parser.add_argument("--server", metavar="URL", help="a team book published already")
    parser.add_argument("--file", type=Path, help="the book file it was published from")
    args = parser.parse_args()
    if (args.server is None) != (args.file is None):
        parser.error("--server and --file go together")
    wanted = set(args.only) - ({"imports"} if args.skip_imports else set())
    if args.server is not None:
        return report(measure(args.file, args.server, wanted, args.runs, args.accounts))
    with published(args.accounts) as (book, url):
        return report(measure(book, url, wanted, args.runs, args.accounts))


@contextmanager
def published(accounts: int) -> Iterator[tuple[Path, str]]:
    """The scale book (a migrated copy) and the address of the same book published to a
    throwaway local cluster; both gone afterwards."""
    source = scale_book(accounts)
    cluster = start_cluster()
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
            yield book, url
    finally:
        cluster.stop()


def measure(book: Path, url: str, wanted: set[str], runs: int, accounts: int) -> list[Row]:
    """The rows asked for, on the book file and on the server book at ``url``."""
    print(f"load average {load_average()}", file=sys.stderr)
    of_accounts = f"{accounts:,} accounts"
    rows: list[Row] = []
    if "metrics" in wanted:
        rows.append(metrics_row(book, url, runs, of_accounts))
    if "book" in wanted:
        rows += book_page_rows(book, url, runs, of_accounts)
    if "imports" in wanted:  # adds rows to both books
        with tempfile.TemporaryDirectory(prefix="csm-team-usage-") as scratch:
            rows.append(imports_row(book, url, Path(scratch), accounts))
    print(f"load average {load_average()}", file=sys.stderr)
    return rows


def metrics_row(book: Path, url: str, runs: int, of_accounts: str) -> Row:
    """The metrics command on the file and on the server, interleaved; the note gives the
    median CPU seconds of each (the server's: the command plus the cluster's processes)."""
    metrics = ("-m", "csm_desktop", "metrics", "--today", TODAY, "--db")
    cluster_cpu = cluster_cpu_meter(url)
    on_file: list[tuple[float, float, float]] = []
    on_server: list[tuple[float, float, float]] = []
    for _run in range(max(runs, MIN_RUNS)):
        on_file.append(cpu_timed(python(*metrics, str(book)), None))
        on_server.append(cpu_timed(python(*metrics, url), cluster_cpu))

    def median(runs: list[tuple[float, float, float]], index: int) -> float:
        return statistics.median(run[index] for run in runs)

    server_cpu = (
        f"{median(on_server, 1):.2f} s command + {median(on_server, 2):.2f} s cluster"
        if cluster_cpu is not None
        else f"{median(on_server, 1):.2f} s command (the cluster is not on this machine)"
    )
    return Row(
        f"team: metrics command, {of_accounts} (floor: same book file)",
        median(on_file, 0), median(on_server, 0), METRICS_TARGET_S, "seconds",
        note=f"CPU (user + sys), server: {server_cpu}; file: {median(on_file, 1):.2f} s",
    )  # fmt: skip


def cpu_timed(
    argv: list[str], cluster_cpu: Callable[[], float] | None
) -> tuple[float, float, float]:
    """(seconds, CPU seconds of the process, CPU seconds of the cluster meanwhile)."""
    before, cluster_before = resource.getrusage(resource.RUSAGE_CHILDREN), 0.0
    if cluster_cpu is not None:
        cluster_before = cluster_cpu()
    elapsed = timed_process(argv, env=app_env())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, used, (cluster_cpu() - cluster_before) if cluster_cpu is not None else 0.0


def cluster_cpu_meter(url: str) -> Callable[[], float] | None:
    """A reading of the CPU seconds the cluster's processes have used so far (the
    postmaster, its children and the children it reaped: parallel workers, backends that
    ended), or None when the server is not a process of this machine."""
    import psycopg
    from sqlalchemy.engine import make_url

    address = make_url(url)
    if address.host not in ("127.0.0.1", "localhost", "::1"):
        return None
    with psycopg.connect(
        host=address.host, port=address.port, user=address.username,
        password=address.password, dbname=address.database,
    ) as connection:  # fmt: skip
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()
    assert backend is not None
    try:
        postmaster = int(_stat(backend[0])[1])
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        total = sum(int(field) for field in _stat(postmaster)[11:15])
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                fields = _stat(int(pid))
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == postmaster:
                total += sum(int(field) for field in fields[11:15])
        return total / tick

    return used


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (state first, then ppid)."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rpartition(")")[2].split()


def book_page_rows(book: Path, url: str, runs: int, of_accounts: str) -> list[Row]:
    opened: dict[str, list[tuple[float, float, float]]] = {"file": [], "server": []}
    for _run in range(max(runs, MIN_RUNS)):
        opened["file"].append(book_child(str(book)))
        opened["server"].append(book_child(url))

    def median(where: str, index: int) -> float:
        return statistics.median(pair[index] for pair in opened[where])

    return [
        Row(f"team: opening the Book, first screenful shown, {of_accounts} (floor: same "
            "book file)", median("file", 0), median("server", 0), BOOK_TARGET_S,
            "seconds", note=f"every row shown: {median('server', 1):.2f} s on the "
            f"server, {median('file', 1):.2f} s on the file"),
        Row(f"team: filter keystroke, {of_accounts}", None, median("server", 2),
            KEYSTROKE_TARGET_MS, "ms", "ms",
            note=f"{median('file', 2):.1f} ms on the same book file"),
    ]  # fmt: skip


def imports_row(book: Path, url: str, scratch: Path, accounts: int) -> Row:
    files, expected = write_usage_files(scratch, accounts)
    file_s, file_added, file_failed = concurrent_imports(str(book), files)
    server_s, server_added, server_failed = concurrent_imports(url, files)
    print(
        f"ten imports of {ROWS_PER_IMPORT:,} rows at once: file {file_s:.1f} s, "
        f"{file_added:,} rows added, failed {file_failed or 'none'}; server "
        f"{server_s:.1f} s, {server_added:,} rows added, failed "
        f"{server_failed or 'none'}"
    )
    return Row(
        f"team: ten concurrent imports of {ROWS_PER_IMPORT:,} rows, rows stored once", None,
        float(abs(server_added - expected)), 0, "rows", "rows",
        note=f"{server_s:.1f} s on the server, {file_s:.1f} s on the file; "
        f"{server_added:,} of {expected:,} added",
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
