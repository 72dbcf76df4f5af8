"""The account page's wiring: opening an account, a new account, its charts, celebrations.

The page (``AccountView`` and its ``AccountController``) is built on first use. This controller
reads the account in a worker and shows it, reloads it when an edit is committed or a touchpoint
is logged for it, opens "Log touchpoint…" for a Book row, and shows the congratulations when a
milestone is achieved. The window keeps ``account_view``, ``account_controller``,
``current_account_id`` and ``celebration_notice`` so the other pages can route to it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from csm_desktop.ui.dialogs.messages import show_failure

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow


class AccountPageController(QObject):
    """Routes everything about the account page for one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def open(self, account_id: int) -> None:
        w = self.window
        from csm_desktop.services.accounts import account_detail

        database, today = w.database, w.today()
        w.current_account_id = account_id
        w.run_task(
            lambda progress: account_detail(database, account_id, today),
            lambda detail: self._show(detail, today),
            what="Opening the account",
        )

    def _show(self, detail: Any, today: dt.date) -> None:
        w = self.window
        view = self.page()
        view.show_account(detail, today)
        w.pages.setCurrentWidget(view)

    def page(self) -> Any:
        """The account page and its controller, built on first use."""
        w = self.window
        if w.account_view is None:
            from csm_desktop.ui.controllers.account import AccountController
            from csm_desktop.ui.views.account_view import AccountView

            w.account_view = AccountView()
            w.pages.addWidget(w.account_view)
            w.account_view.back_requested.connect(w.show_book)
            w.account_view.charts_requested.connect(self.load_charts)
            w.account_controller = AccountController(
                w.account_view, lambda: w.database, w.today, w, w.undo_stack
            )
            w.account_controller.changed.connect(self._changed)
            w.account_controller.achieved.connect(self.celebrate)
        return w.account_view

    def _changed(self, account_id: int) -> None:
        """An edit was committed: reload the account and the Book rows behind it."""
        w = self.window
        w.current_account_id = account_id
        w.refresh()

    def new_account(self) -> None:
        w = self.window
        from csm_desktop.services import account_edits
        from csm_desktop.services.default_playbook import choices_with_default
        from csm_desktop.ui.dialogs.account_dialogs import NewAccountDialog

        owners = sorted({row.owner for row in w.book_view.model.rows() if row.owner})
        try:  # the book's default playbook first; a new book gets the Standard one
            choices = choices_with_default(w.database, today=w.today())
        except Exception as exc:
            show_failure(w, "Reading the playbooks", exc)
            return
        dialog = NewAccountDialog(choices, owners, w.today(), w)
        if dialog.exec() != NewAccountDialog.DialogCode.Accepted:
            return
        try:
            account_id = account_edits.create_account(
                w.database, dialog.fields(), dialog.playbook_id()
            )
        except Exception as exc:
            show_failure(w, "Creating the account", exc)
            return
        w.refresh()
        self.open(account_id)

    def log_touchpoint_for(self, account_id: int) -> None:
        """Log a touchpoint with an account from the Book (e-mail today; all editable)."""
        w = self.window
        from csm_desktop.domain.vocabulary import Channel
        from csm_desktop.ui.dialogs.touchpoint_dialog import LogTouchpointDialog, TouchpointRequest

        dialog = LogTouchpointDialog(Channel.EMAIL, w.today(), "", w)
        dialog.setWindowTitle(f"Log touchpoint — {w.account_name(account_id)}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def confirmed() -> None:
            channel, on, template, note = dialog.values()
            w.today_controller.log(
                TouchpointRequest(account_id, channel, on, template, None, None, note)
            )

        dialog.accepted.connect(confirmed)
        self.touchpoint_dialog = dialog  # kept alive while it is open
        dialog.open()

    def touchpoint_logged(self, account_id: int) -> None:
        w = self.window
        if w.pages.currentWidget() is w.account_view and w.current_account_id == account_id:
            self.open(account_id)

    def celebrate(self, account_id: int, milestone_id: int) -> None:
        """A milestone was achieved: show it, with the congratulations message ready."""
        w = self.window
        from csm_desktop.services.today import celebration
        from csm_desktop.ui.dialogs.celebration import show_celebration

        database, today = w.database, w.today()

        def show(found: Any) -> None:
            notice = show_celebration(found, w)
            w.celebration_notice = notice
            # The notice deletes itself when closed; forget it then, so quitting never
            # touches a deleted widget.
            notice.destroyed.connect(lambda: self._forget_notice(notice))

        w.run_task(
            lambda progress: celebration(database, milestone_id, today),
            show,
            what="Preparing the congratulations",
        )

    def _forget_notice(self, notice: Any) -> None:
        w = self.window
        if w.celebration_notice is notice:
            w.celebration_notice = None

    def load_charts(self, account_id: int) -> None:
        """Series for the account's Charts tab, read in a worker."""
        w = self.window
        from csm_desktop.services.account_charts import account_charts

        database, today = w.database, w.today()
        w.run_task(
            lambda progress: account_charts(database, account_id, today),
            self.page().show_charts,
            what="Drawing the account's charts",
        )
