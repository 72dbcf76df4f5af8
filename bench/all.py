"""Every benchmark in one table: path | floor | ours | ratio | target (DESIGN §7, issue 17).

Runs each ``bench/*.py`` script as its own process, one after the other, and collects the
``BENCH`` lines they print (``bench/timing.py``); a script that prints none yet gets one row
saying whether it passed (its exit status). Prints the load average before and after, since
on a shared machine that is what the absolute numbers mean. Exits 1 when any row misses.
Needs the ``bench`` extra (``pip install -e ".[bench]"``: pandas, for the import comparison).

    python bench/all.py [--only scale.py metrics.py …]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from timing import app_env, load_average

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    ("startup.py", []),
    ("import_usage.py", ["--pandas"]),  # and against pandas.read_excel (the bench extra)
    ("metrics.py", []),
    ("reports.py", []),
    ("book_view.py", []),
    ("scale.py", ["--heavy"]),  # every 50,000-account row of issue 17, import-book at 5k too
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="script names to run (default: all)")
    args = parser.parse_args()
    before = load_average()
    table: list[tuple[str, str, str, str, str, bool]] = []
    for script, extra in SCRIPTS:
        if args.only and script not in args.only:
            continue
        argv = [sys.executable, str(HERE / script), *extra]
        started = time.perf_counter()
        done = subprocess.run(argv, env=app_env(), capture_output=True, text=True, check=False)
        took = time.perf_counter() - started
        rows = [
            json.loads(line[6:]) for line in done.stdout.splitlines() if line.startswith("BENCH ")
        ]
        print(f"{script}: exit {done.returncode} after {took:.0f} s", file=sys.stderr)
        for row in rows:
            unit = row["unit"]
            floor = f"{row['floor']:.3f} s" if row["floor"] is not None else "–"
            ours = f"{row['ours']:.3f} {unit}"
            ratio = f"{row['ratio']:.2f}×" if row["ratio"] is not None else "–"
            target = (
                f"≤ {row['target']}×" if row["kind"] == "ratio" else f"< {row['target']} {unit}"
            )
            table.append((row["path"], floor, ours, ratio, target, row["ok"]))
        if not rows:
            last = (done.stdout.strip().splitlines() or [""])[-1][:60]
            table.append(
                (
                    f"{script} (no table row yet: {last})",
                    "?",
                    "?",
                    "?",
                    "its own",
                    done.returncode == 0,
                )
            )
    print(f"load average before: {before}; after: {load_average()}")
    print("| path | floor | ours | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for path, floor, ours, ratio, target, ok in table:
        print(f"| {path} | {floor} | {ours} | {ratio} | {target} | {'yes' if ok else 'NO'} |")
    return 0 if all(row[-1] for row in table) else 1


if __name__ == "__main__":
    sys.exit(main())
