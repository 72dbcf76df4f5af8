"""What every benchmark shares: time what the user waits for, next to the stack's floor.

A path is timed as the user meets it (the whole command as a fresh process, or the window
until the page is shown), interleaved run by run with its floor (the least the same stack
needs for the same job: a calamine read of the file, a bare Python that reads the same rows)
so that a loaded machine slows both alike; the median of at least five runs is reported.
Each script prints one ``BENCH {json}`` line per row, which ``bench/all.py`` turns into its
table, and exits 1 when a row misses its target.
"""

from __future__ import annotations

import compileall
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_RUNS = 5


@dataclass(frozen=True)
class Row:
    """One line of the table: ``target`` is a ratio to the floor (``ratio``) or seconds/bytes
    (``absolute``); ``ok`` says whether ours meets it."""

    path: str
    floor: float | None  # seconds (None: the target is absolute and no floor applies)
    ours: float
    target: float
    kind: str = "ratio"  # "ratio": ours / floor ≤ target; "seconds", "ms", "bytes": ours ≤ it
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours / self.floor if self.floor else None

    @property
    def ok(self) -> bool:
        if self.kind == "ratio":
            return self.ratio is not None and self.ratio <= self.target
        return self.ours <= self.target


def report(rows: Sequence[Row]) -> int:
    """Print the rows (human line + BENCH line each); 0 when all meet their targets."""
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "–"
        floor = f"{row.floor:.3f} s" if row.floor is not None else "–"
        target = f"≤ {row.target}×" if row.kind == "ratio" else f"≤ {row.target} {row.unit}"
        print(
            f"{row.path}: floor {floor}, ours {row.ours:.3f} {row.unit}, {ratio}, target "
            f"{target}: {'ok' if row.ok else 'MISSED'}" + (f" ({row.note})" if row.note else "")
        )
        print("BENCH " + json.dumps({**asdict(row), "ratio": row.ratio, "ok": row.ok}))
    return 0 if all(row.ok for row in rows) else 1


def timed_process(argv: Sequence[str], *, env: dict[str, str] | None = None) -> float:
    """Seconds from spawn to exit of one process; a failing process is an error."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def interleaved(
    runs: int, floor: Callable[[], float], ours: Callable[[], float]
) -> tuple[float, float]:
    """Medians of ``runs`` alternating (floor, ours) measurements (at least ``MIN_RUNS``)."""
    floors, times = [], []
    for _ in range(max(runs, MIN_RUNS)):
        floors.append(floor())
        times.append(ours())
    return statistics.median(floors), statistics.median(times)


def app_env() -> dict[str, str]:
    """The environment for a child running this checkout's app, compiled first.

    An installed app (a wheel, the bundle) starts from bytecode; a source tree run with
    PYTHONDONTWRITEBYTECODE=1 (as on this machine) would compile every module of the app on
    every run (about 0.1 s), which the floor, made only of installed libraries, never pays.
    """
    compile_app()
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


@functools.cache
def compile_app() -> None:
    compileall.compile_dir(str(ROOT / "csm_desktop"), quiet=1)


def python(*arguments: str) -> list[str]:
    return [sys.executable, *arguments]


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"
