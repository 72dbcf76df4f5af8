"""The 50,000-account book of issue 17, built once and cached under ``bench/out/``.

The accounts and 12-step ladders of ``bench/metrics.py`` (``bench/synthetic_book.py`` builds
both), but usage only for the last 8 weeks and 4 features an account, so the book holds about
9.6 million usage rows (the team lead's exported team book of the issue), written 1,000
accounts at a time so memory stays flat.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from synthetic_book import FEATURES, build_book

OUT = Path(__file__).resolve().parent / "out"
USAGE_DAYS = 56
FEATURES_PER_ACCOUNT = 4
Usage = Callable[[random.Random, int, float], Iterator[tuple[int, str, int]]]


def scale_book(
    accounts: int = 50_000,
    *,
    rebuild: bool = False,
    usage_days: int = USAGE_DAYS,
    features: int = FEATURES_PER_ACCOUNT,
) -> Path:
    """The cached book of ``accounts`` accounts (built when missing or asked to), with usage
    on the last ``usage_days`` days for ``features`` features an account."""
    shape = (usage_days, features)
    suffix = "" if shape == (USAGE_DAYS, FEATURES_PER_ACCOUNT) else f"-u{usage_days}x{features}"
    path = OUT / f"scale-{accounts}{suffix}.sqlite3"
    if rebuild or not path.exists():
        started = time.perf_counter()
        build(path, accounts, usage_days=usage_days, features=features)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def last_days(days: int = USAGE_DAYS, features: int = FEATURES_PER_ACCOUNT) -> Usage:
    """The last ``days`` days since kickoff for ``features`` of the 8 features; 15 % of the
    days unused (by default the last 8 weeks for 4 features)."""

    def usage(rng: random.Random, age: int, engagement: float) -> Iterator[tuple[int, str, int]]:
        chosen = rng.sample(FEATURES, features)
        for offset in range(min(age, days - 1), -1, -1):
            for feature in chosen:
                yield offset, feature, 0 if rng.random() < 0.15 else rng.randrange(1, 60)

    return usage


last_eight_weeks = last_days()


def build(
    path: Path,
    accounts: int,
    seed: int = 17,
    *,
    usage_days: int = USAGE_DAYS,
    features: int = FEATURES_PER_ACCOUNT,
) -> None:
    build_book(path, accounts, last_days(usage_days, features), seed=seed)


if __name__ == "__main__":
    scale_book(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, rebuild=True)
