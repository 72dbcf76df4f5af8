"""The main window's menu bar (File, Edit, View, Reports, Help) and the Help items' dialogs.

Built once by ``MainWindow``; every item calls a window slot or one of its controllers
(``BookFiles`` for File, ``ReportExports`` for Reports), so this module holds no behaviour of
its own. ``WindowMenus.write_actions`` names the items that change the book: a read-only
window switches exactly those off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from csm_desktop import APP_NAME, app_version
from csm_desktop.ui.navigation import Page

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow

CHANGING = frozenset(
    {
        "New &account…",
        "Open &demo book",
        "&Back up now",
        "&Restore a backup…",
        "&Import usage…",
        "Import &book workbook…",
        "&Features…",
    }
)
"""The File and View items that change the book (off in a read-only window)."""


@dataclass(frozen=True, slots=True)
class WindowMenus:
    """The menus and the actions the window (and its tests) reach by name."""

    file: QMenu
    edit: QMenu
    view: QMenu
    reports: QMenu
    help: QMenu
    demo: QAction
    import_usage: QAction
    undo: QAction
    redo: QAction
    internal_qbr: QAction

    def write_actions(self) -> list[QAction]:
        """The menu actions that change the book (off in a read-only window)."""
        menus = (self.file, self.view)
        found = [a for menu in menus for a in menu.actions() if a.text() in CHANGING]
        return [*found, self.undo, self.redo]


def add_action(
    owner: QObject, menu: QMenu, text: str, slot: Callable[..., Any], shortcut: Any = None
) -> QAction:
    """One menu item (owned by the window) calling ``slot``, with its shortcut if it has one."""
    action = QAction(text, owner)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(w: MainWindow) -> WindowMenus:
    """Fill ``w``'s menu bar; the items call ``w``'s slots and controllers."""

    def add(menu: QMenu, text: str, slot: Callable[..., Any], shortcut: Any = None) -> QAction:
        return add_action(w, menu, text, slot, shortcut)

    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    files = w.files
    add(file_menu, "&Open book…", files.choose_book, QKeySequence.StandardKey.Open)
    add(file_menu, "&New book…", files.choose_new_book)
    add(file_menu, "Connect to &team server…", w.team_server.connect)
    add(file_menu, "New &account…", w.new_account, QKeySequence.StandardKey.New)
    demo = add(file_menu, "Open &demo book", w.load_demo_book)
    file_menu.addSeparator()
    add(file_menu, "&Back up now", files.back_up_now)
    add(file_menu, "&Restore a backup…", files.restore_backup)
    file_menu.addSeparator()
    import_usage = add(file_menu, "&Import usage…", files.import_usage, "Ctrl+I")
    add(file_menu, "Import &tracker…", files.import_tracker)
    add(file_menu, "Import &book workbook…", files.import_book_workbook)
    add(file_menu, "&Export book workbook…", files.export_book_workbook)
    file_menu.addSeparator()
    add(file_menu, "&Quit", w.close, QKeySequence.StandardKey.Quit)

    edit_menu = bar.addMenu("&Edit")
    undo = w.undo_stack.createUndoAction(w, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = w.undo_stack.createRedoAction(w, "&Redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    edit_menu.addAction(undo)
    edit_menu.addAction(redo)
    edit_menu.addSeparator()
    add(edit_menu, "&Find account", w.focus_search, QKeySequence.StandardKey.Find)

    view_menu = bar.addMenu("&View")
    # The navigation's order: Today, Book, Dashboard, Playbooks, Experiments.
    for number, page in enumerate(Page, 1):
        add(view_menu, f"&{page.value}", w.page_opener(page), f"Ctrl+{number}")
    view_menu.addSeparator()
    add(view_menu, "&Features…", w.show_features)
    add(view_menu, "&Refresh", w.refresh, QKeySequence.StandardKey.Refresh)

    reports_menu = bar.addMenu("&Reports")
    reports = w.reports
    add(reports_menu, "Export &QBR report…", lambda *_: reports.export_qbr_report(), "Ctrl+E")
    add(
        reports_menu,
        "Export QBR &deck…",
        lambda *_: reports.export_qbr_report(kind="pptx"),
        "Ctrl+Shift+E",
    )
    add(
        reports_menu,
        "Export QBR reports for &selected accounts…",
        lambda *_: reports.export_qbr_batch(),
    )
    add(
        reports_menu,
        "Export QBR decks for selected &accounts…",
        lambda *_: reports.export_qbr_batch("pptx"),
    )
    internal_qbr = QAction("Include &internal fields (ARR, health)", w)
    internal_qbr.setCheckable(True)
    reports_menu.addAction(internal_qbr)
    reports_menu.addSeparator()
    add(reports_menu, "&Portfolio report…", reports.export_portfolio_report)
    add(
        reports_menu,
        "Portfolio review dec&k…",
        lambda *_: reports.export_portfolio_report(kind="pptx"),
    )

    help_menu = bar.addMenu("&Help")
    add(
        help_menu,
        "&User guide",
        lambda *_: show_user_guide(w),
        QKeySequence.StandardKey.HelpContents,
    )
    add(help_menu, "&Keyboard shortcuts", lambda *_: show_shortcuts(w), "Ctrl+/")
    help_menu.addSeparator()
    add(help_menu, f"&About {APP_NAME}", lambda *_: show_about(w))
    return WindowMenus(
        file_menu,
        edit_menu,
        view_menu,
        reports_menu,
        help_menu,
        demo,
        import_usage,
        undo,
        redo,
        internal_qbr,
    )


def show_user_guide(w: MainWindow) -> None:
    from csm_desktop.ui.dialogs.help import UserGuideDialog

    dialog = UserGuideDialog(w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def shortcut_rows(w: MainWindow) -> list[tuple[str, str, str]]:
    """Every keyboard shortcut of the window, read from its actions (Help → Keyboard shortcuts)."""
    from csm_desktop.ui.dialogs.help import menu_shortcuts, widget_shortcuts

    menus = [m for a in w.menuBar().actions() if isinstance(m := a.menu(), QMenu)]
    rows = menu_shortcuts(menus)
    if w.account_view is None:
        w.accounts.page()  # built (hidden) so its ladder keys can be listed
    rows += widget_shortcuts("Account ladder", w.account_view.ladder.actions())
    return rows


def show_shortcuts(w: MainWindow) -> None:
    from csm_desktop.ui.dialogs.help import ShortcutsDialog

    dialog = ShortcutsDialog(shortcut_rows(w), w)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def show_about(w: MainWindow) -> None:
    QMessageBox.about(
        w,
        f"About {APP_NAME}",
        f"<h3>{APP_NAME} {app_version()}</h3>"
        "<p>Offline-first onboarding for Customer Success Managers: milestone ladders by "
        "role, usage evidence, value reports.</p>"
        f"<p>Book: {w.database.path}</p>",
    )
