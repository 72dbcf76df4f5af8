"""Report exports of the window: one account's QBR, a batch of QBRs, the portfolio report.

Dialogs ask where; the writing runs in workers (the batch with progress and Cancel); the
window's status bar says where the files went and the file or folder is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from csm_desktop.ui import workers

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow


class ReportExports:
    """The Reports menu's actions, over the window's selection and dashboard date."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.batch_progress: QProgressDialog | None = None

    def export_qbr_report(self, account_id: int | None = None, kind: str = "pdf") -> None:
        """One account's QBR (PDF, or a deck for ``kind`` "pptx"): ``account_id``, else the
        open account, else the one selected in the Book."""
        w = self.window
        from csm_desktop.services.reports import batch_file_names, write_qbr_report

        on_account = w.pages.currentWidget() is w.account_view
        if account_id:
            ids = [account_id]
        elif on_account and w.current_account_id is not None:
            ids = [w.current_account_id]
        else:
            ids = w.book_view.selected_account_ids()
        if len(ids) != 1:
            w.statusBar().showMessage("Open or select one account to export its QBR report.", 5000)
            return
        account_id, today = ids[0], w.today()
        internal = w.internal_qbr_action.isChecked()
        # The same name the batch export gives the account's file.
        suggested = batch_file_names(
            [(account_id, w.account_name(account_id))], today, internal=internal, format=kind
        )[account_id]
        deck = kind == "pptx"
        path, _ = QFileDialog.getSaveFileName(
            w,
            "Export QBR deck" if deck else "Export QBR report",
            str(Path.home() / suggested),
            "PowerPoint decks (*.pptx)" if deck else "PDF files (*.pdf)",
        )
        if not path:
            return
        database = w.database
        w.run_task(
            lambda progress: write_qbr_report(
                database, account_id, today, Path(path), internal=internal, format=kind
            ),
            self._report_written,
            what="Exporting the QBR report",
            busy_text="Writing the QBR report…",
        )

    def _report_written(self, written: Any) -> None:
        w = self.window
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        w.statusBar().showMessage(f"Report written to {written}", 8000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))

    def export_qbr_batch(self, kind: str = "pdf") -> None:
        """QBR reports (or decks) for the accounts selected in the Book, in a worker with
        Cancel."""
        w = self.window
        from csm_desktop.services.reports import write_qbr_batch

        ids = w.book_view.selected_account_ids()
        if not ids:
            w.statusBar().showMessage("Select accounts in the Book first.", 5000)
            return
        folder = QFileDialog.getExistingDirectory(w, "Folder for the QBR reports", str(Path.home()))
        if not folder:
            return
        database, today = w.database, w.today()
        internal = w.internal_qbr_action.isChecked()

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

            w.statusBar().showMessage(f"{len(paths)} QBR reports written to {folder}", 8000)
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

        dialog = QProgressDialog("Writing QBR reports…", "Cancel", 0, len(ids), w)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        task = workers.run(
            work,
            written,
            what="Exporting QBR reports",
            owner=w,
            on_progress=lambda done, _total, _text: dialog.setValue(done),
            on_finished=dialog.close,
        )
        dialog.canceled.connect(task.cancel)  # Cancel exists only once the dialog is shown
        task.cancelled.connect(lambda: w.statusBar().showMessage("QBR export cancelled.", 6000))
        self.batch_progress = dialog

    def export_portfolio_report(self, *, kind: str = "pdf") -> None:
        """The internal portfolio report (PDF, or a deck for ``kind`` "pptx"), for the
        dashboard's date when it is showing."""
        w = self.window
        from csm_desktop.services.reports import write_portfolio_report

        on_dashboard = w.dashboard_view is not None and (
            w.pages.currentWidget() is w.dashboard_view
        )
        today = w.dashboard_view.today() if on_dashboard else w.today()
        deck = kind == "pptx"
        path, _ = QFileDialog.getSaveFileName(
            w,
            "Portfolio review deck" if deck else "Portfolio report",
            str(Path.home() / f"Portfolio {'review' if deck else 'report'} {today}.{kind}"),
            "PowerPoint decks (*.pptx)" if deck else "PDF files (*.pdf)",
        )
        if not path:
            return
        database = w.database
        w.run_task(
            lambda progress: write_portfolio_report(database, today, Path(path), format=kind),
            self._report_written,
            what="Writing the portfolio report",
            busy_text="Writing the portfolio report…",
        )
