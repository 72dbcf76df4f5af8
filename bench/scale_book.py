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
from collections.abc import Iterator
from pathlib import Path

from synthetic_book import FEATURES, build_book

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


def last_eight_weeks(
    rng: random.Random, age: int, engagement: float
) -> Iterator[tuple[int, str, int]]:
    """The last 8 weeks since kickoff for 4 of the 8 features; 15 % of the days unused."""
    features = rng.sample(FEATURES, FEATURES_PER_ACCOUNT)
    for offset in range(min(age, USAGE_DAYS - 1), -1, -1):
        for feature in features:
            yield offset, feature, 0 if rng.random() < 0.15 else rng.randrange(1, 60)


def build(path: Path, accounts: int, seed: int = 17) -> None:
    build_book(path, accounts, last_eight_weeks, seed=seed)


if __name__ == "__main__":
    scale_book(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000, rebuild=True)
