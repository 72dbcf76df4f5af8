"""Benchmark: the ``import-usage`` command on a 180,000-row .xlsx against its floor (DESIGN §7).

Target: the whole command as a process (start-up, vet, parse, validate, match, store,
evidence on the book's ladders, commit, exit) takes at most 2.0× a process in which
python-calamine alone reads the same file. The book is a real one: 200 accounts with
12-step ladders whose criteria and unlocks name the file's features (``bench/scale_book``),
so the evidence work is counted; each import gets a fresh copy of it (copying is not timed).
Command and floor alternate run by run; medians of ``--runs`` (≥ 5) each.

    python bench/import_usage.py [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scale_book import scale_book
from synthetic_book import FEATURES
from timing import Row, app_env, interleaved, load_average, python, report, timed_process

ACCOUNTS, DAYS = 200, 90
FILE_FEATURES = (*FEATURES, "search.run", "comments.add")  # the ladder's 8 and 2 more
ROWS = ACCOUNTS * DAYS * len(FILE_FEATURES)  # 180,000 rows in long form
TARGET_CALAMINE_RATIO = 2.0
CALAMINE_READ = """
import sys
from python_calamine import CalamineWorkbook
workbook = CalamineWorkbook.from_path(sys.argv[1])
workbook.get_sheet_by_index(0).to_python()
workbook.close()
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated workbook in")
    args = parser.parse_args()
    book = scale_book(ACCOUNTS)
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

        def import_once() -> float:
            nonlocal runs
            runs += 1
            copy = Path(scratch) / f"book-{runs}.sqlite3"
            shutil.copyfile(book, copy)
            command = python("-m", "csm_desktop", "import-usage", str(source), "--db", str(copy))
            return timed_process(command, env=app_env())

        floor, ours = interleaved(
            args.runs, lambda: timed_process(python("-c", CALAMINE_READ, str(source))), import_once
        )
    return report([Row(f"import-usage command, {ROWS:,} rows", floor, ours, TARGET_CALAMINE_RATIO)])


if __name__ == "__main__":
    sys.exit(main())
