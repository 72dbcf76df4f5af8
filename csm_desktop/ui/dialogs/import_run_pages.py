"""The last pages of the usage Import wizard: the import with progress and Cancel, the summary.

The Run page imports in a worker (a Cancel rolls everything back); the Summary page says
what was stored, what was rejected or skipped and why, and saves the rejected rows where
the CSM wants them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from csm_desktop.domain.text import plural
from csm_desktop.errors import UserError
from csm_desktop.services.import_usage import (
    UsageImportReport,
    copy_rejected_rows,
    import_usage,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.import_texts import (
    counted,
    escape_html,
    escaped_list,
    for_the_window,
    rows_text,
)
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.models.preview_model import RejectedRowsModel
from csm_desktop.ui.palette import current, error_style

if TYPE_CHECKING:
    from csm_desktop.ui.dialogs.import_wizard import ImportWizard


class RunPage(QWizardPage):
    """Step 5: the import in a worker, with progress and Cancel (which rolls back)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Importing")
        self.setSubTitle("Nothing is stored until the whole file has been checked.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Next >")
        self.running = False
        self.done_ = False
        self.task: workers.Task | None = None
        self.stage = QLabel()
        self.stage.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.clicked.connect(self.cancel_import)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:
        preview = self.wizard_.preview
        assert preview is not None
        database, path, options = (
            self.wizard_.database,
            preview.source,
            self.wizard_.import_options(),
        )

        def work(progress: workers.Progress) -> UsageImportReport:
            # The service itself checks for Cancel; after its commit it is too late.
            return import_usage(database, path, options, progress=progress)

        self.running, self.done_ = True, False
        self.progress.setValue(0)
        self.stage.setStyleSheet("")
        self.stage.setText(f"Reading {path.name}…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel import")
        task = workers.Task(work)
        task.progressed.connect(self._progressed)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._finished)
        self.task = task
        self.completeChanged.emit()
        # No Back while the import runs: QWizard offers none after a commit page.
        self.wizard_.options_page.setCommitPage(True)
        workers.start(task)

    def cleanupPage(self) -> None:
        """Going Back while the import runs (should Back ever be reachable) cancels it."""
        self.cancel_import()

    def cancel_import(self) -> None:
        if self.task is not None and self.running:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.stage.setText("Cancelling… (undoing what was written)")

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setValue(done)
        if text and not (self.task and self.task.cancel_requested):
            self.stage.setText(text)

    def _succeeded(self, report: UsageImportReport) -> None:
        self.wizard_.report = report
        self.done_ = True
        self.progress.setValue(1000)
        self.stage.setText(f"Imported {plural(report.rows_stored, 'usage event')}.")
        self.wizard_.summary_page.show_report(report)
        self.wizard_.imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.progress.setValue(0)
        self.stage.setStyleSheet(error_style())
        if isinstance(exc, UserError):
            self.stage.setText(
                f"{for_the_window(str(exc))}\n\nGo Back to change the options, or Cancel."
            )
        else:
            self.stage.setText("The import failed; nothing was stored.")
            show_failure(self, "Importing usage", exc)

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self.stage.setText("Import cancelled; nothing was stored.")

    def _finished(self) -> None:
        self.running = False
        self.task = None
        self.cancel_button.setEnabled(False)
        self.wizard_.options_page.setCommitPage(False)
        self.completeChanged.emit()  # also gives Back its state again
        self.wizard_.import_finished()
        if self.done_ and not self.wizard_.closing and self.wizard_.currentPage() is self:
            self.wizard_.next()

    def isComplete(self) -> bool:
        return self.done_


class SummaryPage(QWizardPage):
    """Step 6: what was stored, what was not and why, and where the rejected rows are."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Import finished")
        self.setFinalPage(True)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RejectedRowsModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.save_button = QPushButton("Save rejected rows…")
        self.save_button.clicked.connect(self.save_rejected)
        self.saved = QLabel()
        self.saved.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.figures)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_report(self, report: UsageImportReport) -> None:
        skipped = (
            f", {counted(report.lines_skipped, 'line')} skipped" if report.lines_skipped else ""
        )
        lines = [
            f"<b>{rows_text(report.rows_read)}</b> read, "
            f"<b>{counted(report.rows_stored, 'usage event')}</b> stored "
            f"({report.events_new:,} new), <b>{rows_text(report.rows_rejected)}</b> rejected"
            f"{skipped}.",
        ]
        if report.created_accounts:
            lines.append("Accounts created: " + escaped_list(report.created_accounts) + ".")
        if report.unmatched_accounts:
            lines.append(
                f"<span style='color:{current().bad}'>Not in the book (rows rejected): "
                + escaped_list(report.unmatched_accounts)
                + ".</span>"
            )
        if report.unknown_features:
            lines.append(
                "Features the book does not know yet (stored as spelled): "
                + escaped_list(str(feature) for feature in report.unknown_features)
                + "."
            )
        evidence = report.evidence
        if evidence.milestones_checked:
            touched = report.accounts_touched
            met = (
                f"Usage criterion met: {evidence.criteria_met:,} of the "
                f"{plural(evidence.milestones_checked, 'milestone')} with a usage criterion in the "
                f"{counted(touched, 'account')} this file touched"
            )
            if evidence.auto_achieved:
                met += f"; {len(evidence.auto_achieved):,} marked achieved by usage"
            lines.append(met + ".")
        lines.extend(escape_html(warning) for warning in report.warnings)
        self.figures.setText("<br>".join(lines))
        self.model.set_rows(report.rejected_rows)
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(report.rejected_rows))
        self.save_button.setEnabled(report.rejected_rows_file is not None)
        if report.rejected_rows_file is not None:
            self.saved.setText(f"The rejected rows were saved to {report.rejected_rows_file}.")
        else:
            self.saved.setText("No rows were rejected." if not report.rejected_rows else "")

    def save_rejected(self) -> None:
        """Copy the rejected-rows CSV the import wrote to a place the CSM chooses."""
        report = self.wizard_.report
        if report is None or report.rejected_rows_file is None:
            return
        source = report.rejected_rows_file
        target, _ = QFileDialog.getSaveFileName(
            self, "Save rejected rows", str(source), "CSV files (*.csv)"
        )
        if not target:
            return
        try:
            saved = copy_rejected_rows(report, Path(target))
        except UserError as exc:
            QMessageBox.warning(self, "Saving rejected rows", str(exc))
            return
        self.saved.setText(f"The rejected rows were saved to {saved}.")
