"""The main window: it assembles the pages and routes between them.

Each page's logic lives in a controller under ``ui/controllers/`` (Today, the account page, the
dashboard, Playbooks and Experiments, book files, reports, read-only mode) and the menu bar in
``ui/menus.py``. What stays here: the page stack and navigation, the Book's rows, the status bar
and ``run_task`` (services in workers, with progress), switching books, and window settings.
It never holds ORM objects or writes SQL.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from csm_desktop import APP_NAME
from csm_desktop.domain.text import plural
from csm_desktop.services.opening import Database, names_may_have_changed
from csm_desktop.ui import palette, workers
from csm_desktop.ui.controllers.account_page import AccountPageController
from csm_desktop.ui.controllers.account_versions import WindowSaves
from csm_desktop.ui.controllers.book_files import BookFiles
from csm_desktop.ui.controllers.book_patches import UPDATED, BookPatches
from csm_desktop.ui.controllers.dashboard import DashboardController
from csm_desktop.ui.controllers.host import Host
from csm_desktop.ui.controllers.live_refresh import LiveRefresh
from csm_desktop.ui.controllers.my_accounts import MyAccounts
from csm_desktop.ui.controllers.read_only import ReadOnlyController
from csm_desktop.ui.controllers.reports import ReportExports
from csm_desktop.ui.controllers.team_server import TeamServer
from csm_desktop.ui.controllers.today import PAINT_TIME_MS, TodayController
from csm_desktop.ui.controllers.tool_pages import ToolPages
from csm_desktop.ui.drop import accepted_spreadsheet
from csm_desktop.ui.menus import build_menus
from csm_desktop.ui.navigation import NavigationBar, Page
from csm_desktop.ui.read_only import set_writes_enabled, writes
from csm_desktop.ui.task_status import TaskStatus
from csm_desktop.ui.views.empty_state import EmptyState, StartActions, empty_book_state
from csm_desktop.ui.views.today_view import TodayView

if TYPE_CHECKING:
    from csm_desktop.services.live_changes import Changes
    from csm_desktop.ui.views.book_view import BookView

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    # Reads of the Book started so far: only the latest one's rows are shown (an older read,
    # of this book or of the one before a switch, may end after it).
    _book_reads = 0
    # A teammate changed the book while the Book was hidden (read again when shown) or while
    # Today was loading (read again once it has loaded): issue 16's live refresh.
    book_stale = today_stale = False

    def __init__(
        self,
        database: Database,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        settings: QSettings | None = None,
        load_demo_if_empty: bool = False,
        book_lock: Any = None,
        read_only_reason: str | None = None,
        daily_backup: bool = False,
    ) -> None:
        super().__init__()
        self.database = database
        self.book_lock = book_lock  # held while this window may write the book
        self.today = today
        self.settings = settings or QSettings()
        self.loading = False
        self.load_demo_if_empty = load_demo_if_empty
        self.first_load = True  # the morning view: open on Today once the book has accounts
        self._update_title()
        self.setMinimumSize(760, 480)

        self.files = BookFiles(self)  # File menu: open, back up, restore, import, export
        self.team_server = TeamServer(self)  # File → Connect to team server…
        self.starts = StartActions(self)  # the empty pages' ways to fill the book
        self.starts.import_tracker.connect(self.files.import_tracker)
        self.starts.import_usage.connect(self.files.import_usage)
        self.starts.new_account.connect(self.new_account)
        self.starts.open_demo.connect(self.load_demo_book)
        # The Book page is built when first needed: at start-up when its rows arrive, after
        # Today's first lines (its module, model and delegates: ~30 ms of start-up, issue 17).
        self._book_view: BookView | None = None
        self.pages = QStackedWidget()
        # What the page controllers may use of this window (they are never handed the window).
        self.host = Host(
            window=self,
            pages=self.pages,
            database=lambda: self.database,
            today=self.today,
            run_task=self.run_task,
            status=lambda text, ms: self.statusBar().showMessage(text, ms),
            refresh=self.refresh,
        )
        self.navigation = NavigationBar()
        self.navigation.page_requested.connect(lambda page: self.show_page(Page(page)))
        self.writing = ReadOnlyController(self, read_only_reason)  # banner, Try again
        self.banner = self.writing.banner
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        row = QHBoxLayout()
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.pages, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)
        # Every milestone save of the window (account page, Today, the Book's menu): its own
        # versions, one queue, Edit → Undo.
        self.saves = WindowSaves.of_its_own(self)
        self.undo_stack = self.saves.undo_stack
        # Opening, new account, charts, celebrations; the page is built on first use.
        self.accounts = AccountPageController(
            self.host,
            lambda: self.book_view,
            self.saves,
            show_book=self.show_book,
            log_touchpoint=lambda request: self.today_controller.log(request),
        )
        # Playbooks and Experiments, built on first use
        self.tool_pages = ToolPages(
            self.host, book_is_empty=self.book_is_empty, show_empty_book=self.show_empty_book
        )
        self.dashboard = DashboardController(  # built on first use: it loads pyqtgraph
            self.host,
            lambda: self.book_view,
            book_is_empty=self.book_is_empty,
            show_empty_book=self.show_empty_book,
            open_account=self.open_account,
            export_report=lambda: self.reports.export_portfolio_report(),
        )
        self.reports = ReportExports(  # Reports menu
            self.host,
            lambda: self.book_view,
            self.accounts,
            self.dashboard,
            internal=lambda: self.internal_qbr_action.isChecked(),
        )

        # How to fill an empty book, for the page asked for: built when first shown.
        self.empty_book_page: EmptyState | None = None
        self.empty_book_page_for = Page.DASHBOARD

        self.today_view = TodayView(self.starts)
        self.pages.currentChanged.connect(self._page_changed)
        self.pages.addWidget(self.today_view)  # the first page: on show from now on
        self.today_controller = TodayController(
            self.today_view, database, self.today, self, self.saves
        )
        self.today_controller.reread.connect(self.refresh)
        self.today_view.account_activated.connect(self.open_account)
        self.today_controller.status.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.today_controller.touchpoint_logged.connect(self.accounts.touchpoint_logged)
        self.today_controller.loaded.connect(self._today_loaded)
        self.today_controller.achieved.connect(self._achieved_from_today)

        menus = build_menus(self)
        self.file_menu, self.edit_menu, self.view_menu = menus.file, menus.edit, menus.view
        self.reports_menu, self.help_menu = menus.reports, menus.help
        self.demo_action, self.import_usage_action = menus.demo, menus.import_usage
        self.undo_action, self.redo_action = menus.undo, menus.redo
        self.internal_qbr_action = menus.internal_qbr
        writes(*menus.write_actions())
        self.tasks = TaskStatus(self, self.database.where)  # path (or server) and progress
        self.path_label, self.progress = self.tasks.path_label, self.tasks.progress
        self.my_accounts = MyAccounts(self)  # on a server: the Book and Today open on mine
        self.live = LiveRefresh(self)  # on a server: a teammate's change shows within seconds
        self.setAcceptDrops(True)  # a usage spreadsheet dropped on the window opens the wizard
        self._restore_settings()
        palette.notifier.changed.connect(self.refresh)  # recolour rows and texts
        # The day's automatic backup runs once the book shows accounts: a backup of an empty
        # book (a demo still being created) would be the only one of the day.
        self.daily_backup_due = daily_backup
        self.writing.apply(built_now=True)
        # Start-up: Today, the page shown first, is read before the Book (both need the one
        # Python interpreter, issue 17); the Book's rows follow Today's first lines.
        self.loading = True
        self.show_today()
        self.book_waits_for_today = True
        self.today_controller.settled.connect(self._book_after_today)
        self.live.start()

    # --- layout -------------------------------------------------------------------------

    # --- read-only -------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.database.read_only

    # --- pages built on first use ------------------------------------------------------

    @property
    def book_view(self) -> BookView:
        """The Book page, built when first asked for (at start-up: when its rows arrive,
        after Today's first lines)."""
        if self._book_view is None:
            self._book_view = self._build_book_view()
        return self._book_view

    @property
    def book_view_if_built(self) -> BookView | None:
        return self._book_view

    def _build_book_view(self) -> BookView:
        from csm_desktop.ui.views.book_view import BookView

        view = BookView(self.starts)
        self.pages.addWidget(view)
        view.account_activated.connect(self.open_account)
        view.row_action_requested.connect(self._book_row_action)
        view.writable = not self.read_only
        view.restore_state(self.settings)
        self.book_patches = BookPatches(
            self.host,
            view,
            read_whole=lambda note: self._load_book(note=note),
            whole_reads=lambda: self._book_reads,
        )
        self.my_accounts.watch(view)
        return view

    # (None until built, owned by their controllers)

    @property
    def account_view(self) -> Any:
        return self.accounts.view

    @property
    def account_controller(self) -> Any:
        return self.accounts.controller

    @property
    def current_account_id(self) -> int | None:
        return self.accounts.current_id

    @property
    def celebration_notice(self) -> Any:
        return self.accounts.celebration_notice

    @property
    def dashboard_view(self) -> Any:
        return self.dashboard.view

    @property
    def playbook_editor(self) -> Any:
        return self.tool_pages.playbook_editor

    @property
    def experiments_view(self) -> Any:
        return self.tool_pages.experiments_view

    @property
    def experiments_controller(self) -> Any:
        return self.tool_pages.experiments_controller

    # --- actions -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the Book (and the page on show) in a worker."""
        self._load_book()
        if self.current_account_id is not None and self.pages.currentWidget() is self.account_view:
            self.open_account(self.current_account_id)
        if self.dashboard_view is not None and self.pages.currentWidget() is self.dashboard_view:
            self.dashboard.refresh()
        if self.pages.currentWidget() is self.today_view:
            self.today_controller.refresh()

    def refresh_for(self, changes: Changes) -> None:
        """Someone else changed ``changes`` on the team server: reload what on show displays
        those accounts, keeping the user's selection and place. A hidden Book is read again
        when it is shown (a 50,000-account Book takes seconds of a worker and a second of the
        UI thread to set: not every 5 s while the CSM is elsewhere); Today, when loading,
        once it has loaded."""
        if changes.everything:
            names_may_have_changed(self.database)  # stamps name whoever is signed in now
        current = self.pages.currentWidget()
        on_book = current is not None and current is self.book_view_if_built
        if on_book and self.loading:
            self.book_stale = True  # read again once this read is shown, not restarted
        elif on_book:
            if not changes.everything and self.book_patches.fits(changes.accounts):
                self.book_patches.apply(changes.accounts)  # only those accounts' lines
            else:
                self._load_book(note=UPDATED)
        else:
            self.book_stale = True
        if current is self.account_view and self.current_account_id is not None:
            if changes.touches(self.current_account_id):
                self.accounts.reload()
        elif current is self.dashboard_view and self.dashboard_view is not None:
            self.dashboard.refresh()
        elif current is self.today_view:
            if self.today_controller.loading:
                self.today_stale = True
            else:
                self.today_controller.refresh()
        elif changes.everything:
            self.tool_pages.refresh_for_team()

    def _book_after_today(self) -> None:
        """The Book's read starts once Today's first lines are painted: a worker started at
        once would take the interpreter from that paint (issue 17)."""
        if self.book_waits_for_today:
            self.book_waits_for_today = False
            QTimer.singleShot(PAINT_TIME_MS, self, self._load_book)

    def _load_book(self, note: str | None = None) -> None:
        """Read the Book's rows in a worker; ``note`` is said once they are on show.

        An empty Book on show, sorted by name, gets its first screenful first (a big book's
        rows take seconds; its first lines, a fraction of one: issue 17)."""
        database, today = self.database, self.today()
        # A Book page not built yet is not on show: no first screenful, and it is built when
        # its rows arrive (at start-up, well after Today's first paint).
        book = self._book_view
        first = book.first_screenful_order() if book is not None else None
        mine = database.on_server and not self.my_accounts.book_set  # "My accounts" to come
        self.book_stale = False
        self._book_reads += 1
        read = self._book_reads
        self.loading = True
        self.statusBar().showMessage("Loading the book…")

        def work(progress: workers.Progress) -> Any:
            if first is not None:
                progress.send(first_book_rows(database, today, *first, mine=mine))
            return _book_and_counts(database, today)

        self.run_task(
            work,
            lambda loaded: self._show_rows(loaded, note) if read == self._book_reads else None,
            what="Loading the book",
            on_partial=lambda rows: (
                self._show_first_rows(rows) if read == self._book_reads else None
            ),
            on_failure=lambda exc: self._book_not_read(exc, read),
        )

    def _book_not_read(self, exc: BaseException, read: int) -> None:
        """The Book could not be read (a server gone, a damaged file): say so, and stop
        counting as loading, so the next refresh or visit reads it again."""
        from csm_desktop.ui.dialogs.messages import show_failure

        if read == self._book_reads:
            self.loading = False
            self.book_stale = True
        show_failure(self, "Loading the book", exc)

    def _show_first_rows(self, rows: Any) -> None:
        if self.loading and self.book_view.model.total() == 0:
            self.book_view.set_rows(rows)

    def _show_rows(self, loaded: Any, note: str | None = None) -> None:
        rows, playbooks, experiments = loaded
        if not rows and self.load_demo_if_empty:
            self.load_demo_if_empty = False
            self.load_demo_book()
            return
        self.book_view.set_rows(rows)
        self.today_view.set_book_empty(not rows)
        if rows and self.daily_backup_due and not self.read_only:
            self.daily_backup_due = False
            self._back_up_daily()
        self.navigation.set_count(Page.BOOK, len(rows))
        self.navigation.set_count(Page.PLAYBOOKS, playbooks)
        self.navigation.set_count(Page.EXPERIMENTS, experiments)
        self.demo_action.setEnabled(not rows)
        if rows and self.pages.currentWidget() is self.empty_book_page:
            self.first_load = False
            self.show_page(self.empty_book_page_for)  # the book was just filled: show it
        if rows and self.first_load:
            self.first_load = False
            if self.pages.currentWidget() is not self.today_view:  # else it is loading already
                self.show_today()
        self.loading = False
        self.statusBar().showMessage(note or plural(len(rows), "account"), 4000)
        if self.book_stale and self.pages.currentWidget() is self.book_view:
            self._load_book(note=UPDATED)  # a teammate's change came in while it was read

    def open_account(self, account_id: int) -> None:
        self.accounts.open(account_id)

    def new_account(self) -> None:
        self.accounts.new_account()

    def page_opener(self, page: Page) -> Callable[[], None]:
        return lambda: self.show_page(page)

    def show_page(self, page: Page) -> None:
        """Switch to one of the navigation's pages."""
        {
            Page.TODAY: self.show_today,
            Page.BOOK: self.show_book,
            Page.DASHBOARD: self.show_dashboard,
            Page.PLAYBOOKS: self.show_playbooks,
            Page.EXPERIMENTS: self.show_experiments,
        }[page]()

    def _page_changed(self) -> None:
        """Keep the navigation's highlight on the page on show (an account is in the Book);
        a page built just now gets its writing controls switched off in a read-only window."""
        if self.read_only:
            set_writes_enabled(self, False)
        current = self.pages.currentWidget()
        pages = {
            self.today_view: Page.TODAY,
            self._book_view: Page.BOOK,
            self.account_view: Page.BOOK,
            self.empty_book_page: self.empty_book_page_for,
            self.dashboard_view: Page.DASHBOARD,
            self.playbook_editor: Page.PLAYBOOKS,
            self.experiments_view: Page.EXPERIMENTS,
        }
        self.navigation.mark(pages.get(current))

    def book_is_empty(self) -> bool:
        return not self.book_view.model.total() and not self.loading

    def show_empty_book(self, page: Page) -> None:
        """Dashboard and Experiments of an empty book: how to fill it, not empty charts."""
        shown = self.empty_book_page
        self.empty_book_page = empty_book_state(self.starts, page.value)
        self.empty_book_page_for = page
        self.pages.addWidget(self.empty_book_page)
        self.pages.setCurrentWidget(self.empty_book_page)
        if shown is not None:
            self.pages.removeWidget(shown)
            shown.deleteLater()

    def _book_row_action(self, action: str, account_id: int) -> None:
        """An action from the right-click menu on a Book row."""
        from csm_desktop.ui.views import book_view

        if action == book_view.OPEN:
            self.open_account(account_id)
        elif action == book_view.MARK_NEXT:
            self.accounts.mark_next_achieved(account_id)
        elif action == book_view.TOUCHPOINT:
            self.accounts.log_touchpoint_for(account_id)
        elif action == book_view.QBR:
            self.reports.export_qbr_report(account_id)
        elif action == book_view.COPY_NAME:
            from PySide6.QtGui import QGuiApplication

            name = self.account_name(account_id)
            QGuiApplication.clipboard().setText(name)
            self.statusBar().showMessage(f"Copied “{name}”", 4000)

    def account_name(self, account_id: int) -> str:
        return self.accounts.account_name(account_id)

    def _achieved_from_today(self, account_id: int, milestone_id: int) -> None:
        self.accounts.celebrate(account_id, milestone_id)
        self.refresh()

    def _back_up_daily(self) -> None:
        from csm_desktop.services.backups import back_up_on_open

        database, today = self.database, self.today()
        self.run_task(
            lambda progress: back_up_on_open(database, today),
            lambda _made: None,
            what="Daily backup",
        )

    def _today_loaded(self) -> None:
        if self.today_stale:
            self.today_stale = False
            if self.pages.currentWidget() is self.today_view:
                self.today_controller.refresh()  # a teammate's change came while it loaded
        items = self.today_view.model.items()
        self.navigation.set_count(Page.TODAY, sum(not item.nudge.handled for item in items))

    def show_book(self) -> None:
        self.pages.setCurrentWidget(self.book_view)
        if self.book_stale and not self.loading:
            self.book_stale = False
            self._load_book(note=UPDATED)
        self.book_view.table.setFocus()

    def show_today(self) -> None:
        """What needs me today: ranked nudges with the message ready to send."""
        self.pages.setCurrentWidget(self.today_view)
        if not self.today_controller.loading:  # else a fresh list is being read already
            self.today_controller.refresh()
        self.today_view.table.setFocus()

    def show_experiments(self) -> None:
        self.tool_pages.show_experiments()

    def show_playbooks(self) -> None:
        self.tool_pages.show_playbooks()

    def show_dashboard(self) -> None:
        self.dashboard.show()

    def focus_search(self) -> None:
        self.show_book()
        self.book_view.search.setFocus()
        self.book_view.search.selectAll()

    def load_demo_book(self) -> None:
        from csm_desktop.services.demo import create_demo_book

        database, today = self.database, self.today()
        self.run_task(
            lambda progress: create_demo_book(database, today=today),
            self._demo_created,
            what="Creating the demo book",
            busy_text="Creating the demo book…",
        )

    def _demo_created(self, summary: object) -> None:
        self.statusBar().showMessage(f"Demo book: {summary}", 6000)
        self.refresh()

    def show_features(self) -> None:
        from csm_desktop.ui.dialogs.features_dialog import open_features_dialog

        self.features_dialog = open_features_dialog(self, self.database)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if accepted_spreadsheet(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = accepted_spreadsheet(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files.open_import_wizard(path)

    def use_database(self, database: Database) -> None:
        """Point every page at ``database`` (after switching books or restoring a backup)."""
        self.database = database
        self.accounts.current_id = None
        self.saves.forget()  # this book's rows number from 1 again
        self.today_controller.database = database
        if self.experiments_controller is not None:
            self.experiments_controller.database = database
        if self.playbook_editor is not None:
            self.playbook_editor.database = database
            self.playbook_editor.detail = None
            self.playbook_editor.reload()
        self.path_label.setText(database.where)
        self._update_title()
        self.my_accounts.reset()
        self.live.start()
        self.writing.apply()
        self.settings.setValue("book/last_path", database.where)  # never a password
        self.book_view.set_rows([])  # not the last book's rows under this one's name
        self.show_book()
        self.refresh()

    def _update_title(self) -> None:
        suffix = " (read-only)" if self.database.read_only else ""
        if self.database.on_server:
            suffix = f" on the team server{suffix}"
        self.setWindowTitle(f"{APP_NAME} — {self.database.name}{suffix}")

    def saves_finished(self) -> bool:
        """True once the saves still queued have reached the book (or the CSM chose to
        leave without them)."""
        return _saves_finished(self)

    def leave_book(self) -> bool:
        """Before the window points at another book (opened, a restored backup, the same
        one taken over for changes): the saves still queued reach this one (their undo
        steps pushed, then forgotten by ``use_database``), and every task on it ends.
        False: the CSM chose to stay with the saves still running."""
        if not self.saves_finished():
            return False
        workers.wait_all()
        return True

    def release_lock(self) -> None:
        if self.book_lock is not None:
            self.book_lock.release()
            self.book_lock = None

    # --- background work ---------------------------------------------------------------

    def run_task(
        self,
        work: Callable[[workers.Progress], Any],
        on_success: Callable[[Any], Any],
        *,
        what: str,
        busy_text: str | None = None,
        on_partial: Callable[[Any], Any] | None = None,
        on_failure: Callable[[BaseException], Any] | None = None,
    ) -> workers.Task:
        """Run ``work`` off the UI thread with the status-bar progress; report failures
        (or hand them to ``on_failure``)."""
        return self.tasks.run(
            work,
            on_success,
            what=what,
            busy_text=busy_text,
            on_partial=on_partial,
            on_failure=on_failure,
        )

    # --- settings ------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.saves_finished():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self._book_view is not None:  # else its remembered columns stay as they were
            self._book_view.save_state(self.settings)
        self.live.stop()
        workers.cancel_all()
        workers.wait_all()
        if self.celebration_notice is not None:
            self.celebration_notice.close()
        super().closeEvent(event)
        if event.isAccepted():
            self.release_lock()  # the book is free for another window as soon as this closes


SAVES_WAIT_MS = 30_000


def _saves_finished(window: MainWindow) -> bool:
    """Let the saves still queued reach the book before the window closes or leaves it;
    when they take longer than ``SAVES_WAIT_MS`` (a slow server), ask. False: keep the
    window (and its book) open."""
    if not workers.work_queued():
        return True
    window.statusBar().showMessage("Saving your last changes…")
    if workers.finish_queued_work(SAVES_WAIT_MS):
        return True
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.warning(
        window,
        "Changes still being saved",
        f"Your last changes are still being saved to {window.database.where}. Leave now "
        "and they may be lost; wait and the window stays as it is.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


def first_book_rows(
    database: Database, today: dt.date, by: Any, descending: bool, *, mine: bool
) -> Any:
    """The Book's first screenful (``services.book.first_book_rows``), imported on the
    worker as ``_book_and_counts`` is."""
    from csm_desktop.services.book import first_book_rows as first_rows

    return first_rows(database, today, by, descending=descending, mine=mine)


def _book_and_counts(database: Database, today: dt.date) -> tuple[Any, int, int]:
    """The Book's rows and the Playbooks and Experiments counts. The service (and the
    metrics behind it) is imported here, on the worker, after Today has shown its lines."""
    from csm_desktop.services.book import book_rows, page_counts

    return (book_rows(database, today), *page_counts(database))
