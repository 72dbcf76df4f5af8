"""The 50,000-account book of issue 17, built once and cached under ``bench/out/``.

Accounts, 12-step ladders and usage like ``bench/metrics.py`` (same ladder, owners and
segments), but usage only for the last 8 weeks and 4 features an account, so the book holds
about 9.6 million usage rows (the team lead's exported team book of the issue). Rows are
written straight into the compact schema (day numbers, feature ids; migration 0006) with
``executemany``, 1,000 accounts at a time so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import sys
import time
from pathlib import Path

from metrics import FEATURES, LADDER, OWNERS, SEGMENTS, TODAY

from csm_desktop.store.database import open_database
from csm_desktop.store.day_numbers import day_number

OUT = Path(__file__).resolve().parent / "out"
USAGE_DAYS = 56
FEATURES_PER_ACCOUNT = 4


def scale_book(accounts: int = 50_000, *, rebuild: bool = False) -> Path:
    """The cached book of ``accounts`` accounts (built when missing or asked to)."""
    path = OUT / f"scale-{accounts}.sqlite3"
    if rebuild or not path.exists():
        started = time.perf_counter()
        build(path, accounts)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def build(path: Path, accounts: int, seed: int = 17) -> None:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_database(path).close()  # schema exactly as the app makes it
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    today = day_number(TODAY)
    with conn:
        conn.executemany(
            "INSERT INTO playbook (id, name, version, segment, description, change_note, "
            "archived) VALUES (?, ?, 1, ?, '', '', 0)",
            [(i + 1, f"{segment} onboarding", segment) for i, segment in enumerate(SEGMENTS)],
        )
        conn.executemany(
            "INSERT INTO usage_feature (id, key) VALUES (?, ?)",
            [(i + 1, feature) for i, feature in enumerate(FEATURES)],
        )
        for first in range(1, accounts + 1, 1000):
            account_rows, milestone_rows, usage_rows = [], [], []
            for number in range(first, min(first + 1000, accounts + 1)):
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
                for position, (title, role, target, first_value, unlocks, feature) in enumerate(
                    LADDER
                ):
                    due = kickoff + dt.timedelta(days=target)
                    status, achieved = "not started", None
                    if due <= TODAY + dt.timedelta(days=10) and rng.random() < 0.35 + 0.6 * (
                        engagement
                    ):
                        when = min(TODAY, due + dt.timedelta(days=rng.randrange(-5, 12)))
                        status, achieved = "achieved", max(kickoff, when).isoformat()
                    elif rng.random() < 0.04:
                        status = "skipped"
                    elif due <= TODAY + dt.timedelta(days=14):
                        status = rng.choice(("in progress", "blocked", "not started"))
                    milestone_rows.append(
                        (
                            number, position, title, role, target, due.isoformat(), status,
                            achieved, first_value, unlocks, feature, 50 if feature else None,
                            7 if feature else None,
                        )
                    )  # fmt: skip
                features = rng.sample(range(1, len(FEATURES) + 1), FEATURES_PER_ACCOUNT)
                for offset in range(min(age, USAGE_DAYS - 1), -1, -1):
                    for feature_id in features:
                        count = 0 if rng.random() < 0.15 else rng.randrange(1, 60)
                        usage_rows.append((number, today - offset, feature_id, count))
            conn.executemany(
                "INSERT INTO account (id, name, external_id, segment, owner, signed_on, "
                "kickoff_on, playbook_id, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                account_rows,
            )
            conn.executemany(
                "INSERT INTO account_milestone (account_id, position, title, role_id, "
                "target_day, due_on, status, status_reason, achieved_on, definition_of_done, "
                "first_value, unlocks, cue, success_feature, success_threshold, "
                "success_window_days) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, '', ?, ?, '', ?, ?, ?)",
                milestone_rows,
            )
            conn.executemany(
                "INSERT INTO usage_event (account_id, day, feature_id, count) VALUES (?, ?, ?, ?)",
                usage_rows,
            )
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


if __name__ == "__main__":
    scale_book(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, rebuild=True)
