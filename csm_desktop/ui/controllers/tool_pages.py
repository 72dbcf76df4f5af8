"""The Playbooks and Experiments pages: imported and built the first time the CSM opens them.

Neither is needed at start-up, so the window routes to this controller, which builds the page,
adds it to the window's stack and connects its status messages and "the ladders changed" refresh.
It owns ``playbook_editor``, ``experiments_view`` and ``experiments_controller`` (None until
first shown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from csm_desktop.ui.controllers.host import Host
from csm_desktop.ui.navigation import Page

if TYPE_CHECKING:
    from csm_desktop.ui.controllers.experiments import ExperimentsController
    from csm_desktop.ui.views.experiments_view import ExperimentsView
    from csm_desktop.ui.views.playbook_editor import PlaybookEditor


class ToolPages(QObject):
    """Builds and shows the window's Playbooks and Experiments pages."""

    def __init__(
        self,
        host: Host,
        *,
        book_is_empty: Callable[[], bool],
        show_empty_book: Callable[[Page], None],
    ) -> None:
        super().__init__(host.window)
        self.host = host
        self.book_is_empty = book_is_empty
        self.show_empty_book = show_empty_book
        self.playbook_editor: PlaybookEditor | None = None
        self.experiments_view: ExperimentsView | None = None
        self.experiments_controller: ExperimentsController | None = None

    def show_experiments(self) -> None:
        """The experiments page, built on first use; refreshed every time it is shown."""
        host = self.host
        if self.book_is_empty():
            self.show_empty_book(Page.EXPERIMENTS)
            return
        if self.experiments_view is None or self.experiments_controller is None:
            from csm_desktop.ui.controllers.experiments import ExperimentsController
            from csm_desktop.ui.views.experiments_view import ExperimentsView

            self.experiments_view = ExperimentsView()
            host.pages.addWidget(self.experiments_view)
            self.experiments_controller = ExperimentsController(
                self.experiments_view, host.database(), host.today, host.window
            )
            self.experiments_controller.status.connect(lambda text: host.status(text, 6000))
            self.experiments_controller.ladders_changed.connect(host.refresh)
        host.pages.setCurrentWidget(self.experiments_view)
        self.experiments_controller.refresh()

    def show_playbooks(self) -> None:
        """The playbook editor, imported and built on first use (not needed at start-up)."""
        host = self.host
        if self.playbook_editor is None:
            from csm_desktop.ui.views.playbook_editor import PlaybookEditor

            self.playbook_editor = PlaybookEditor(host.database(), today=host.today)
            self.playbook_editor.status_message.connect(lambda text: host.status(text, 6000))
            self.playbook_editor.accounts_changed.connect(host.refresh)
            host.pages.addWidget(self.playbook_editor)
        elif not self.playbook_editor.form.dirty:
            self.playbook_editor.reload_in_background(self._selected_step())
        host.pages.setCurrentWidget(self.playbook_editor)

    def refresh_for_team(self) -> None:
        """A teammate changed a playbook, an experiment or another row every account shares
        (live refresh, issue 16): the Playbooks or Experiments page on show reads its lists
        again, keeping its selection and, when nothing of it changed, the experiment's
        results. A playbook milestone being edited keeps the user's typing: the page is read
        again when next shown."""
        current = self.host.pages.currentWidget()
        if current is not None and current is self.experiments_view:
            assert self.experiments_controller is not None
            self.experiments_controller.refresh(keep_results=True)
        elif current is not None and current is self.playbook_editor:
            editor = self.playbook_editor
            if editor.form.dirty:
                self.host.status(
                    "Your team changed the playbooks: save your edit, then open Playbooks "
                    "again to see their changes",
                    8000,
                )
                return
            editor.reload_in_background(self._selected_step())

    def _selected_step(self) -> int | None:
        assert self.playbook_editor is not None
        step = self.playbook_editor.selected_template()
        return step.id if step is not None else None
