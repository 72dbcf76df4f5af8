"""QApplication start-up: open the book, build the main window, run the event loop.

Wiring only. The window opens on the last book used (or the default book in the user data
folder). Before Qt starts, a Linux desktop missing the X11 libraries Qt needs gets the exact
``apt-get install`` line instead of Qt's abort. Before the book is opened: its folder is
created when missing, a lock file makes sure only one window writes it (a second one opens
it read-only and says why), a network drive gets a warning, and a damaged book is offered
its newest sound backup. Failures are explained once, in a dialog, never as tracebacks.
``start_check`` opens the window, waits until the book is on show, prints the platform and
quits: CI runs it under Xvfb with the real xcb plugin.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from csm_desktop import APP_NAME


def run_window(
    database_path: Path | str | None, *, demo: bool = False, start_check: bool = False
) -> int:
    """Open the window on ``database_path`` (or the last book); ``demo`` opens the demo book.

    A team server's address (a ``str``) opens the team book on the server instead: no lock
    file, no daily copy; the password is asked for when the keychain and ~/.pgpass have none.
    When the last book was a team server that cannot be reached now, the default book file
    opens instead (after saying why), so the window always starts."""
    from csm_desktop.ui.system_libraries import startup_problem_in_background

    startup_problem = startup_problem_in_background()  # ldd runs while the app imports
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:  # Qt's own libraries need some of the same (libGL, fontconfig …)
        problem = startup_problem()
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return 2

    skip_pyside_import_scan()  # Qt is imported now, and with it PySide's import hook

    from csm_desktop.errors import DatabaseLocked, DatabaseReadOnly, UserError
    from csm_desktop.paths import default_database_path, user_data_dir
    from csm_desktop.services.gc_pause import collector_paused

    with collector_paused():  # what the imports make lives as long as the window (issue 17)
        from csm_desktop.services.opening import (
            is_team_address,
            on_network_drive,
            open_for_window,
        )
        from csm_desktop.ui import palette
        from csm_desktop.ui.crash_guard import install_crash_guard
        from csm_desktop.ui.ui_thread_gc import UiThreadCollector

    problem = startup_problem()  # before QApplication, which would load the xcb plugin
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    collector = UiThreadCollector(app)  # kept while the window runs, below
    collector.start()  # Qt objects in garbage cycles are destroyed on the UI thread only
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("CSM Desktop")
    guard = install_crash_guard()  # logs to the rotating log; the app keeps running
    palette.follow_system()  # light or dark, as the operating system asks
    settings = QSettings()
    if demo:
        database_path = user_data_dir() / "demo-book.sqlite3"
    remembered = database_path is None and not demo
    if remembered:
        last = settings.value("book/last_path")
        database_path = str(last) if last else default_database_path()
        if isinstance(database_path, str) and not is_team_address(database_path):
            database_path = Path(database_path)
    if isinstance(database_path, str):
        from csm_desktop.ui.controllers.team_server import open_at_start

        team_book = open_at_start(database_path)
        if team_book is not None:
            return _show_window(app, guard, team_book, settings, start_check=start_check)
        if not remembered:
            return 2  # asked for on the command line: the reason was shown
        database_path = default_database_path()
    assert database_path is not None
    database_path = database_path.expanduser().resolve()
    try:
        database_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        QMessageBox.critical(
            None,
            f"{APP_NAME}: cannot open the book",
            f"The folder {database_path.parent} does not exist and cannot be created "
            f"({exc.strerror}). Choose a book in a folder you can write: "
            "csm-desktop --db PATH, or File → Open book… in the window.",
        )
        return 2

    if on_network_drive(database_path):
        QMessageBox.warning(
            None,
            f"{APP_NAME}: book on a network drive",
            f"{database_path} is on a network drive, where file locking cannot be trusted: two "
            "computers writing at once can damage it. Copy the book to this computer "
            "(File → Open book…) and keep the network copy as a backup.",
        )
    read_only_reason: str | None = None
    try:
        try:
            opened = open_for_window(database_path, offer_restore=_ask_to_restore)
        except DatabaseLocked as exc:
            answer = QMessageBox.question(
                None, f"{APP_NAME}: the book is in use", f"{exc}\n\nOpen it read-only now?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
            opened = open_for_window(database_path, read_only=True, offer_restore=_ask_to_restore)
            read_only_reason = f"{exc}"
        except DatabaseReadOnly as exc:
            opened = open_for_window(database_path, read_only=True, offer_restore=_ask_to_restore)
            read_only_reason = str(exc)  # shown once, in the window's banner
    except UserError as exc:
        QMessageBox.critical(None, f"{APP_NAME}: cannot open the book", str(exc))
        return 2
    return _show_window(
        app,
        guard,
        opened.database,
        settings,
        lock=opened.lock,
        demo=demo,
        read_only_reason=read_only_reason,
        start_check=start_check,
    )


def skip_pyside_import_scan() -> None:
    """Take PySide's ``__feature__`` hook off ``import``: the window imports ~300 modules.

    Importing PySide6 replaces ``__import__`` with a hook that serves ``from __feature__
    import snake_case``; after every new import it reads the module's whole source file
    (``inspect.getsource``) to see whether it names PySide6. The app uses no ``__feature__``,
    so that is pure cost: ~80 ms of a 1 s start-up, SQLAlchemy and the models included when
    Qt was imported first (issue 17). PySide's own import below it (lazy Qt classes) stays.
    Does nothing when Qt is not imported yet or the hook is not there."""
    import builtins

    hook = getattr(builtins, "__feature_import__", None)
    below = getattr(builtins, "__orig_import__", None)
    if hook is not None and below is not None and builtins.__import__ is hook:
        builtins.__import__ = below


def _show_window(
    app: Any,
    guard: Any,
    database: Any,
    settings: Any,
    *,
    lock: Any = None,
    demo: bool = False,
    read_only_reason: str | None = None,
    start_check: bool = False,
) -> int:
    """Show the main window on the open ``database`` and run the event loop."""
    if not demo:
        settings.setValue("book/last_path", database.where)  # a server's: without password

    from csm_desktop.services.gc_pause import collector_paused
    from csm_desktop.ui import workers

    # The window's modules and widgets live as long as it does: like the book's imports,
    # they are frozen out of the UI-thread collector's passes (issue 17).
    with collector_paused():
        from csm_desktop.ui.main_window import MainWindow

        window = MainWindow(
            database,
            settings=settings,
            load_demo_if_empty=demo,
            book_lock=lock,
            read_only_reason=read_only_reason,
            daily_backup=True,  # once the book shows accounts (never for a server book)
        )
    guard.parent = lambda: window
    window.show()
    if start_check:
        _quit_once_shown(app, window)
    try:
        return int(app.exec())
    finally:
        # Work queued after the window's close (a Book load once Today settled, the day's
        # backup) may still be running: let it end before its book is closed and the
        # interpreter exits under it (a --start-check run crashed with SIGSEGV so).
        workers.wait_all()
        window.database.close()
        window.release_lock()


def _ask_to_restore(exc: Exception, offered: Any) -> bool:
    """Ask whether to restore the newest sound backup of a damaged book."""
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        None,
        f"{APP_NAME}: the book is damaged",
        f"{exc}\n\nRestore the backup of {offered.label}? The damaged file is kept.",
    )
    return answer == QMessageBox.StandardButton.Yes


def _quit_once_shown(app: Any, window: Any) -> None:
    """``--start-check``: once the book is on show, say on which platform, then quit."""
    from PySide6.QtCore import QTimer

    def check() -> None:
        if window.loading or not window.isVisible():
            QTimer.singleShot(100, check)
            return
        print(
            f"window opened on platform {app.platformName()}: {window.windowTitle()}",
            flush=True,
        )
        window.close()

    QTimer.singleShot(200, check)
