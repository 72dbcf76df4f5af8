"""The main window: menus, status bar, and the Book and account pages.

It is the controller of the window: it calls services in workers and hands the plain results
to the views. It never holds ORM objects or writes SQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
)

from csm_desktop import APP_NAME, __version__
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.book import book_rows
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import Database, open_database
from csm_desktop.ui import workers
from csm_desktop.ui.account_controller import AccountController
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.views.account_view import AccountView
from csm_desktop.ui.views.book_view import BookView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        database: Database,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        settings: QSettings | None = None,
        load_demo_if_empty: bool = False,
    ) -> None:
        super().__init__()
        self.database = database
        self.today = today
        self.settings = settings or QSettings()
        self.current_account_id: int | None = None
        self.loading = False
        self.load_demo_if_empty = load_demo_if_empty
        self.setWindowTitle(f"{APP_NAME} — {database.path.name}")
        self.setMinimumSize(760, 480)

        self.book_view = BookView()
        self.account_view = AccountView()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.book_view)
        self.pages.addWidget(self.account_view)
        self.setCentralWidget(self.pages)

        self.book_view.account_activated.connect(self.open_account)
        self.book_view.open_demo_requested.connect(self.load_demo_book)
        self.account_view.back_requested.connect(self.show_book)
        self.account_controller = AccountController(
            self.account_view, lambda: self.database, self.today, self
        )
        self.account_controller.changed.connect(self._account_changed)

        self._build_menus()
        self._build_status_bar()
        self._restore_settings()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _action(
        self, menu: Any, text: str, slot: Callable[[], Any], shortcut: Any = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open book…", self.choose_book, QKeySequence.StandardKey.Open)
        self._action(file_menu, "&New book…", self.choose_new_book)
        self._action(file_menu, "New &account…", self.new_account, QKeySequence.StandardKey.New)
        self.demo_action = self._action(file_menu, "Open &demo book", self.load_demo_book)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.file_menu = file_menu

        edit_menu = bar.addMenu("&Edit")
        undo_stack = self.account_controller.undo_stack
        self.undo_action = undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self._action(edit_menu, "&Find account", self.focus_search, QKeySequence.StandardKey.Find)
        self.edit_menu = edit_menu

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "&Book", self.show_book, "Ctrl+1")
        self._action(view_menu, "&Refresh", self.refresh, QKeySequence.StandardKey.Refresh)
        self.view_menu = view_menu

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, f"&About {APP_NAME}", self.show_about)

    def _build_status_bar(self) -> None:
        self.path_label = QLabel(str(self.database.path))
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.path_label)

    # --- actions -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the Book (and the open account) in a worker."""
        database, today = self.database, self.today()
        self.loading = True
        self.statusBar().showMessage("Loading the book…")
        self.run_task(
            lambda progress: book_rows(database, today),
            self._show_rows,
            what="Loading the book",
        )
        if self.current_account_id is not None and self.pages.currentWidget() is self.account_view:
            self.open_account(self.current_account_id)

    def _show_rows(self, rows: Any) -> None:
        if not rows and self.load_demo_if_empty:
            self.load_demo_if_empty = False
            self.load_demo_book()
            return
        self.book_view.set_rows(rows)
        self.demo_action.setEnabled(not rows)
        self.loading = False
        self.statusBar().showMessage(f"{len(rows)} accounts", 4000)

    def open_account(self, account_id: int) -> None:
        database, today = self.database, self.today()
        self.current_account_id = account_id
        self.run_task(
            lambda progress: account_detail(database, account_id, today),
            lambda detail: self._show_account(detail, today),
            what="Opening the account",
        )

    def _show_account(self, detail: Any, today: dt.date) -> None:
        self.account_view.show_account(detail, today)
        self.pages.setCurrentWidget(self.account_view)

    def _account_changed(self, account_id: int) -> None:
        """An edit was committed: reload the account and the Book rows behind it."""
        self.open_account(account_id)
        database, today = self.database, self.today()
        self.run_task(
            lambda progress: book_rows(database, today), self._show_rows, what="Refreshing the book"
        )

    def new_account(self) -> None:
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs.account_dialogs import NewAccountDialog

        owners = sorted({row.owner for row in self.book_view.model.rows() if row.owner})
        dialog = NewAccountDialog(
            account_edits.playbook_choices(self.database), owners, self.today(), self
        )
        if dialog.exec() != NewAccountDialog.DialogCode.Accepted:
            return
        try:
            account_id = account_edits.create_account(
                self.database, dialog.fields(), dialog.playbook_id()
            )
        except Exception as exc:
            show_failure(self, "Creating the account", exc)
            return
        self.refresh()
        self.open_account(account_id)

    def show_book(self) -> None:
        self.pages.setCurrentWidget(self.book_view)
        self.book_view.table.setFocus()

    def focus_search(self) -> None:
        self.show_book()
        self.book_view.search.setFocus()
        self.book_view.search.selectAll()

    def load_demo_book(self) -> None:
        database, today = self.database, self.today()
        self.run_task(
            lambda progress: create_demo_book(database, today=today),
            lambda summary: (
                self.statusBar().showMessage(f"Demo book: {summary}", 6000),
                self.refresh(),
            ),
            what="Creating the demo book",
            busy_text="Creating the demo book…",
        )

    def choose_book(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open book",
            str(self.database.path.parent),
            "CSM books (*.sqlite3 *.db);;All files (*)",
        )
        if path:
            self.switch_book(Path(path))

    def choose_new_book(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "New book",
            str(self.database.path.parent / "new-book.sqlite3"),
            "CSM books (*.sqlite3)",
        )
        if path:
            self.switch_book(Path(path))

    def switch_book(self, path: Path) -> None:
        try:
            database = open_database(path)
        except Exception as exc:  # a UserError explains itself; anything else is logged
            show_failure(self, "Opening the book", exc)
            return
        workers.wait_all()
        self.database.close()
        self.database = database
        self.current_account_id = None
        self.account_controller.undo_stack.clear()
        self.path_label.setText(str(path))
        self.setWindowTitle(f"{APP_NAME} — {path.name}")
        self.settings.setValue("book/last_path", str(path))
        self.show_book()
        self.refresh()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Offline-first onboarding for Customer Success Managers: milestone ladders by "
            "role, usage evidence, value reports.</p>"
            f"<p>Book: {self.database.path}</p>",
        )

    # --- background work ---------------------------------------------------------------

    def run_task(
        self,
        work: Callable[[workers.Progress], Any],
        on_success: Callable[[Any], Any],
        *,
        what: str,
        busy_text: str | None = None,
    ) -> workers.Task:
        """Run ``work`` off the UI thread with the status-bar progress; report failures."""
        task = workers.Task(work, self)
        if busy_text:
            self.progress.setRange(0, 0)
            self.progress.setVisible(True)
            self.statusBar().showMessage(busy_text)
        task.progressed.connect(self._on_progress)
        task.succeeded.connect(on_success)
        task.failed.connect(lambda exc: show_failure(self, what, exc))
        task.finished.connect(lambda: self.progress.setVisible(False))
        return workers.start(task)

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setVisible(True)
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        if text:
            self.statusBar().showMessage(text)

    # --- settings ------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)
        self.book_view.restore_state(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.book_view.save_state(self.settings)
        workers.wait_all()
        super().closeEvent(event)
