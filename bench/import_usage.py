"""Benchmark: the ``import-usage`` command on a 180,000-row .xlsx against its floor (DESIGN §7).

Target: the whole command as a process (start-up, vet, parse, validate, match, store,
evidence on the book's ladders, commit, exit) takes at most 2.0× a process in which
python-calamine alone reads the same file. The book is a real one: 200 accounts with
12-step ladders whose criteria and unlocks name the file's features (``bench/scale_book``),
so the evidence work is counted; each import gets a fresh copy of it (copying is not timed).
Command and floor alternate run by run; medians of ``--runs`` (≥ 5) each. The row's note
gives the CPU seconds (user + system) of both, medians too: on a loaded machine the wall
ratio swings with the load (the floor's wall grows more than its CPU, ours overlaps its two
threads), the CPU ratio far less.

With ``--pandas`` a second row holds the command against ``pandas.read_excel`` reading the
same file (engine openpyxl, pandas' default reader of .xlsx until now), a third process in
the same rounds; target: at least 4× faster, i.e. ≤ 0.25× its time. pandas comes with the
``bench`` extra (``pip install -e ".[bench]"``); each of its reads takes about half a minute.

    python bench/import_usage.py [--runs 5] [--keep DIR] [--pandas]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_book import scale_book
from synthetic_book import FEATURES
from timing import Row, app_env, interleaved, load_average, python, report

from csm_desktop.store.database import open_database

ACCOUNTS, DAYS = 200, 90
FILE_FEATURES = (*FEATURES, "search.run", "comments.add")  # the ladder's 8 and 2 more
ROWS = ACCOUNTS * DAYS * len(FILE_FEATURES)  # 180,000 rows in long form
TARGET_CALAMINE_RATIO = 2.0
TARGET_PANDAS_RATIO = 0.25  # at least 4× faster than pandas.read_excel
CALAMINE_READ = """
import sys
from python_calamine import CalamineWorkbook
workbook = CalamineWorkbook.from_path(sys.argv[1])
workbook.get_sheet_by_index(0).to_python()
workbook.close()
"""
PANDAS_READ = """
import sys
import pandas
pandas.read_excel(sys.argv[1], engine="openpyxl")
"""


def write_workbook(path: Path) -> None:
    """A long-form usage export: Account, Date (date cells), Feature, Count, Active users."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Usage")
    sheet.append(["Account", "Date", "Feature", "Count", "Active users"])
    start = dt.date(2026, 3, 1)
    days = [start + dt.timedelta(days=offset) for offset in range(DAYS)]
    for account in range(1, ACCOUNTS + 1):
        name = f"Account {account:05d}"
        for offset, day in enumerate(days):
            for number, feature in enumerate(FILE_FEATURES):
                sheet.append([name, day, feature, (account + offset * number) % 50, number + 1])
    workbook.save(path)


def cpu_timed(argv: list[str], env: dict[str, str], cpu: list[float]) -> float:
    """Wall seconds of one process; its CPU seconds (user + system) go to ``cpu``. A failing
    process is an error."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{errors}")
    cpu.append(usage.ru_utime + usage.ru_stime)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated workbook in")
    parser.add_argument(
        "--pandas", action="store_true", help="also the row against pandas.read_excel"
    )
    args = parser.parse_args()
    if args.pandas and importlib.util.find_spec("pandas") is None:
        raise SystemExit('--pandas: pandas is not installed (pip install -e ".[bench]")')
    book = scale_book(ACCOUNTS)
    # A book cached by an older version is upgraded once, here: otherwise every timed import
    # would migrate its copy first (alembic's import alone is ~0.3 s).
    open_database(book).close()
    print(f"load average {load_average()}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "usage-180k.xlsx"
        if not source.exists():
            started = time.perf_counter()
            write_workbook(source)
            print(f"wrote {source.name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        runs = 0
        cpu: dict[str, list[float]] = {"floor": [], "ours": [], "pandas": []}

        def import_once() -> float:
            nonlocal runs
            runs += 1
            copy = Path(scratch) / f"book-{runs}.sqlite3"
            shutil.copyfile(book, copy)
            command = python("-m", "csm_desktop", "import-usage", str(source), "--db", str(copy))
            seconds = cpu_timed(command, app_env(), cpu["ours"])
            print(
                f"run {runs}: floor CPU {cpu['floor'][-1]:.2f} s, ours {seconds:.2f} s, CPU "
                f"{cpu['ours'][-1]:.2f} s (load {load_average()})",
                file=sys.stderr,
            )
            return seconds

        def floor_once() -> float:
            read = python("-c", CALAMINE_READ, str(source))
            return cpu_timed(read, dict(os.environ), cpu["floor"])

        pandas: list[float] = []

        def floors_once() -> float:
            if args.pandas:  # the slow floor first: the two others run next to each other
                read = python("-c", PANDAS_READ, str(source))
                pandas.append(cpu_timed(read, dict(os.environ), cpu["pandas"]))
            return floor_once()

        floor, ours = interleaved(args.runs, floors_once, import_once)
    floor_cpu, our_cpu = (statistics.median(cpu[key]) for key in ("floor", "ours"))
    note = f"CPU {our_cpu:.2f} s vs floor {floor_cpu:.2f} s: {our_cpu / floor_cpu:.2f}×"
    rows = [
        Row(f"import-usage command, {ROWS:,} rows", floor, ours, TARGET_CALAMINE_RATIO, note=note)
    ]
    if args.pandas:
        pandas_cpu = statistics.median(cpu["pandas"])
        rows.append(
            Row(
                f"import-usage command vs pandas.read_excel, {ROWS:,} rows",
                statistics.median(pandas),
                ours,
                TARGET_PANDAS_RATIO,
                note=f"CPU {our_cpu:.2f} s vs pandas {pandas_cpu:.2f} s: "
                f"{pandas_cpu / our_cpu:.1f}× faster",
            )
        )
    return report(rows)


if __name__ == "__main__":
    sys.exit(main())
