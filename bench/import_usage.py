"""Benchmark: usage import of a 180,000-row .xlsx against its floor (DESIGN §7).

Target: the import, end to end (vet, parse, validate, match, store, evidence, commit), takes
at most 2.0× the time python-calamine alone takes to read the same file, and is at least 4×
faster than ``pandas.read_excel`` on it. All three are measured in the same run on the same
file, best of ``--repeat`` runs each, so the ratios hold on any machine.

    python bench/import_usage.py [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ACCOUNTS, DAYS, FEATURES = 200, 90, 10  # 180,000 rows in long form
TARGET_CALAMINE_RATIO = 2.0
TARGET_PANDAS_SPEEDUP = 4.0


def write_workbook(path: Path) -> None:
    """A long-form usage export: Account, Date (date cells), Feature, Count, Active users."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Usage")
    sheet.append(["Account", "Date", "Feature", "Count", "Active users"])
    start = dt.date(2026, 1, 1)
    days = [start + dt.timedelta(days=offset) for offset in range(DAYS)]
    features = [f"feature_{number:02d}" for number in range(FEATURES)]
    for account in range(ACCOUNTS):
        name = f"Account {account:03d}"
        for offset, day in enumerate(days):
            for number, feature in enumerate(features):
                sheet.append([name, day, feature, (account + offset * number) % 50, number + 1])
    workbook.save(path)


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def read_with_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        workbook.get_sheet_by_index(0).to_python()
    finally:
        workbook.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated workbook in")
    args = parser.parse_args()

    from sqlalchemy import insert

    from csm_desktop.services.import_usage import import_usage
    from csm_desktop.store.database import open_database
    from csm_desktop.store.models import Account

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "usage-180k.xlsx"
        if not source.exists():
            started = time.perf_counter()
            write_workbook(source)
            print(f"wrote {source.name} in {time.perf_counter() - started:.1f} s")
        print(f"file: {source.stat().st_size / 1e6:.1f} MB, {ACCOUNTS * DAYS * FEATURES:,} rows")

        runs = 0

        def import_once() -> None:
            nonlocal runs
            runs += 1
            book = open_database(Path(scratch) / f"book-{runs}.sqlite3")
            try:
                with book.session() as session:
                    session.execute(
                        insert(Account),
                        [{"name": f"Account {n:03d}", "archived": False} for n in range(ACCOUNTS)],
                    )
                started = time.perf_counter()
                report = import_usage(book, source)
                timings.append(time.perf_counter() - started)
                assert report.rows_stored == ACCOUNTS * DAYS * FEATURES, report
                assert report.rows_rejected == 0, report.rejected_rows[:3]
            finally:
                book.close()

        calamine = best_of(args.repeat, lambda: read_with_calamine(source))
        timings: list[float] = []
        for _ in range(args.repeat):
            import_once()  # a fresh database each time; only import_usage() is timed
        ours = min(timings)
        ratio = ours / calamine
        print(f"python-calamine read: {calamine:.3f} s")
        print(
            f"import_usage end to end: {ours:.3f} s = {ratio:.2f}× calamine "
            f"(target ≤ {TARGET_CALAMINE_RATIO}×)"
        )
        ok = ratio <= TARGET_CALAMINE_RATIO
        try:
            import pandas  # type: ignore[import-untyped]
        except ImportError:
            print("pandas not installed: pandas.read_excel comparison skipped")
        else:
            panda = best_of(args.repeat, lambda: pandas.read_excel(source, engine="openpyxl"))
            speedup = panda / ours
            print(
                f"pandas.read_excel (engine openpyxl, its default): {panda:.3f} s; "
                f"import is {speedup:.1f}× faster (target ≥ {TARGET_PANDAS_SPEEDUP}×)"
            )
            ok = ok and speedup >= TARGET_PANDAS_SPEEDUP
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
