"""The one builder of the benchmarks' synthetic books: accounts, 12-step ladders and usage.

``bench/metrics.py`` (5,000 accounts, usage since kickoff) and ``bench/scale_book.py`` (50,000
accounts, the last 8 weeks of usage) differ only in how much usage an account gets; both hand
``build_book`` their usage rule. The schema is made by the app (``open_database``); rows go
straight into it with ``executemany`` on the raw SQLite connection (the ORM would take
minutes), usage in the compact form of migration 0006 (day numbers, feature ids), a batch of
accounts at a time so memory stays flat. A seed gives the same book on every run, so timings
stay comparable between runs and commits.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from csm_desktop.store.database import open_database
from csm_desktop.store.day_numbers import day_number

TODAY = dt.date(2026, 6, 30)
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

# An account's usage: given the generator, its age in days since kickoff and its engagement
# (0–1), the (days before TODAY, feature key, count) of each row, newest last.
UsageRule = Callable[[random.Random, int, float], Iterable[tuple[int, str, int]]]


def build_book(
    path: Path,
    accounts: int,
    usage: UsageRule,
    *,
    seed: int,
    feature_ids: Sequence[str] = FEATURES,
    batch: int = 1000,
) -> int:
    """Write a fresh book of ``accounts`` accounts to ``path``; return its usage row count.

    ``feature_ids`` fixes which id each feature key gets (its position + 1). Everything is
    drawn from one ``random.Random(seed)`` in account order, so ``batch`` (how many accounts
    are written at a time) changes the memory used, never the rows."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_database(path).close()  # schema and migrations exactly as the app makes them
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    today = day_number(TODAY)
    ids = {key: number for number, key in enumerate(feature_ids, start=1)}
    stored = 0
    with conn:
        conn.executemany(
            "INSERT INTO playbook (id, name, version, segment, description, change_note, "
            "archived) VALUES (?, ?, 1, ?, '', '', 0)",
            [(i + 1, f"{segment} onboarding", segment) for i, segment in enumerate(SEGMENTS)],
        )
        conn.executemany(
            "INSERT INTO usage_feature (id, key) VALUES (?, ?)",
            [(number, key) for key, number in ids.items()],
        )
        for first in range(1, accounts + 1, batch):
            account_rows: list[tuple[object, ...]] = []
            milestone_rows: list[tuple[object, ...]] = []
            usage_rows: list[tuple[int, int, int, int]] = []
            for number in range(first, min(first + batch, accounts + 1)):
                age, engagement = _account(rng, number, account_rows, milestone_rows)
                usage_rows.extend(
                    (number, today - offset, ids[feature], count)
                    for offset, feature, count in usage(rng, age, engagement)
                )
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
            stored += len(usage_rows)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return stored


def _account(
    rng: random.Random,
    number: int,
    account_rows: list[tuple[object, ...]],
    milestone_rows: list[tuple[object, ...]],
) -> tuple[int, float]:
    """Add account ``number`` and its ladder; return its age (days since kickoff) and
    engagement, which make its milestones (and its usage) more or less advanced."""
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
    for position, (title, role, target, first_value, unlocks, feature) in enumerate(LADDER):
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
                number, position, title, role, target, due.isoformat(), status, achieved,
                first_value, unlocks, feature, 50 if feature else None, 7 if feature else None,
            )
        )  # fmt: skip
    return age, engagement
