"""Benchmark: the 50,000-account rows of issue 17 (DESIGN §7 and §9 targets).

Rows (each a median of interleaved runs with its floor, see ``bench/timing.py``):

- ``metrics`` command, 50,000 accounts: the whole command as a process; target < 3 s. Floor:
  a bare Python process reading the same accounts and ladders (every account and milestone
  row, in order) with ``sqlite3`` — what any metric must read at the least.
- Today at 50,000 accounts, in a window process (``bench/today_scale.py``): the first lines
  in the view (target < 0.5 s), the complete list in the view (target < 2 s; floor: the
  same reads as above inside a process) and the longest UI-thread stall meanwhile, measured
  with a 5 ms ``QTimer`` heartbeat (target < 50 ms).
- a usage row on disk: bytes the file grows by per stored row (600,000 rows); target ≤ 60.
- with ``--heavy`` (not run by default):
  - ``import-book``, 5,000 accounts (12 milestones, ~10 usage rows each): the whole command
    into a new book, interleaved with its floor, a process in which python-calamine reads
    every sheet of the same workbook; target ≤ 3×. The row's note gives both processes' CPU
    seconds (user + system), which a loaded machine inflates far less than wall time.
  - ``export-book`` of the 50,000-account book (10.4 million usage rows, split over Usage,
    Usage 2, …), once: seconds and peak memory (targets < 60 s and < 1 GiB; minutes and
    gigabytes before issue 17). The note gives its CPU seconds (user + system, every thread:
    the rows are read and the sheets deflated by threads beside the one writing the XML).
  - ``import-book`` of a 50,000-account workbook shaped as the 5,000 one (600,000 milestones,
    ~500,000 usage rows), once: seconds and peak memory (targets < 60 s and < 1 GiB; issue
    17 measured 295 s and 3.8 GiB). The 9.6-million-row export is not imported here: its
    usage rows alone are more than 1 GiB as row objects (issue 17's "checks and stores
    usage in chunks" is still to do).
  - ``export-book`` of the 5,000-account book the import-book row reads (12 milestones, ~10
    usage rows each), interleaved with its floor: a process in which openpyxl's write-only
    workbook writes the same rows (read once beforehand from our own export with
    python-calamine, empty cells left empty) into the same sheets; target ≤ 2×. The note
    gives both processes' CPU seconds.
  ``--book-only`` runs only these rows.

    python bench/scale.py [--runs 5] [--accounts 50000] [--rebuild] [--heavy [--book-only]]
                          [--only metrics today disk | --only import-book | --only export-book]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from scale_book import scale_book
from timing import Row, app_env, interleaved, load_average, python, report, timed_process
from today_scale import today_rows

TODAY = "2026-06-30"
FLOOR_READ = """
import sqlite3, sys, time
started = time.perf_counter()
c = sqlite3.connect(sys.argv[1])
c.execute("SELECT * FROM account ORDER BY name").fetchall()
c.execute("SELECT * FROM account_milestone ORDER BY account_id, position").fetchall()
print(time.perf_counter() - started)
"""


CALAMINE_READ = """
import sys
from python_calamine import CalamineWorkbook
with CalamineWorkbook.from_path(sys.argv[1]) as workbook:
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""
# export-book's floor, in two parts: the rows of a workbook read once (not timed) into a
# pickle, then a process writing them with openpyxl's write-only workbook (timed).
ROWS_OF_WORKBOOK = """
import pickle, sys
from python_calamine import CalamineWorkbook
with CalamineWorkbook.from_path(sys.argv[1]) as workbook:
    sheets = [
        (name, [[None if value == "" else value for value in row]
                for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)])
        for name in workbook.sheet_names
    ]
with open(sys.argv[2], "wb") as out:
    pickle.dump(sheets, out, protocol=5)
"""
OPENPYXL_WRITE = """
import pickle, sys
import openpyxl
with open(sys.argv[1], "rb") as rows:
    sheets = pickle.load(rows)
workbook = openpyxl.Workbook(write_only=True)
for name, rows in sheets:
    sheet = workbook.create_sheet(name)
    for row in rows:
        sheet.append(row)
workbook.save(sys.argv[2])
"""
MIB = 1024 * 1024


class Measured(NamedTuple):
    seconds: float  # wall
    peak: float  # resident MiB
    cpu: float  # user + system seconds: what a loaded machine does not inflate much


def measured_process(argv: list[str], *, env: dict[str, str] | None = None) -> Measured:
    """Wall seconds, peak resident MiB and CPU seconds of one process (the app's unless
    ``env`` is given); a failing one is an error."""
    import subprocess

    started = time.perf_counter()
    child = subprocess.Popen(
        argv, env=env or app_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}):\n{errors}")
    return Measured(elapsed, usage.ru_maxrss * 1024 / MIB, usage.ru_utime + usage.ru_stime)


def reported(argv: list[str]) -> float:
    """Run a child that prints the seconds it measured itself; return them."""
    import subprocess

    done = subprocess.run(argv, env=app_env(), capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def bytes_per_usage_row() -> float:
    from sqlalchemy import select

    from csm_desktop.store.database import open_database
    from csm_desktop.store.models import Account
    from csm_desktop.store.queries.usage_rows import store_usage_rows

    with tempfile.TemporaryDirectory() as scratch:
        book = open_database(Path(scratch) / "size.sqlite3")
        try:
            with book.session() as session:
                session.add_all(Account(name=f"Account {n}") for n in range(1000))
            with book.session() as session:
                before = _used_bytes(session)
                first = dt.date(2026, 1, 1)
                rows = [
                    (a, first + dt.timedelta(d), f"feature_{f:02d}", (a * d + f) % 60, None)
                    for a in session.scalars(select(Account.id))
                    for d in range(120)
                    for f in range(5)
                ]
                store_usage_rows(session, rows)
            with book.session() as session:
                return (_used_bytes(session) - before) / len(rows)
        finally:
            book.close()


def _used_bytes(session) -> int:  # type: ignore[no-untyped-def]
    connection = session.connection()
    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    value = connection.exec_driver_sql
    pages = value("PRAGMA page_count").scalar() - value("PRAGMA freelist_count").scalar()
    return int(pages * value("PRAGMA page_size").scalar())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--heavy", action="store_true", help="also import-book and export-book")
    parser.add_argument("--book-only", action="store_true", help="only the --heavy rows")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=("metrics", "today", "disk", "import-book", "export-book"),
        help="rows to run (default: metrics, today, disk); import-book: the two import rows "
        "of --heavy without the export; export-book: its 5,000-account row",
    )
    args = parser.parse_args()
    if args.only and set(args.only) == {"export-book"}:
        print(f"load average {load_average()}", file=sys.stderr)
        rows = [export_book_5k(args.runs)]
        print(f"load average after: {load_average()}", file=sys.stderr)
        return report(rows)
    if args.only and set(args.only) == {"import-book"}:
        print(f"load average {load_average()}", file=sys.stderr)
        label = f"{args.accounts:,} accounts"
        rows = [import_book_5k(args.runs), *import_book_big(args.accounts, label)]
        print(f"load average after: {load_average()}", file=sys.stderr)
        return report(rows)
    if args.book_only:
        print(f"load average {load_average()}", file=sys.stderr)
        rows = [
            import_book_5k(args.runs),
            export_book_5k(args.runs),
            *heavy_rows(scale_book(args.accounts), "", args.accounts),
        ]
        print(f"load average after: {load_average()}", file=sys.stderr)
        return report(rows)
    book = scale_book(args.accounts, rebuild=args.rebuild)
    label = f"{args.accounts:,} accounts"
    print(f"book {book.name}; load average {load_average()}", file=sys.stderr)

    floor_process = python("-c", FLOOR_READ, str(book))
    chosen = set(args.only or ("metrics", "today", "disk"))
    rows = []
    if "metrics" in chosen:
        metrics_command = python(
            "-m", "csm_desktop", "metrics", "--db", str(book), "--today", TODAY
        )
        floor, ours = interleaved(
            args.runs,
            lambda: timed_process(floor_process),
            lambda: timed_process(metrics_command, env=app_env()),
        )
        rows.append(Row(f"metrics command, {label}", floor, ours, 3.0, kind="seconds"))
    if "today" in chosen:
        rows.extend(today_rows(book, TODAY, label, args.runs, lambda: reported(floor_process)))
    if "disk" in chosen:
        rows.append(
            Row("usage row on disk", None, bytes_per_usage_row(), 60, kind="bytes", unit="B")
        )
    if args.heavy:
        rows += [import_book_5k(args.runs), export_book_5k(args.runs)]
        rows.extend(heavy_rows(book, label, args.accounts))
    elif "import-book" in chosen:
        rows += [import_book_5k(args.runs), *import_book_big(args.accounts, label)]
    print(f"load average after: {load_average()}", file=sys.stderr)
    return report(rows)


def import_workbook(accounts: int) -> Path:
    """The workbook of ``accounts`` accounts with 12 milestones and ~10 usage rows each
    (exported once from its cached book)."""
    book = scale_book(accounts, usage_days=5, features=2)  # ~10 usage rows an account
    workbook = book.with_suffix(".xlsx")
    if not workbook.exists():
        export = python("-m", "csm_desktop", "export-book", str(workbook), "--db", str(book))
        measured_process(export)
    return workbook


def import_book_5k(runs: int) -> Row:
    """import-book of a 5,000-account workbook into a new book, against calamine reading it.
    The note gives the CPU seconds of both (medians): under load the wall ratio varies."""
    workbook = import_workbook(5_000)
    with tempfile.TemporaryDirectory() as scratch:
        made = iter(range(1_000))

        def ours() -> Measured:
            target = Path(scratch) / f"new-{next(made)}.sqlite3"
            run = measured_process(
                python("-m", "csm_desktop", "import-book", str(workbook), "--db", str(target))
            )
            print(
                f"import-book 5,000: {run.seconds:.2f} s, CPU {run.cpu:.2f} s, peak "
                f"{run.peak:.0f} MiB (load {load_average()})",
                file=sys.stderr,
            )
            return run

        def floor() -> Measured:
            return measured_process(
                python("-c", CALAMINE_READ, str(workbook)), env=dict(os.environ)
            )

        return interleaved_row("import-book, 5,000 accounts", 3.0, runs, floor, ours)


def export_book_5k(runs: int) -> Row:
    """export-book of the 5,000-account book against openpyxl's write-only workbook writing
    the same rows, interleaved; the note gives the CPU seconds of both (medians)."""
    book = scale_book(5_000, usage_days=5, features=2)
    with tempfile.TemporaryDirectory() as scratch:
        rows = Path(scratch) / "rows.pickle"
        measured_process(python("-c", ROWS_OF_WORKBOOK, str(import_workbook(5_000)), str(rows)))

        def ours() -> Measured:
            target = Path(scratch) / "ours.xlsx"
            run = measured_process(
                python("-m", "csm_desktop", "export-book", str(target), "--db", str(book))
            )
            target.unlink()
            print(
                f"export-book 5,000: {run.seconds:.2f} s, CPU {run.cpu:.2f} s "
                f"(load {load_average()})",
                file=sys.stderr,
            )
            return run

        def floor() -> Measured:
            target = Path(scratch) / "floor.xlsx"
            run = measured_process(
                python("-c", OPENPYXL_WRITE, str(rows), str(target)), env=dict(os.environ)
            )
            target.unlink()
            return run

        return interleaved_row("export-book, 5,000 accounts", 2.0, runs, floor, ours)


def interleaved_row(
    path: str, target: float, runs: int, floor: Callable[[], Measured], ours: Callable[[], Measured]
) -> Row:
    """A ratio row of two processes run in turn (``timing.interleaved``): wall-clock medians,
    and a note with both processes' CPU seconds (medians), which a loaded machine inflates far
    less."""
    cpu: dict[str, list[float]] = {"floor": [], "ours": []}

    def timed(kind: str, run: Callable[[], Measured]) -> Callable[[], float]:
        def once() -> float:
            measured = run()
            cpu[kind].append(measured.cpu)
            return measured.seconds

        return once

    floor_seconds, mine = interleaved(runs, timed("floor", floor), timed("ours", ours))
    floor_cpu, our_cpu = (statistics.median(cpu[k]) for k in ("floor", "ours"))
    note = f"CPU {our_cpu:.2f} s vs floor {floor_cpu:.2f} s: {our_cpu / floor_cpu:.2f}×"
    return Row(path, floor_seconds, mine, target, note=note)


def heavy_rows(book: Path, label: str, accounts: int) -> list[Row]:
    """export-book of the big book and import-book of a workbook of as many accounts, once
    each (minutes): seconds and peak memory. The book's usage needs more than one Excel
    sheet, so the export splits it."""
    label = label or f"{accounts:,} accounts"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        workbook = Path(scratch) / "book.xlsx"
        export = python("-m", "csm_desktop", "export-book", str(workbook), "--db", str(book))
        seconds, peak, cpu = measured_process(export)
        note = f"CPU {cpu:.1f} s (load {load_average()})"
        rows = [
            Row(f"export-book, {label}", None, seconds, 60.0, kind="seconds", note=note),
            Row(f"export-book peak memory, {label}", None, peak, 1024, kind="MiB", unit="MiB"),
        ]
    rows += import_book_big(accounts, label)
    print(f"heavy rows took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return rows


def import_book_big(accounts: int, label: str) -> list[Row]:
    """import-book of the ``accounts``-account workbook (12 milestones, ~10 usage rows each)
    into a new book, once: seconds and peak memory."""
    workbook = import_workbook(accounts)
    label = f"{label} (12 milestones, ~10 usage rows each)"
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "new.sqlite3"
        command = python("-m", "csm_desktop", "import-book", str(workbook), "--db", str(target))
        seconds, peak, cpu = measured_process(command)
    note = f"CPU {cpu:.1f} s; load average at the end {load_average()}"
    return [
        Row(f"import-book, {label}", None, seconds, 60.0, kind="seconds", note=note),
        Row(f"import-book peak memory, {label}", None, peak, 1024, kind="MiB", unit="MiB"),
    ]


if __name__ == "__main__":
    sys.exit(main())
