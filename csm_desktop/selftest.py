"""``csm-desktop --self-test``: a headless smoke test of an installed or bundled app.

A frozen bundle fails in ways the source tree never does: a module the analysis missed, a
migration script left out, a Qt plugin pruned too far. The self-test walks the paths a CSM's
first minutes take — a new book (migrations), the demo book, the metrics, a QBR PDF, the
main window over the book (offscreen) — in a temporary folder, prints one line per step and
returns 0 only when every step passed. It never touches the user's own book or settings.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

TODAY = dt.date(2026, 6, 30)  # a fixed reporting date makes the check repeatable


class SelfTestFailed(Exception):
    """A step of the self-test did not produce what it should."""


def run_self_test(out: TextIO | None = None, *, window: bool = True) -> int:
    """Run every step; 0 when all passed, 1 otherwise (the failing step says why)."""
    out = out or sys.stdout
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="csm-self-test-") as scratch:
        folder = Path(scratch)
        steps: list[tuple[str, Callable[[], str]]] = [
            ("resources", _check_resources),
            ("new book and migrations", lambda: _check_new_book(folder / "empty.sqlite3")),
            ("demo book", lambda: _check_demo_book(folder / "demo.sqlite3")),
            ("metrics", lambda: _check_metrics(folder / "demo.sqlite3")),
            ("QBR report PDF", lambda: _check_report(folder / "demo.sqlite3", folder)),
            ("QBR deck", lambda: _check_deck(folder / "demo.sqlite3", folder)),
        ]
        if window:
            steps.append(("main window, offscreen", lambda: _check_window(folder)))
        for name, step in steps:
            step_started = time.perf_counter()
            try:
                note = step()
            except Exception as exc:  # the self-test reports every failure, then stops
                print(f"FAIL {name}: {type(exc).__name__}: {exc}", file=out)
                traceback.print_exc(file=sys.stderr)
                return 1
            elapsed = time.perf_counter() - step_started
            print(f"ok   {name} ({elapsed:.2f} s){f': {note}' if note else ''}", file=out)
    print(f"self-test passed in {time.perf_counter() - started:.2f} s", file=out)
    return 0


def _check_resources() -> str:
    from csm_desktop import app_version
    from csm_desktop.paths import data_dir, resources_dir
    from csm_desktop.store.database import MIGRATIONS_DIR

    for folder in (resources_dir(), data_dir(), MIGRATIONS_DIR / "versions"):
        if not folder.is_dir():
            raise SelfTestFailed(f"{folder} is missing")
    if not (data_dir() / "demo_playbooks.json").is_file():
        raise SelfTestFailed(f"{data_dir() / 'demo_playbooks.json'} is missing")
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    return f"version {app_version()}, {frozen}"


def _check_new_book(path: Path) -> str:
    from sqlalchemy import text

    from csm_desktop.services.opening import open_book
    from csm_desktop.store.schema import SCHEMA_HEAD

    with open_book(path) as book, book.session() as session:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision != SCHEMA_HEAD:
        raise SelfTestFailed(f"schema revision {revision}, expected {SCHEMA_HEAD}")
    return f"schema {revision}"


def _check_demo_book(path: Path) -> str:
    from csm_desktop.services.demo import create_demo_book
    from csm_desktop.services.opening import open_book

    with open_book(path) as book:
        summary = create_demo_book(book, today=TODAY)
    if summary.accounts == 0 or summary.milestones == 0:
        raise SelfTestFailed(f"the demo book is empty: {summary}")
    return str(summary)


def _check_metrics(path: Path) -> str:
    from csm_desktop.services.metrics import portfolio_metrics
    from csm_desktop.services.opening import open_book

    with open_book(path, read_only=True) as book:
        metrics = portfolio_metrics(book, TODAY)
    if metrics.accounts == 0:
        raise SelfTestFailed("the portfolio metrics counted no accounts")
    return f"{metrics.accounts} accounts"


def _check_report(path: Path, folder: Path) -> str:
    if importlib.util.find_spec("csm_desktop.services.reports") is None:
        # Every version has reports: a bundle without them was built wrong (a module the
        # analysis missed), which is exactly what the self-test is there to catch.
        raise SelfTestFailed("csm_desktop.services.reports is missing from this installation")
    from sqlalchemy import select

    from csm_desktop.services import reports
    from csm_desktop.services.opening import open_book
    from csm_desktop.store.models import Account

    target = folder / "qbr.pdf"
    with open_book(path) as book:
        with book.session() as session:
            account_id = session.scalars(select(Account.id).order_by(Account.id)).first()
        if account_id is None:
            raise SelfTestFailed("no account to report on")
        reports.write_qbr_report(book, account_id, TODAY, target)
    with target.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise SelfTestFailed(f"{target.name} is not a PDF")
    return f"{target.stat().st_size:,} bytes"


def _check_deck(path: Path, folder: Path) -> str:
    """The QBR as a PowerPoint deck: python-pptx and its template are in the installation."""
    import zipfile

    from sqlalchemy import select

    from csm_desktop.services import reports
    from csm_desktop.services.opening import open_book
    from csm_desktop.store.models import Account

    target = folder / "qbr.pptx"
    with open_book(path) as book:
        with book.session() as session:
            account_id = session.scalars(select(Account.id).order_by(Account.id)).first()
        if account_id is None:
            raise SelfTestFailed("no account to report on")
        reports.write_qbr_report(book, account_id, TODAY, target, format="pptx")
    with zipfile.ZipFile(target) as deck:
        slides = [n for n in deck.namelist() if n.startswith("ppt/slides/slide")]
    if not slides:
        raise SelfTestFailed(f"{target.name} has no slides")
    return f"{len(slides)} slides, {target.stat().st_size:,} bytes"


def _check_window(folder: Path) -> str:
    """The main window over the demo book, offscreen: Qt plugins, widgets, worker, rows."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from csm_desktop.services.opening import open_database
    from csm_desktop.ui import workers
    from csm_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    database = open_database(folder / "demo.sqlite3")
    window = MainWindow(database, settings=settings, today=lambda: TODAY)
    try:
        window.show()
        deadline = time.perf_counter() + 30
        while window.book_view.model.rowCount() == 0 and time.perf_counter() < deadline:
            workers.wait_all(100)
            app.processEvents()
        rows = window.book_view.model.rowCount()
        if rows == 0:
            raise SelfTestFailed("the Book table showed no rows within 30 s")
        image = window.grab()
        if image.isNull():
            raise SelfTestFailed("the window could not be drawn")
    finally:
        workers.wait_all()
        window.close()
        window.deleteLater()
        app.processEvents()
        window.database.close()
    return f"{rows} rows in the Book"


__all__ = ["SelfTestFailed", "run_self_test"]
