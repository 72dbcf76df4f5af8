"""QApplication start-up: open the book, build the main window, run the event loop.

Wiring only. The window opens on the last book used (or the default book in the user data
folder); a book that cannot be opened is explained in a dialog instead of a traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from csm_desktop import APP_NAME, __version__


def run_window(database_path: Path | None, *, demo: bool = False) -> int:
    """Open the window on ``database_path`` (or the last book); ``demo`` opens the demo book."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from csm_desktop.errors import UserError
    from csm_desktop.paths import default_database_path, user_data_dir
    from csm_desktop.services.opening import open_database
    from csm_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("CSM Desktop")
    app.setApplicationVersion(__version__)
    configure_logging()
    settings = QSettings()
    if demo:
        database_path = user_data_dir() / "demo-book.sqlite3"
    elif database_path is None:
        last = settings.value("book/last_path")
        database_path = Path(str(last)) if last else default_database_path()
    try:
        database = open_database(database_path)
    except UserError as exc:
        QMessageBox.critical(None, f"{APP_NAME}: cannot open the book", str(exc))
        return 2
    if not demo:
        settings.setValue("book/last_path", str(database.path))
    window = MainWindow(database, settings=settings, load_demo_if_empty=demo)
    window.show()
    try:
        return app.exec()
    finally:
        window.database.close()


def configure_logging() -> None:
    """Log warnings and errors to a rotating file in the platform's log folder."""
    from logging.handlers import RotatingFileHandler

    from csm_desktop.paths import log_dir

    handler = RotatingFileHandler(
        log_dir() / "csm-desktop.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
