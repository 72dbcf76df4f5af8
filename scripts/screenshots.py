"""Make the documentation screenshots: every main page, light and dark, at two screen sizes.

Usage: python scripts/screenshots.py [OUT_DIR]   (default: docs/screenshots/)

Writes ``{scheme}-{width}x{height}-{page}.png`` for the pages Today, Book, Account,
Dashboard, Playbooks over a fresh demo book, and Empty book over an empty one, in the light
and the dark scheme at 1280×720 and 1920×1080, offscreen.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_database
from csm_desktop.ui import palette, workers
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)
SIZES = ((1280, 720), (1920, 1080))


def settle(app: QApplication, window: MainWindow) -> None:
    """Let workers finish and queued results reach the widgets."""
    for _ in range(60):
        workers.wait_all()
        app.processEvents()
    window.repaint()


def busy_account(window: MainWindow) -> int:
    """An account mid-ladder with something overdue: it shows the most of the page."""
    rows = window.book_view.model.rows()
    busy = [
        r for r in rows if r.overdue and (r.age_days or 0) < 90 and (r.completion or 0) > 0.3
    ] or list(rows)
    return busy[0].account_id


def shoot(
    app: QApplication, book: Path, folder: Path, size: tuple[int, int], prefix: str
) -> list[Path]:
    """Screenshots of the pages of one window over ``book``."""
    database = open_database(book)
    settings = QSettings(str(folder / f"{Path(prefix).name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    window.resize(*size)
    window.show()
    settle(app, window)
    written: list[Path] = []

    def save(page: str) -> None:
        settle(app, window)
        path = Path(f"{prefix}-{page}.png")
        window.grab().save(str(path))
        written.append(path)

    if window.book_view.model.rowCount():
        pages: list[tuple[str, Callable[[], object]]] = [
            ("today", window.show_today),
            ("book", window.show_book),
            ("account", lambda: window.open_account(busy_account(window))),
            ("dashboard", window.show_dashboard),
            ("playbooks", window.show_playbooks),
        ]
    else:
        pages = [("empty-book", window.show_book)]
    for page, show in pages:
        show()
        save(page)
    window.close()
    database.close()
    return written


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = folder / "demo.sqlite3"
        database = open_database(demo)
        create_demo_book(database, today=TODAY)
        database.close()
        empty = folder / "empty.sqlite3"
        open_database(empty).close()
        written: list[Path] = []
        for scheme in palette.Scheme:
            palette.use_scheme(scheme)
            for width, height in SIZES:
                prefix = str(out_dir / f"{scheme.value}-{width}x{height}")
                written += shoot(app, demo, folder, (width, height), prefix)
                written += shoot(app, empty, folder, (width, height), prefix)
    print(f"{len(written)} screenshots written to {out_dir}")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown, where pyqtgraph and PySide6 can crash


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
