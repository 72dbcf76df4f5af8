"""File → Import book workbook…: bring a whole book (accounts, ladders, usage) in from .xlsx.

This is how a CSM moves from a spreadsheet tracker into the app or restores a handed-over
book (DESIGN §5). The dialog picks the file and strict mode, runs
``services.book_workbook.import_book`` in a worker with a busy bar (the window stays
usable), then says what was stored and lists the rejected rows with where their CSV went.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.errors import UserError
from csm_desktop.services.book_workbook import BookImportReport, import_book
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.models.preview_model import RejectedRowsModel
from csm_desktop.ui.palette import error_style


def report_text(report: BookImportReport) -> str:
    """What the import did, in a few plain sentences (rich text)."""
    name = _escape(report.source.name)
    if not report.stored:
        return (
            f"<b>Nothing was imported</b> from {name}: strict mode refuses the whole workbook "
            f"because {report.rows_rejected:,} of its {report.rows_read:,} rows cannot be used. "
            "Fix the rows listed below and import again, or import without strict mode."
        )
    lines = [
        f"Imported {name}: <b>{report.rows_read:,}</b> rows read, "
        f"<b>{report.rows_stored:,}</b> stored, <b>{report.rows_rejected:,}</b> rejected.",
        f"Accounts created: {report.accounts_created:,}; updated: {report.accounts_updated:,}.",
    ]
    lines.extend(_escape(warning) for warning in report.warnings)
    return "<br>".join(lines)


class BookImportDialog(QDialog):
    """Pick a book workbook, import it in a worker, show the summary."""

    imported = Signal(object)  # the BookImportReport of an import that stored rows

    def __init__(
        self,
        database: Database,
        today: Callable[[], dt.date] = dt.date.today,
        path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.today = today
        self.task: workers.Task | None = None
        self.report: BookImportReport | None = None
        self.setWindowTitle("Import book workbook")
        self.setMinimumSize(640, 420)
        intro = QLabel(
            "A book workbook (.xlsx) with the sheets Accounts, Contacts, Milestones, Kickoffs, "
            "Value metrics and Usage, as File → Export book workbook… writes it. Accounts "
            "already in the book are updated; nothing is deleted."
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit(str(path) if path else "")
        self.path_edit.setPlaceholderText("Path of the book workbook")
        self.path_edit.textChanged.connect(self._update_buttons)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.strict = QCheckBox("Strict: import nothing if any row has a problem")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # the import reports no steps: a busy bar
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = RejectedRowsModel(with_sheet=True, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setVisible(False)
        self.rejected_file = QLabel()
        self.rejected_file.setWordWrap(True)
        self.rejected_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        # The outcome area takes the spare height, so hiding its table moves nothing above.
        outcome = QWidget()
        outcome_layout = QVBoxLayout(outcome)
        outcome_layout.setContentsMargins(0, 0, 0, 0)
        outcome_layout.addWidget(self.busy)
        outcome_layout.addWidget(self.status)
        outcome_layout.addWidget(self.table, 1)
        outcome_layout.addWidget(self.rejected_file)
        outcome_layout.addStretch(0)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.strict)
        layout.addWidget(outcome, 1)
        layout.addWidget(self.buttons)
        # The summary shows and hides parts; a fixed minimum keeps the window from jumping.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.resize(760, 520)
        self._update_buttons()

    def current_path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text).expanduser() if text else None

    def browse(self) -> None:
        start = self.current_path()
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a book workbook",
            str(start.parent) if start else "",
            "Book workbooks (*.xlsx);;All files (*)",
        )
        if path:
            self.path_edit.setText(path)

    def _update_buttons(self) -> None:
        running = self.task is not None
        self.import_button.setEnabled(not running and self.current_path() is not None)
        for widget in (self.path_edit, self.browse_button, self.strict):
            widget.setEnabled(not running)

    def start_import(self) -> None:
        """Check the path, then run the import in a worker."""
        path = self.current_path()
        if path is None or self.task is not None:
            return
        if not path.is_file():
            self._show_error(f"There is no file at {path}. Check the path or choose the file.")
            return
        database, strict, today = self.database, self.strict.isChecked(), self.today()
        self.report = None
        self.model.set_rows([])
        self.table.setVisible(False)
        self.rejected_file.clear()
        self.status.setStyleSheet("")
        self.status.setText(f"Importing {path.name}…")
        self.busy.setVisible(True)
        task = workers.Task(lambda _progress: import_book(database, path, strict, today=today))
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        workers.start(task)

    def _succeeded(self, report: BookImportReport) -> None:
        self.report = report
        self.status.setStyleSheet("" if report.stored else error_style())
        self.status.setText(report_text(report))
        self.model.set_rows(report.rejected_rows)
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(report.rejected_rows))
        if report.rejected_file is not None:
            self.rejected_file.setText(f"The rejected rows were saved to {report.rejected_file}.")
        elif report.rejected_rows:
            self.rejected_file.setText("The rejected rows could not be saved (see above).")
        else:
            self.rejected_file.setText("No rows were rejected.")
        if report.stored:
            self.imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._show_error(f"{exc} Nothing was imported.")
        else:
            self._show_error("The import failed because of an error in CSM Desktop.")
            show_failure(self, "Importing the book workbook", exc)

    def _show_error(self, message: str) -> None:
        self.status.setStyleSheet(error_style())
        self.status.setText(_escape(message))

    def _finished(self) -> None:
        self.task = None
        self.busy.setVisible(False)
        self._update_buttons()

    def reject(self) -> None:
        """The import cannot be interrupted (one short transaction); close when it is done."""
        if self.task is not None:
            self.task.finished.connect(super().reject)
            self.status.setText("Closing when the import has finished…")
            return
        super().reject()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
