"""The account page's wiring: opening an account, a new account, its charts, celebrations.

The page (``AccountView`` and its ``AccountController``) is built on first use. This controller
reads the account in a worker and shows it, reloads it when an edit is committed or a touchpoint
is logged for it, opens "Log touchpoint…" for a Book row, and shows the congratulations when a
milestone is achieved. It owns the page (``view``, ``controller``), the account on show
(``current_id``) and the open congratulations (``celebration_notice``); the window reads them
to route between pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from csm_desktop.errors import UnknownAccount
from csm_desktop.ui.controllers.account_versions import WindowSaves
from csm_desktop.ui.controllers.host import Host
from csm_desktop.ui.dialogs.messages import show_failure

if TYPE_CHECKING:
    from csm_desktop.ui.controllers.account import AccountController
    from csm_desktop.ui.dialogs.touchpoint_dialog import TouchpointRequest
    from csm_desktop.ui.views.account_view import AccountView
    from csm_desktop.ui.views.book_view import BookView


class AccountPageController(QObject):
    """Routes everything about the account page for one window."""

    def __init__(
        self,
        host: Host,
        book: Callable[[], BookView],
        saves: WindowSaves,
        *,
        show_book: Callable[[], None],
        log_touchpoint: Callable[[TouchpointRequest], None],
    ) -> None:
        super().__init__(host.window)
        self.host = host
        self._book = book  # the Book page (built when first asked for): its rows name accounts
        self.saves = saves  # the window's: its own versions, save queue, Edit → Undo/Redo
        self.show_book = show_book
        self.log_touchpoint = log_touchpoint
        self.view: AccountView | None = None  # built on first use
        self.controller: AccountController | None = None
        self.current_id: int | None = None  # the account on show (or last shown)
        # Reads of the account started so far: only the latest is shown (a teammate's live
        # reload must not land after the reload of one's own save and undo it on screen).
        self.reads = 0
        self.celebration_notice: Any = None

    @property
    def book(self) -> BookView:
        return self._book()

    def open(self, account_id: int) -> None:
        from csm_desktop.services.accounts import account_detail

        database, today = self.host.database(), self.host.today()
        self.current_id = account_id
        self.reads += 1
        read = self.reads
        self.host.run_task(
            lambda progress: account_detail(database, account_id, today),
            lambda detail: self._show(detail, today) if read == self.reads else None,
            what="Opening the account",
        )

    def reload(self) -> None:
        """Read the account on show again (a teammate changed it), in place: the page stays
        where the user is, with the same milestone selected. An account deleted meanwhile
        sends the user back to the Book, saying so."""
        from csm_desktop.services.accounts import account_detail
        from csm_desktop.ui import workers

        account_id = self.current_id
        if not self.on_show() or account_id is None:
            return
        database, today = self.host.database(), self.host.today()
        self.reads += 1
        read = self.reads

        def still_on_show() -> bool:
            return self.on_show() and self.current_id == account_id and read == self.reads

        def shown(detail: Any) -> None:
            if still_on_show():
                self.page().show_account(detail, today)

        def gone(exc: BaseException) -> None:
            if not still_on_show():
                return
            if not isinstance(exc, UnknownAccount):
                show_failure(self.host.window, "Reloading the account", exc)
                return
            self.show_book()
            self.host.status("The account you had open was deleted by a teammate.", 8000)

        workers.run(
            lambda progress: account_detail(database, account_id, today),
            shown,
            what="Reloading the account",
            owner=self,
            on_failure=gone,
        )

    def _show(self, detail: Any, today: dt.date) -> None:
        view = self.page()
        view.show_account(detail, today)
        self.host.pages.setCurrentWidget(view)

    def page(self) -> AccountView:
        """The account page and its controller, built on first use."""
        if self.view is None:
            from csm_desktop.ui.controllers.account import AccountController
            from csm_desktop.ui.views.account_view import AccountView

            host = self.host
            self.view = AccountView()
            host.pages.addWidget(self.view)
            self.view.back_requested.connect(self.show_book)
            self.view.charts_requested.connect(self.load_charts)
            self.controller = AccountController(
                self.view, host.database, host.today, host.window, self.saves
            )
            self.controller.changed.connect(self._changed)
            self.controller.achieved.connect(self.celebrate)
        return self.view

    def _changed(self, account_id: int) -> None:
        """An edit was committed: reload the account and the Book rows behind it."""
        self.current_id = account_id
        self.host.refresh()

    def new_account(self) -> None:
        """Read the playbooks off the UI thread, then ask for the new account."""
        from csm_desktop.services.default_playbook import choices_with_default
        from csm_desktop.ui import workers

        database, today = self.host.database(), self.host.today()
        workers.run(  # the book's default playbook first; a new book gets the Standard one
            lambda progress: choices_with_default(database, today=today),
            self._new_account_dialog,
            what="Reading the playbooks",
            owner=self,
            shown_over=self.host.window,
        )

    def _new_account_dialog(self, choices: list[tuple[int, str]]) -> None:
        from csm_desktop.services import account_edits
        from csm_desktop.ui.dialogs.account_dialogs import NewAccountDialog

        host, parent = self.host, self.host.window
        owners = sorted({row.owner for row in self.book.model.rows() if row.owner})
        dialog = NewAccountDialog(choices, owners, host.today(), parent)
        database, created = host.database(), [0]

        def read() -> Callable[[], int]:  # on OK: what was typed, saved in a worker
            fields, playbook_id = dialog.fields(), dialog.playbook_id()
            return lambda: account_edits.create_account(database, fields, playbook_id)

        dialog.save, dialog.saving_what = read, "Creating the account"
        dialog.saved = lambda account_id: created.__setitem__(0, account_id)
        if dialog.exec() != NewAccountDialog.DialogCode.Accepted or not created[0]:
            return
        host.refresh()
        self.open(created[0])

    def account_name(self, account_id: int) -> str:
        """The account's name as the Book lists it ("" when it is not there)."""
        rows = self.book.model.rows()
        return next((r.name for r in rows if r.account_id == account_id), "")

    def log_touchpoint_for(self, account_id: int) -> None:
        """Log a touchpoint with an account from the Book (e-mail today; all editable)."""
        from csm_desktop.domain.vocabulary import Channel
        from csm_desktop.ui.dialogs.touchpoint_dialog import LogTouchpointDialog, TouchpointRequest

        dialog = LogTouchpointDialog(Channel.EMAIL, self.host.today(), "", self.host.window)
        dialog.setWindowTitle(f"Log touchpoint — {self.account_name(account_id)}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def confirmed() -> None:
            channel, on, template, note = dialog.values()
            self.log_touchpoint(
                TouchpointRequest(account_id, channel, on, template, None, None, note)
            )

        dialog.accepted.connect(confirmed)
        self.touchpoint_dialog = dialog  # kept alive while it is open
        dialog.open()

    def mark_next_achieved(self, account_id: int) -> None:
        """From the Book's row menu: read the account's next milestone (the one its row
        shows) off the UI thread, then ask for the day and mark it achieved, undoable."""
        from csm_desktop.services.accounts import next_open_step
        from csm_desktop.ui.controllers.mark_achieved import confirm_achieved

        host, database, today = self.host, self.host.database(), self.host.today()

        def ask(step: Any) -> None:
            if step is None:  # achieved or skipped meanwhile: the row is behind
                host.refresh()
                return

            def saved(on: dt.date) -> None:
                host.status(f"“{step.title}” marked achieved on {on.isoformat()}", 6000)
                self.celebrate(account_id, step.id)
                host.refresh()

            confirm_achieved(
                self.book,
                database,
                today,
                self.saves,
                step.id,
                step.title,
                step.criterion_met_on,
                step.version,
                saved=saved,
                reread=host.refresh,
                account=self.account_name(account_id),
            )

        host.run_task(
            lambda progress: next_open_step(database, account_id, today),
            ask,
            what="Reading the next milestone",
        )

    def on_show(self) -> bool:
        """Whether the account page is the page on show."""
        return self.view is not None and self.host.pages.currentWidget() is self.view

    def touchpoint_logged(self, account_id: int) -> None:
        if self.on_show() and self.current_id == account_id:
            self.open(account_id)

    def celebrate(self, account_id: int, milestone_id: int) -> None:
        """A milestone was achieved: show it, with the congratulations message ready."""
        from csm_desktop.services.today import celebration
        from csm_desktop.ui.dialogs.celebration import show_celebration

        database, today = self.host.database(), self.host.today()

        def show(found: Any) -> None:
            notice = show_celebration(found, self.host.window)
            self.celebration_notice = notice
            # The notice deletes itself when closed; forget it then, so quitting never
            # touches a deleted widget.
            notice.destroyed.connect(lambda: self._forget_notice(notice))

        self.host.run_task(
            lambda progress: celebration(database, milestone_id, today),
            show,
            what="Preparing the congratulations",
        )

    def _forget_notice(self, notice: Any) -> None:
        if self.celebration_notice is notice:
            self.celebration_notice = None

    def load_charts(self, account_id: int) -> None:
        """Series for the account's Charts tab, read in a worker."""
        from csm_desktop.services.account_charts import account_charts

        database, today = self.host.database(), self.host.today()
        self.host.run_task(
            lambda progress: account_charts(database, account_id, today),
            self.page().show_charts,
            what="Drawing the account's charts",
        )
