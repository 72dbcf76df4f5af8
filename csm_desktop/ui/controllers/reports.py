"""Report exports of the window: one account's QBR, a batch of QBRs, the portfolio report.

Dialogs ask where; the writing runs in workers (the batch with progress and Cancel); the
window's status bar says where the files went and the file or folder is opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from csm_desktop.ui import workers
from csm_desktop.ui.controllers.account_page import AccountPageController
from csm_desktop.ui.controllers.dashboard import DashboardController
from csm_desktop.ui.controllers.host import Host

if TYPE_CHECKING:
    from csm_desktop.ui.views.book_view import BookView


class ReportExports:
    """The Reports menu's actions, over the Book's selection, the open account and the
    dashboard's date."""

    def __init__(
        self,
        host: Host,
        book: Callable[[], BookView],
        accounts: AccountPageController,
        dashboard: DashboardController,
        *,
        internal: Callable[[], bool],
    ) -> None:
        self.host = host
        self._book = book  # the Book page (its selection), built when first asked for
        self.accounts = accounts  # the open account, account names
        self.dashboard = dashboard  # its reporting date, when on show
        self.internal = internal  # Reports → Internal edition is ticked
        self.batch_progress: QProgressDialog | None = None

    @property
    def book(self) -> BookView:
        return self._book()

    def _status(self, text: str, ms: int) -> None:
        self.host.status(text, ms)

    def _reporting_date(self) -> dt.date:
        """The dashboard's date when the dashboard is on show, else today."""
        view = self.dashboard.view
        if view is not None and self.host.pages.currentWidget() is view:
            return view.today()
        return self.host.today()

    def export_qbr_report(self, account_id: int | None = None, kind: str = "pdf") -> None:
        """One account's QBR (PDF, or a deck for ``kind`` "pptx"): ``account_id``, else the
        open account, else the one selected in the Book."""
        from csm_desktop.services.reports import batch_file_names, write_qbr_report

        host, accounts = self.host, self.accounts
        if account_id:
            ids = [account_id]
        elif accounts.on_show() and accounts.current_id is not None:
            ids = [accounts.current_id]
        else:
            ids = self.book.selected_account_ids()
        if len(ids) != 1:
            self._status("Open or select one account to export its QBR report.", 5000)
            return
        account_id, today = ids[0], host.today()
        internal = self.internal()
        # The same name the batch export gives the account's file.
        suggested = batch_file_names(
            [(account_id, accounts.account_name(account_id))], today, internal=internal, format=kind
        )[account_id]
        deck = kind == "pptx"
        path, _ = QFileDialog.getSaveFileName(
            host.window,
            "Export QBR deck" if deck else "Export QBR report",
            str(Path.home() / suggested),
            "PowerPoint decks (*.pptx)" if deck else "PDF files (*.pdf)",
        )
        if not path:
            return
        database = host.database()
        host.run_task(
            lambda progress: write_qbr_report(
                database, account_id, today, Path(path), internal=internal, format=kind
            ),
            self._report_written,
            what="Exporting the QBR report",
            busy_text="Writing the QBR report…",
        )

    def _report_written(self, written: Any) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        self._status(f"Report written to {written}", 8000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))

    def export_qbr_batch(self, kind: str = "pdf") -> None:
        """QBR reports (or decks) for the accounts selected in the Book, in a worker with
        Cancel."""
        from csm_desktop.services.reports import write_qbr_batch

        host = self.host
        ids = self.book.selected_account_ids()
        if not ids:
            self._status("Select accounts in the Book first.", 5000)
            return
        folder = QFileDialog.getExistingDirectory(
            host.window, "Folder for the QBR reports", str(Path.home())
        )
        if not folder:
            return
        database, today = host.database(), host.today()
        internal = self.internal()

        def work(progress: workers.Progress) -> list[Path]:
            return write_qbr_batch(
                database,
                ids,
                today,
                Path(folder),
                internal=internal,
                progress=progress,
                format=kind,
            )

        def written(paths: Any) -> None:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            self._status(f"{len(paths)} QBR reports written to {folder}", 8000)
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

        dialog = QProgressDialog("Writing QBR reports…", "Cancel", 0, len(ids), host.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        task = workers.run(
            work,
            written,
            what="Exporting QBR reports",
            owner=host.window,
            on_progress=lambda done, _total, _text: dialog.setValue(done),
            on_finished=dialog.close,
        )
        dialog.canceled.connect(task.cancel)  # Cancel exists only once the dialog is shown
        task.cancelled.connect(lambda: self._status("QBR export cancelled.", 6000))
        self.batch_progress = dialog

    def export_portfolio_report(self, *, kind: str = "pdf") -> None:
        """The internal portfolio report (PDF, or a deck for ``kind`` "pptx"), for the
        dashboard's date when it is showing."""
        from csm_desktop.services.reports import write_portfolio_report

        host, today = self.host, self._reporting_date()
        deck = kind == "pptx"
        path, _ = QFileDialog.getSaveFileName(
            host.window,
            "Portfolio review deck" if deck else "Portfolio report",
            str(Path.home() / f"Portfolio {'review' if deck else 'report'} {today}.{kind}"),
            "PowerPoint decks (*.pptx)" if deck else "PDF files (*.pdf)",
        )
        if not path:
            return
        database = host.database()
        host.run_task(
            lambda progress: write_portfolio_report(database, today, Path(path), format=kind),
            self._report_written,
            what="Writing the portfolio report",
            busy_text="Writing the portfolio report…",
        )
