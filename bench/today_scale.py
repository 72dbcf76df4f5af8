"""Benchmark rows: the Today page at 50,000 accounts as the user meets it (issue 17).

A fresh process per run opens the big book, shows a ``TodayView`` with its real
``TodayController`` and asks for the list, as the window does. It reports:

- first lines: seconds from the request until the first lines are in the view (target
  < 0.5 s);
- complete: seconds until the whole ranked list is in the view (target < 2 s), next to the
  floor of ``bench/scale.py`` (a bare sqlite3 read of the accounts and their milestones);
  its note adds the CPU seconds the window process spent meanwhile (worker and UI thread),
  which a loaded machine inflates far less than the wall clock;
- longest UI stall: a ``QTimer`` heartbeat every 5 ms on the UI thread runs from the
  request until one second after the list is complete (the collector catching up counts);
  the longest gap between two beats, less the 5 ms, is how long the window froze (target
  < 50 ms). The note gives the same measure in an idle Qt process run as long: on a loaded
  machine the operating system alone delays a timer by tens of milliseconds.

Each figure is the median of ``runs`` processes. Run through ``bench/scale.py --only today``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from collections.abc import Callable
from pathlib import Path

from timing import MIN_RUNS, Row, app_env, python

WINDOW_CHILD = r"""
import datetime as dt, json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication([sys.argv[0]])
from csm_desktop.services.opening import open_book_for_reading
from csm_desktop.ui.ui_thread_gc import UiThreadCollector
UiThreadCollector(app).start()  # as csm_desktop.app does: collections on the UI thread
from csm_desktop.ui.controllers.today import TodayController
from csm_desktop.ui.views.today_view import TodayView

today = dt.date.fromisoformat(sys.argv[2])
BEAT = 0.005
with open_book_for_reading(Path(sys.argv[1])) as book:
    view = TodayView()
    view.resize(1280, 760)
    view.show()
    app.processEvents()
    controller = TodayController(view, book, lambda: today)
    gaps, last, first, complete, cpu = [0.0], [0.0], [], [], []
    def beat():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    shown = view.show_snapshot
    def show(snapshot, day):
        shown(snapshot, day)
        if not first:
            first.append(time.perf_counter() - started)
    view.show_snapshot = show
    def loaded():
        complete.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        QTimer.singleShot(1000, app.quit)
    controller.loaded.connect(loaded)
    timer = QTimer()
    timer.setInterval(int(BEAT * 1000))
    timer.timeout.connect(beat)
    started = last[0] = time.perf_counter()
    cpu_started = time.process_time()
    timer.start()
    controller.refresh()
    app.exec()
    print(json.dumps({
        "first": first[0], "complete": complete[0], "stall": max(0.0, max(gaps) - BEAT),
        "cpu": cpu[0],
        "lines": view.model.rowCount(),
    }))
"""


# The stall's floor: the same heartbeat in a Qt process with nothing else to do, for
# ``seconds``: on a loaded machine the operating system alone delays a 5 ms timer this much.
IDLE_CHILD = r"""
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
BEAT = 0.005
gaps, last = [0.0], [time.perf_counter()]
def beat():
    now = time.perf_counter()
    gaps.append(now - last[0])
    last[0] = now
timer = QTimer()
timer.setInterval(int(BEAT * 1000))
timer.timeout.connect(beat)
timer.start()
QTimer.singleShot(int(float(sys.argv[1]) * 1000), app.quit)
app.exec()
print(json.dumps({"stall": max(0.0, max(gaps) - BEAT)}))
"""


def idle_stall(seconds: float) -> float:
    """The longest heartbeat gap of an idle Qt process over ``seconds`` (the noise floor)."""
    done = subprocess.run(
        python("-c", IDLE_CHILD, f"{seconds:.1f}"),
        env=dict(app_env(), QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["stall"])


def window_run(book: Path, today: str) -> dict[str, float]:
    """One process: the Today page over ``book`` until complete (and one second more)."""
    done = subprocess.run(
        python("-c", WINDOW_CHILD, str(book), today),
        env=dict(app_env(), QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def today_rows(
    book: Path, today: str, label: str, runs: int, floor_run: Callable[[], float]
) -> list[Row]:
    """The three Today rows, each a median of ``runs`` window processes; the floor is run
    between them (interleaved) for the complete row."""
    measured: list[dict[str, float]] = []
    floors: list[float] = []
    idle: list[float] = []
    for _ in range(max(runs, MIN_RUNS)):
        measured.append(window_run(book, today))
        floors.append(floor_run())
        idle.append(idle_stall(measured[-1]["complete"] + 1))
    lines = int(measured[-1]["lines"])

    def median(key: str) -> float:
        return statistics.median(run[key] for run in measured)

    note = (
        f"{lines:,} lines; runs: "
        + ", ".join(f"{run['complete']:.2f}" for run in measured)
        + f"; CPU of the window process until complete (both threads, median): "
        f"{median('cpu'):.2f} s"
    )
    return [
        Row(f"Today first lines (window), {label}", None, median("first"), 0.5, kind="seconds"),
        Row(
            f"Today complete (window), {label}",
            statistics.median(floors),
            median("complete"),
            2.0,
            kind="seconds",
            note=note,
        ),
        Row(
            f"Today longest UI stall, {label}",
            None,
            median("stall") * 1000,
            50,
            kind="ms",
            unit="ms",
            note=f"an idle Qt process's longest gap: {statistics.median(idle) * 1000:.0f} ms",
        ),
    ]
