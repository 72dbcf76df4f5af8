"""Make the README screenshots: the window over a fresh demo book, offscreen.

Usage: python scripts/screenshots.py [OUT_DIR]   (default: docs/)
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_database
from csm_desktop.ui import workers
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


def settle(app: QApplication, window: MainWindow) -> None:
    """Let workers finish and queued results reach the widgets."""
    for _ in range(50):
        workers.wait_all()
        app.processEvents()
    window.repaint()


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Path(tmp) / "demo.sqlite3")
        create_demo_book(database, today=TODAY)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(database, today=lambda: TODAY, settings=settings)
        window.resize(1400, 800)
        window.show()
        settle(app, window)
        window.grab().save(str(out_dir / "today.png"))  # the window opens on Today
        window.show_book()
        settle(app, window)
        window.grab().save(str(out_dir / "book.png"))
        window.show_dashboard()
        settle(app, window)
        window.grab().save(str(out_dir / "dashboard.png"))
        # An account mid-ladder with something overdue shows the most of the page.
        rows = window.book_view.model.rows()
        busy = [
            r for r in rows if r.overdue and (r.age_days or 0) < 90 and (r.completion or 0) > 0.3
        ] or rows
        window.open_account(busy[0].account_id)
        settle(app, window)
        window.grab().save(str(out_dir / "account.png"))
        window.close()
        database.close()
    print(f"Screenshots written to {out_dir}")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown, where pyqtgraph and PySide6 can crash


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "docs"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
