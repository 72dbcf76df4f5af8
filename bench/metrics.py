"""Benchmark for DESIGN §7: portfolio metrics over 5,000 accounts and 4.5 million usage rows.

Target: under 2 s. The book is built once with plain ``executemany`` on the raw SQLite
connection (the ORM would take minutes) and cached under ``bench/out/``; later runs only
time the metrics (in process; the median of ``--repeat`` runs, at least 5). Run:
``python bench/metrics.py [--rebuild] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from timing import Row, report

from csm_desktop.services.metrics import book_rows, portfolio_metrics
from csm_desktop.store.database import open_database

TARGET_SECONDS = 2.0
TODAY = dt.date(2026, 6, 30)
ACCOUNTS = 5_000
FEATURES = (
    "reports.run",
    "dashboards.view",
    "automations.run",
    "integrations.sync",
    "alerts.ack",
    "exports.create",
    "api.call",
    "admin.audit",
)
FEATURES_PER_ACCOUNT = 5
OWNERS = tuple(f"CSM {i:02d}" for i in range(1, 13))
SEGMENTS = ("SMB", "Mid-market", "Enterprise")
# (title, role id, target day, first value, unlocks, success feature): a 12-step ladder.
LADDER = (
    ("Single sign-on live", 1, 3, False, None, None),
    ("Data integration connected", 1, 7, False, "integrations.sync", "integrations.sync"),
    ("First report run", 2, 10, True, "reports.run", "reports.run"),
    ("Operational dashboard in use", 3, 14, False, "dashboards.view", "dashboards.view"),
    ("Alerts routed", 3, 21, False, "alerts.ack", None),
    ("First automation", 2, 30, False, "automations.run", "automations.run"),
    ("Audit policy set", 1, 35, False, None, "admin.audit"),
    ("Exports scheduled", 2, 45, False, "exports.create", None),
    ("API access granted", 1, 55, False, "api.call", None),
    ("Team dashboards shared", 3, 60, False, None, "dashboards.view"),
    ("Automation library", 2, 75, False, None, "automations.run"),
    ("Executive review", 1, 90, False, None, None),
)
OUT = Path(__file__).resolve().parent / "out"
DB_PATH = OUT / "metrics-5000.sqlite3"


def build(path: Path, seed: int = 7) -> None:
    """Create the benchmark book at ``path`` (schema by the app, rows by executemany)."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_database(path).close()  # schema and migrations exactly as the app makes them

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    days = {offset: (TODAY - dt.timedelta(days=offset)).isoformat() for offset in range(-5, 400)}
    with conn:
        conn.executemany(
            "INSERT INTO playbook (id, name, version, segment, description, change_note, "
            "archived) VALUES (?, ?, 1, ?, '', '', 0)",
            [(i + 1, f"{segment} onboarding", segment) for i, segment in enumerate(SEGMENTS)],
        )
        account_rows = []
        milestone_rows = []
        usage_rows = []
        for number in range(1, ACCOUNTS + 1):
            segment_index = rng.randrange(3)
            age = rng.randrange(0, 366)
            kickoff = TODAY - dt.timedelta(days=age)
            account_rows.append(
                (
                    number,
                    f"Account {number:05d}",
                    f"EXT-{number:05d}",
                    SEGMENTS[segment_index],
                    rng.choice(OWNERS),
                    (kickoff - dt.timedelta(days=7)).isoformat(),
                    kickoff.isoformat(),
                    segment_index + 1,
                )
            )
            engagement = rng.random()
            for position, (title, role, target, first, unlocks, feature) in enumerate(LADDER):
                due = kickoff + dt.timedelta(days=target)
                status, achieved = "not started", None
                if due <= TODAY + dt.timedelta(days=10) and rng.random() < 0.35 + 0.6 * engagement:
                    when = min(TODAY, due + dt.timedelta(days=rng.randrange(-5, 12)))
                    status, achieved = "achieved", max(kickoff, when).isoformat()
                elif rng.random() < 0.04:
                    status = "skipped"
                elif due <= TODAY + dt.timedelta(days=14):
                    status = rng.choice(("in progress", "blocked", "not started"))
                milestone_rows.append(
                    (
                        number,
                        position,
                        title,
                        role,
                        target,
                        due.isoformat(),
                        status,
                        achieved,
                        first,
                        unlocks,
                        feature,
                        50 if feature else None,
                        7 if feature else None,
                    )
                )
            features = rng.sample(FEATURES, FEATURES_PER_ACCOUNT)
            quiet_from = age - rng.randrange(0, 40) if engagement < 0.2 else -1
            for offset in range(age, -1, -1):
                day = days[offset]
                quiet = offset <= quiet_from
                for feature in features:
                    count = 0 if quiet or rng.random() < 0.2 else rng.randrange(1, 60)
                    usage_rows.append((number, day, feature, count))
        conn.executemany(
            "INSERT INTO account (id, name, external_id, segment, owner, signed_on, kickoff_on, "
            "playbook_id, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
            account_rows,
        )
        conn.executemany(
            "INSERT INTO account_milestone (account_id, position, title, role_id, target_day, "
            "due_on, status, status_reason, achieved_on, definition_of_done, first_value, "
            "unlocks, cue, success_feature, success_threshold, success_window_days) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, '', ?, ?, '', ?, ?, ?)",
            milestone_rows,
        )
        # Usage rows are stored compactly (migration 0006): day numbers, feature ids.
        conn.executemany(
            "INSERT OR IGNORE INTO usage_feature (key) VALUES (?)",
            [(feature,) for feature in sorted({row[2] for row in usage_rows})],
        )
        conn.executemany(
            "INSERT INTO usage_event (account_id, day, feature_id, count) VALUES (?, "
            "CAST(julianday(?) - 2440587.5 AS INTEGER), "
            "(SELECT id FROM usage_feature WHERE key = ?), ?)",
            usage_rows,
        )
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"built {path}: {ACCOUNTS} accounts, {len(usage_rows):,} usage rows", file=sys.stderr)


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
        book_times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            metrics = portfolio_metrics(database, TODAY)
            portfolio_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows = book_rows(database, TODAY)
            book_times.append(time.perf_counter() - started)
    finally:
        database.close()
    middle = statistics.median(portfolio_times)
    print(f"accounts: {metrics.accounts:,}  usage rows: {usage_rows:,}  book rows: {len(rows):,}")
    print(
        f"portfolio metrics: median {middle:.3f} s of {len(portfolio_times)} "
        f"(runs: {', '.join(f'{t:.3f}' for t in portfolio_times)})"
    )
    print(f"book rows: median {statistics.median(book_times):.3f} s")
    return report(
        [Row(f"portfolio metrics, {ACCOUNTS:,} accounts", None, middle, TARGET_SECONDS, "seconds")]
    )


if __name__ == "__main__":
    raise SystemExit(main())
