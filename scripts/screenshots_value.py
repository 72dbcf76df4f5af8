"""Screenshot of the account page's Value panel (issue #11) over the demo book.

One account gets a value metric recorded the way a CSM would (``csm-desktop value set`` /
``value record`` use the same service): hours on month-end close, lower is better, with
two measurements. The window then opens the account on its Value tab.

Usage: python scripts/screenshots_value.py [OUT_DIR]   (default: docs/screenshots/)
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

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.services.book_settings import BookSettings, save_book_settings
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_database
from csm_desktop.services.value_metrics import (
    MetricSnapshot,
    account_id_by_name,
    record_measurement,
    save_metric,
)
from csm_desktop.ui import workers
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)
ACCOUNT = "Northwind Traders"


def settle(app: QApplication, window: MainWindow) -> None:
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
        save_book_settings(database, BookSettings(currency="EUR"))
        account_id = account_id_by_name(database, ACCOUNT)
        hours = MetricSnapshot(
            "Hours on month-end close", "h", Direction.LOWER, 12.0, dt.date(2026, 3, 2), 4.0,
            60.0, "week",
        )  # fmt: skip
        save_metric(database, account_id, hours, on=TODAY)
        for day, value in ((dt.date(2026, 6, 1), 8.0), (dt.date(2026, 11, 2), 5.0)):
            record_measurement(database, account_id, hours.name, value, day, on=TODAY)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(database, today=lambda: TODAY, settings=settings)
        window.resize(1400, 860)
        window.show()
        settle(app, window)
        window.open_account(account_id)
        settle(app, window)
        view = window.account_view
        view.side.setCurrentWidget(view.value)
        view.value.select_metric(hours.name)
        settle(app, window)
        window.grab().save(str(out_dir / "value_panel.png"))
        window.close()
        database.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
