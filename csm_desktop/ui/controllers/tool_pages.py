"""The Playbooks and Experiments pages: imported and built the first time the CSM opens them.

Neither is needed at start-up, so the window routes to this controller, which builds the page,
adds it to the window's stack and connects its status messages and "the ladders changed" refresh.
The window keeps ``playbook_editor``, ``experiments_view`` and ``experiments_controller``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from csm_desktop.ui.navigation import Page

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow


class ToolPages(QObject):
    """Builds and shows the window's Playbooks and Experiments pages."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def show_experiments(self) -> None:
        """The experiments page, built on first use; refreshed every time it is shown."""
        w = self.window
        if w.book_is_empty():
            w.show_empty_book(Page.EXPERIMENTS)
            return
        if w.experiments_view is None:
            from csm_desktop.ui.controllers.experiments import ExperimentsController
            from csm_desktop.ui.views.experiments_view import ExperimentsView

            w.experiments_view = ExperimentsView()
            w.pages.addWidget(w.experiments_view)
            w.experiments_controller = ExperimentsController(
                w.experiments_view, w.database, w.today, w
            )
            w.experiments_controller.status.connect(
                lambda text: w.statusBar().showMessage(text, 6000)
            )
            w.experiments_controller.ladders_changed.connect(w.refresh)
        w.pages.setCurrentWidget(w.experiments_view)
        w.experiments_controller.refresh()

    def show_playbooks(self) -> None:
        """The playbook editor, imported and built on first use (not needed at start-up)."""
        w = self.window
        if w.playbook_editor is None:
            from csm_desktop.ui.views.playbook_editor import PlaybookEditor

            w.playbook_editor = PlaybookEditor(w.database, today=w.today)
            w.playbook_editor.status_message.connect(
                lambda text: w.statusBar().showMessage(text, 6000)
            )
            w.playbook_editor.accounts_changed.connect(w.refresh)
            w.pages.addWidget(w.playbook_editor)
        else:
            w.playbook_editor.reload()
        w.pages.setCurrentWidget(w.playbook_editor)
