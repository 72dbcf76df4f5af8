"""Benchmark for DESIGN §7: portfolio metrics over 5,000 accounts and 4.5 million usage rows.

Target: under 2 s. The book is built once by ``bench/synthetic_book.py`` and cached under
``bench/out/``; later runs only time the metrics (in process; the median of ``--repeat``
runs, at least 5). Run:
``python bench/metrics.py [--rebuild] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from synthetic_book import FEATURES, TODAY, build_book
from timing import Row, load_average, report

from csm_desktop.services.book import book_rows
from csm_desktop.services.metrics import portfolio_metrics, portfolio_summary
from csm_desktop.store.database import open_database

TARGET_SECONDS = 2.0
ACCOUNTS = 5_000
FEATURES_PER_ACCOUNT = 5
OUT = Path(__file__).resolve().parent / "out"
DB_PATH = OUT / "metrics-5000.sqlite3"


def usage_since_kickoff(
    rng: random.Random, age: int, engagement: float
) -> Iterator[tuple[int, str, int]]:
    """Every day since kickoff for 5 of the 8 features; a fifth of the days unused, and an
    account of low engagement falls quiet (all zeros) for its last weeks."""
    features = rng.sample(FEATURES, FEATURES_PER_ACCOUNT)
    quiet_from = age - rng.randrange(0, 40) if engagement < 0.2 else -1
    for offset in range(age, -1, -1):
        quiet = offset <= quiet_from
        for feature in features:
            yield offset, feature, 0 if quiet or rng.random() < 0.2 else rng.randrange(1, 60)


def build(path: Path, seed: int = 7) -> None:
    """Create the benchmark book at ``path`` (``bench/synthetic_book.py``, in one batch)."""
    usage_rows = build_book(
        path,
        ACCOUNTS,
        usage_since_kickoff,
        seed=seed,
        feature_ids=sorted(FEATURES),
        batch=ACCOUNTS,
    )
    print(f"built {path}: {ACCOUNTS} accounts, {usage_rows:,} usage rows", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="build the book again")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (the median counts)")
    args = parser.parse_args()
    if args.rebuild or not DB_PATH.exists():
        started = time.perf_counter()
        build(DB_PATH)
        print(f"build took {time.perf_counter() - started:.1f} s", file=sys.stderr)

    database = open_database(DB_PATH)
    try:
        with database.engine.connect() as connection:
            usage_rows = connection.exec_driver_sql("SELECT count(*) FROM usage_event").scalar()
        portfolio_times = []
        summary_times = []
        book_times = []
        for _ in range(max(args.repeat, 5)):  # interleaved, so load swings hit all three
            started = time.perf_counter()
            metrics = portfolio_metrics(database, TODAY)
            portfolio_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            summary = portfolio_summary(database, TODAY)
            summary_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows = book_rows(database, TODAY)
            book_times.append(time.perf_counter() - started)
    finally:
        database.close()
    assert summary == metrics.summary(), "the SQL-counted summary must equal the domain's"
    middle = statistics.median(portfolio_times)
    print(f"accounts: {metrics.accounts:,}  usage rows: {usage_rows:,}  book rows: {len(rows):,}")
    print(f"load average: {load_average()}")
    for label, times in (
        ("portfolio metrics (dashboard, metrics --json)", portfolio_times),
        ("portfolio summary (metrics text)", summary_times),
        ("book rows (the Book page)", book_times),
    ):
        print(
            f"{label}: median {statistics.median(times):.3f} s of {len(times)} "
            f"(runs: {', '.join(f'{t:.3f}' for t in times)})"
        )
    return report(
        [
            Row(
                f"portfolio metrics, {ACCOUNTS:,} accounts", None, middle, TARGET_SECONDS, "seconds"
            ),
            Row(
                f"portfolio summary (metrics text), {ACCOUNTS:,} accounts",
                None,
                statistics.median(summary_times),
                TARGET_SECONDS,
                "seconds",
            ),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
