"""Benchmark: start-up to an interactive main window over a 500-account book (DESIGN §7).

Target: at most 1.5× the stack's floor, measured in the same run: a minimal program that
imports PySide6 and SQLAlchemy's ORM, opens the same database and shows its accounts in a
plain ``QTableView``. Each start is a fresh subprocess (cold imports, warm disk cache), timed
from spawn until the child says it is interactive; the median of ``--runs`` starts each.

"Interactive" means: the page the window shows first (Today for a book with accounts, as
the user sees it; the Book otherwise) has its rows in its model (the window loads them in
a worker; the child polls until they are there) and one ``processEvents`` has run. The
app is started through its real entry point (``csm_desktop.cli.main``), so argument
parsing, logging and settings count too. The child also reports which heavy
libraries were imported by then: alembic, pyqtgraph, reportlab and openpyxl must not be.
The CPU time (user + system) of each start is printed beside the wall times, with the load
average: on a shared machine it moves far less with the load than the wall time does.

    python bench/startup.py [--runs 7] [--accounts 500] [--rebuild] [--import-profile]
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import Row
from timing import report as report_rows

TARGET_RATIO = 1.5
TODAY = dt.date(2026, 6, 30)
OUT = Path(__file__).resolve().parent / "out"
HEAVY = (
    "alembic", "pyqtgraph", "reportlab", "openpyxl", "python_calamine", "numpy", "pandas",
    "psycopg",
)  # fmt: skip
OWNERS = tuple(f"CSM {i:02d}" for i in range(1, 13))
SEGMENTS = ("SMB", "Mid-market", "Enterprise")
INDUSTRIES = ("Logistics", "Healthcare", "Retail", "Manufacturing", "Financial services")
FEATURES = ("reports.run", "dashboards.view", "automations.run", "integrations.sync", "api.call")
# (title, role id, target day, first value, unlocks, success feature): a 12-step ladder.
LADDER = (
    ("Single sign-on live", 1, 3, False, None, None),
    ("Data integration connected", 1, 7, False, "integrations.sync", "integrations.sync"),
    ("First report run", 2, 10, True, "reports.run", "reports.run"),
    ("Operational dashboard in use", 3, 14, False, "dashboards.view", "dashboards.view"),
    ("Alerts routed", 3, 21, False, None, None),
    ("First automation", 2, 30, False, "automations.run", "automations.run"),
    ("Audit policy set", 1, 35, False, None, None),
    ("Exports scheduled", 2, 45, False, None, None),
    ("API access granted", 1, 55, False, "api.call", None),
    ("Team dashboards shared", 3, 60, False, None, "dashboards.view"),
    ("Automation library", 2, 75, False, None, "automations.run"),
    ("Executive review", 1, 90, False, None, None),
)


def build_book(path: Path, accounts: int, *, usage_days: int = 60, seed: int = 11) -> None:
    """A book of ``accounts`` accounts with 12-milestone ladders and recent daily usage.

    The schema comes from the app (``open_database``); rows are bulk-inserted with
    ``executemany`` on the raw connection, which takes seconds instead of ORM minutes.
    """
    from csm_desktop.store.database import open_database

    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    accounts_rows, milestone_rows, usage_rows = [], [], []
    for number in range(1, accounts + 1):
        segment = rng.randrange(3)
        age = rng.randrange(0, 300)
        kickoff = TODAY - dt.timedelta(days=age)
        accounts_rows.append(
            (
                number,
                f"Account {number:05d}",
                f"EXT-{number:05d}",
                SEGMENTS[segment],
                rng.choice(INDUSTRIES),
                rng.randrange(10, 2000),
                float(rng.randrange(5, 500) * 1000),
                rng.choice(OWNERS),
                (kickoff - dt.timedelta(days=7)).isoformat(),
                kickoff.isoformat(),
                (kickoff + dt.timedelta(days=365)).isoformat(),
                segment + 1,
            )
        )
        engagement = rng.random()
        for position, (title, role, target, first, unlocks, feature) in enumerate(LADDER, 1):
            due = kickoff + dt.timedelta(days=target)
            status, achieved = "not started", None
            if due <= TODAY + dt.timedelta(days=10) and rng.random() < 0.35 + 0.6 * engagement:
                when = min(TODAY, due + dt.timedelta(days=rng.randrange(-5, 12)))
                status, achieved = "achieved", max(kickoff, when).isoformat()
            elif due <= TODAY + dt.timedelta(days=14):
                status = rng.choice(("in progress", "not started"))
            threshold, window = (50, 7) if feature else (None, None)
            due_on = due.isoformat()
            milestone_rows.append(
                (
                    number,
                    position,
                    title,
                    role,
                    target,
                    due_on,
                    status,
                    achieved,
                    first,
                    unlocks,
                    feature,
                    threshold,
                    window,
                )
            )
        for offset in range(min(age, usage_days), -1, -1):
            day = (TODAY - dt.timedelta(days=offset)).isoformat()
            for feature in FEATURES:
                if rng.random() < 0.7:
                    usage_rows.append((number, day, feature, rng.randrange(1, 60)))
    with conn:
        conn.executemany(
            "INSERT INTO playbook (id, name, version, segment, description, change_note, "
            "archived) VALUES (?, ?, 1, ?, '', '', 0)",
            [(i + 1, f"{segment} onboarding", segment) for i, segment in enumerate(SEGMENTS)],
        )
        conn.executemany(
            "INSERT INTO account (id, name, external_id, segment, industry, seats, arr, owner, "
            "signed_on, kickoff_on, renewal_on, playbook_id, archived) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            accounts_rows,
        )
        conn.executemany(
            "INSERT INTO account_milestone (account_id, position, title, role_id, target_day, "
            "due_on, status, status_reason, achieved_on, definition_of_done, first_value, "
            "unlocks, cue, success_feature, success_threshold, success_window_days) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, 'Agreed at kickoff', ?, ?, '', ?, ?, ?)",
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
    print(
        f"built {path.name}: {accounts:,} accounts, {len(milestone_rows):,} milestones, "
        f"{len(usage_rows):,} usage rows",
        file=sys.stderr,
    )


def cached_book(accounts: int, *, rebuild: bool = False) -> Path:
    """The benchmark book for ``accounts`` accounts under ``bench/out/`` (built once)."""
    path = OUT / f"book-{accounts}.sqlite3"
    if rebuild or not path.exists():
        build_book(path, accounts)
    return path


# The app, started through its real entry point. A timer polls until the page the window
# shows first (Today for a book with accounts) has its rows.
APP_CHILD = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def ready():
    # The page the user sees first (Today, or the Book), once its list has its rows.
    from csm_desktop.ui.main_window import MainWindow
    for widget in QApplication.topLevelWidgets():
        if not isinstance(widget, MainWindow) or not widget.isVisible():
            continue
        page = widget.pages.currentWidget()
        model = getattr(page, "model", None)
        if model is not None and model.rowCount() > 0:
            QApplication.processEvents()
            report(model.rowCount(), type(page).__name__)

def report(rows, page="floor"):
    import json, os
    heavy = [m for m in HEAVY if m in sys.modules]
    print(json.dumps({"rows": rows, "heavy": heavy, "page": page}), flush=True)
    os._exit(0)

app = QApplication([sys.argv[0]])
timer = QTimer()
timer.timeout.connect(ready)
timer.start(2)
from csm_desktop.cli import main
main(["--db", DB])
"""

# The floor: PySide6 + SQLAlchemy ORM, the same accounts in a plain QTableView.
FLOOR_CHILD = r"""
import sys
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView
from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    segment: Mapped[str | None]
    owner: Mapped[str | None]

app = QApplication([sys.argv[0]])
engine = create_engine(f"sqlite:///{DB}")
with Session(engine) as session:
    accounts = session.scalars(select(Account).order_by(Account.name)).all()
    rows = [(a.name, a.segment or "", a.owner or "") for a in accounts]
model = QStandardItemModel(0, 3)
model.setHorizontalHeaderLabels(["Account", "Segment", "Owner"])
for row in rows:
    model.appendRow([QStandardItem(value) for value in row])
view = QTableView()
view.setModel(model)
view.resize(1280, 760)
view.show()
QApplication.processEvents()
import json, os
print(json.dumps({"rows": model.rowCount(), "heavy": [m for m in HEAVY if m in sys.modules]}),
      flush=True)
os._exit(0)
"""


def child_source(template: str, database: Path) -> str:
    return f"DB = {str(database)!r}\nHEAVY = {HEAVY!r}\n" + template


def children_cpu() -> float:
    """CPU seconds (user + system) of every ended child so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def start_once(
    source: str, env: dict[str, str], extra: tuple[str, ...] = ()
) -> tuple[float, dict[str, object], str]:
    """Seconds from spawn until the child reported ready, its report, and its stderr.

    The report gets the child's CPU seconds (user + system) under ``"cpu"``: on a shared
    machine they move far less with the load than wall time does."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, *extra, "-c", source],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.perf_counter() - started
    lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"child failed ({child.returncode}):\n{child.stdout}\n{child.stderr}")
    report = json.loads(lines[-1])
    report["cpu"] = children_cpu() - cpu_before
    return elapsed, report, child.stderr


def import_profile(stderr: str, top: int = 25) -> list[tuple[int, str]]:
    """The ``top`` modules by cumulative import time (µs) from ``-X importtime`` output."""
    found = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|")
        found.append((int(cumulative), name.rstrip()))
    return sorted(found, reverse=True)[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="starts of each program")
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--rebuild", action="store_true", help="build the book again")
    parser.add_argument(
        "--import-profile", action="store_true", help="print the app's slowest imports"
    )
    args = parser.parse_args()
    book = cached_book(args.accounts, rebuild=args.rebuild)
    # An installed app (a wheel, the bundle) starts from compiled bytecode; a source tree run
    # with PYTHONDONTWRITEBYTECODE=1 (as on this machine) would recompile every module on
    # every start, about 35 ms the floor, made only of installed libraries, never pays.
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "csm_desktop"), quiet=1)

    with tempfile.TemporaryDirectory(prefix="csm-startup-") as scratch:
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[variable] = str(Path(scratch) / variable.lower())  # never the user's settings
        app_source = child_source(APP_CHILD, book)
        floor_source = child_source(FLOOR_CHILD, book)
        start_once(app_source, env)  # warm the disk cache and the .pyc files
        start_once(floor_source, env)
        app_times: list[float] = []
        floor_times: list[float] = []
        app_cpu: list[float] = []
        floor_cpu: list[float] = []
        report: dict[str, object] = {}
        load = os.getloadavg()[0]
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            elapsed, report, _err = start_once(app_source, env)
            app_times.append(elapsed)
            app_cpu.append(float(report["cpu"]))  # type: ignore[arg-type]
            elapsed, floor_report, _err = start_once(floor_source, env)
            floor_times.append(elapsed)
            floor_cpu.append(float(floor_report["cpu"]))  # type: ignore[arg-type]
        load_after = os.getloadavg()[0]
        if args.import_profile:
            _elapsed, _report, stderr = start_once(app_source, env, ("-X", "importtime"))
            print("slowest imports of the app (cumulative ms):")
            for micros, name in import_profile(stderr):
                print(f"  {micros / 1000:7.1f}  {name}")

    app, floor = statistics.median(app_times), statistics.median(floor_times)
    ratio = app / floor
    print(f"book: {book.name}, first page {report.get('page')} with {report['rows']} rows")
    print(f"app   : median {app:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in app_times)})")
    print(f"floor : median {floor:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in floor_times)})")
    print(f"ratio : {ratio:.2f}× the floor (target ≤ {TARGET_RATIO}×)")
    cpu_app, cpu_floor = statistics.median(app_cpu), statistics.median(floor_cpu)
    print(
        f"CPU (user+sys) medians: app {cpu_app:.3f} s, floor {cpu_floor:.3f} s, "
        f"{cpu_app / cpu_floor:.2f}×; load average {load:.2f} → {load_after:.2f}"
    )
    heavy = report["heavy"]
    print(f"heavy libraries imported at start-up: {', '.join(heavy) or 'none'}")  # type: ignore[arg-type]
    ok = ratio <= TARGET_RATIO and "alembic" not in heavy  # type: ignore[operator]
    print("PASS" if ok else "FAIL")
    row = Row(
        f"start-up to the first page ({report.get('page')}), {args.accounts} accounts",
        floor,
        app,
        TARGET_RATIO,
        note=f"CPU {cpu_app:.2f} s vs {cpu_floor:.2f} s, load {load:.1f}"
        + ("; alembic imported" if "alembic" in heavy else ""),  # type: ignore[operator]
    )
    report_rows([row])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
