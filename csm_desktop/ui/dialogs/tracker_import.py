"""File → Import tracker…: move a CSM's spreadsheet tracker in, in four steps.

Pick the file and the sheet that lists the accounts; check how each column is read (the
guesses come from the headers: "Customer" is the account, "CSM" the owner); preview what
would be stored and what is rejected; import. Every step is ``services.tracker_import`` /
``services.book_workbook.import_book``, the same code as ``csm-desktop import-book --sheet
… --map …``. Reading, previewing and importing run in a worker; the import can be cancelled
until it commits, and then nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.services.book_workbook import BookImportReport, import_book
from csm_desktop.services.opening import Database
from csm_desktop.services.tracker_import import (
    ACCOUNT_FIELDS,
    TrackerColumn,
    TrackerFile,
    column_map_of,
    open_tracker,
    preview_tracker,
    tracker_columns,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.book_import_dialog import report_text
from csm_desktop.ui.palette import error_style

NOT_READ = "(not read)"
PREVIEW_FIELDS = ("name", "owner", "arr", "kickoff_on", "renewal_on", "playbook")
PREVIEW_HEADERS = ("Account", "Owner", "ARR", "Kickoff on", "Renewal on", "Playbook")
PREVIEW_ROWS = 200
STEPS = ("1 · File and sheet", "2 · Columns", "3 · Preview and import")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class TrackerImportDialog(QDialog):
    """The wizard; ``imported`` says an import stored rows."""

    imported = Signal(object)  # the BookImportReport of an import that stored rows

    def __init__(
        self,
        database: Database,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import tracker")
        self.database = database
        self.today = today
        self.tracker: TrackerFile | None = None
        self.columns: list[TrackerColumn] = []
        self.reading: Any = None
        self.report: BookImportReport | None = None
        self.task: workers.Task | None = None
        self.busy_with = ""

        self.step = QLabel()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._preview_page())
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(lambda: self.go(self.pages.currentIndex() - 1))
        self.next_button = QPushButton("Next")
        self.next_button.clicked.connect(lambda: self.go(self.pages.currentIndex() + 1))
        self.import_button = QPushButton("Import")
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self.cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.step)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(820, 560)
        self.go(0)

    # --- pages ---------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "Your tracker as it is: only a sheet listing the accounts is needed (Customer, "
            "CSM, ARR, Kickoff, Renewal … in any order, with your own headers). Other book "
            "sheets (Contacts, Milestones, Usage …) are read too when present. Accounts "
            "already in the book are updated; nothing is deleted."
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path of the tracker (.xlsx)")
        self.path_edit.editingFinished.connect(lambda: self.load(Path(self.path_edit.text())))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.sheet.setAccessibleName("Sheet with the accounts")
        self.sheet.currentTextChanged.connect(lambda _text: self._update_buttons())
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(QLabel("Sheet that lists the accounts"))
        layout.addWidget(self.sheet)
        layout.addStretch(1)
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        self.column_table = QTableWidget(0, 3)
        self.column_table.setHorizontalHeaderLabels(["Column", "First values", "Read as"])
        self.column_table.verticalHeader().setVisible(False)
        header = self.column_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.field_boxes: dict[str, QComboBox] = {}
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel("How each column is read; the guesses come from your headers. Choose "
                   "“(not read)” for a column of your own notes.")
        )  # fmt: skip
        layout.addWidget(self.column_table, 1)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.preview = QTableWidget(0, len(PREVIEW_HEADERS))
        self.preview.setHorizontalHeaderLabels(list(PREVIEW_HEADERS))
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.strict = QCheckBox("Strict: import nothing if any row has a problem")
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.strict)
        return page

    def go(self, index: int) -> None:
        if index == 1 and self.pages.currentIndex() == 0:
            self._show_columns()
        if index == 2 and self.pages.currentIndex() == 1:
            self._start_preview()
        self.pages.setCurrentIndex(max(0, min(index, 2)))
        self.step.setText(
            "  →  ".join(
                f"<b>{name}</b>" if i == self.pages.currentIndex() else name
                for i, name in enumerate(STEPS)
            )
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        page, busy, done = self.pages.currentIndex(), bool(self.busy_with), self.report
        self.back_button.setEnabled(page > 0 and not busy and done is None)
        ready = self.tracker is not None and bool(self.sheet.currentText())
        self.next_button.setEnabled(page < 2 and ready and not busy)
        self.next_button.setVisible(page < 2)
        self.import_button.setVisible(page == 2)
        self.import_button.setEnabled(
            page == 2 and self.reading is not None and not busy and done is None
        )
        self.close_button.setText("Close" if done is not None else "Cancel")

    # --- step 1: the file ----------------------------------------------------------------

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import tracker", str(Path.home()), "Excel workbooks (*.xlsx *.xlsm)"
        )
        if chosen:
            self.path_edit.setText(chosen)
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        """Read the workbook in a worker and offer its sheets."""
        if not str(path).strip() or self.busy_with:
            return
        self.path_edit.setText(str(path))
        self.tracker, self.reading = None, None
        self._busy("Reading the workbook…")
        workers.run(
            lambda progress: open_tracker(path),
            self._loaded,
            what="Reading the tracker",
            owner=self,
            on_failure=self._failed,
        )

    def _loaded(self, tracker: TrackerFile) -> None:
        self._idle()
        self.tracker = tracker
        self.sheet.clear()
        self.sheet.addItems(list(tracker.sheets))
        if tracker.suggested_sheet is not None:
            self.sheet.setCurrentText(tracker.suggested_sheet)
        count = len(tracker.sheets)
        self._say(
            f"{tracker.path.name}: {count} sheet{'' if count == 1 else 's'}."
            + ("" if tracker.suggested_sheet else " Choose the one that lists the accounts.")
        )
        self._update_buttons()

    # --- step 2: the columns -------------------------------------------------------------

    def _show_columns(self) -> None:
        assert self.tracker is not None
        self.columns = tracker_columns(self.tracker, self.sheet.currentText())
        self.column_table.setRowCount(len(self.columns))
        self.field_boxes.clear()
        for row, column in enumerate(self.columns):
            self.column_table.setItem(
                row, 0, QTableWidgetItem(f"{column.letter} · {column.header}")
            )
            self.column_table.setItem(row, 1, QTableWidgetItem(" · ".join(column.samples)))
            box = QComboBox()
            box.addItems([NOT_READ, *ACCOUNT_FIELDS])
            box.setCurrentText(column.guess or NOT_READ)
            box.setAccessibleName(f"Read column {column.header} as")
            self.column_table.setCellWidget(row, 2, box)
            self.field_boxes[column.letter] = box
        self._say("")

    def choose(self, header: str, field: str | None) -> None:
        """Read the column headed ``header`` as ``field`` (a §5 header; None: not read)."""
        column = next(c for c in self.columns if c.header == header)
        self.field_boxes[column.letter].setCurrentText(field or NOT_READ)

    def column_map(self) -> dict[str, str]:
        choices = {
            letter: (None if box.currentText() == NOT_READ else box.currentText())
            for letter, box in self.field_boxes.items()
        }
        return column_map_of(self.columns, choices)

    # --- step 3: preview and import ------------------------------------------------------

    def _start_preview(self) -> None:
        assert self.tracker is not None
        tracker, sheet, column_map = self.tracker, self.sheet.currentText(), self.column_map()
        self.reading = None
        self.preview.setRowCount(0)
        self.summary.setText("")
        self._busy("Reading the rows…")
        workers.run(
            lambda progress: preview_tracker(tracker, sheet, column_map),
            self._previewed,
            what="Previewing the tracker",
            owner=self,
            on_failure=self._failed,
        )

    def _previewed(self, reading: Any) -> None:
        self._idle()
        self.reading = reading
        accounts = reading.book.accounts
        rejected = len({(r.sheet, r.row) for r in reading.rejected})
        others = {
            sheet: n for sheet, n in reading.book.counts().items() if n and sheet != "Accounts"
        }
        parts = [f"<b>{len(accounts):,}</b> accounts to import, <b>{rejected:,}</b> rows rejected"]
        if others:
            parts.append("also " + ", ".join(f"{n:,} {s.lower()}" for s, n in others.items()))
        if reading.ignored:
            parts.append("not read: " + ", ".join(reading.ignored[:6]))
        parts.append(
            "New accounts without a playbook get the book's default playbook and its ladder"
        )
        self.summary.setText(".<br>".join(parts) + ".")
        self.preview.setRowCount(min(len(accounts), PREVIEW_ROWS))
        for row, account in enumerate(accounts[:PREVIEW_ROWS]):
            for column, field in enumerate(PREVIEW_FIELDS):
                self.preview.setItem(row, column, QTableWidgetItem(_cell(getattr(account, field))))
        if reading.rejected:
            first = reading.rejected[0]
            self._say(
                f"First rejected: {first.sheet} row {first.row}, {first.column} "
                f"“{first.value}”: {first.reason}."
            )
        self._update_buttons()

    def start_import(self) -> None:
        if self.tracker is None or self.reading is None or self.busy_with:
            return
        database, tracker, reading = self.database, self.tracker, self.reading
        sheet, column_map, strict, today = (
            self.sheet.currentText(),
            self.column_map(),
            self.strict.isChecked(),
            self.today(),
        )
        self._busy("Importing…")
        self.progress.setRange(0, 3)

        def work(progress: workers.Progress) -> BookImportReport:
            return import_book(
                database,
                tracker.path,
                strict,
                today=today,
                sheet=sheet,
                column_map=column_map,
                reading=reading,
                progress=progress,
            )

        task = workers.run(
            work,
            self._imported,
            what="Importing the tracker",
            owner=self,
            on_failure=self._failed,
            on_progress=self._progressed,
        )
        task.cancelled.connect(self._cancelled)
        self.task = task

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.message.setText(f"{text}…" if done < total else text)

    def _imported(self, report: BookImportReport) -> None:
        self._idle()
        self.task = None
        self.report = report
        self._say(report_text(report))
        if report.stored:
            self.imported.emit(report)
        self._update_buttons()

    def _cancelled(self) -> None:
        self._idle()
        self.task = None
        self._say("Import cancelled; nothing was stored.")

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.message.setText("Cancelling…")
            return
        self.reject()

    # --- shared --------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.busy_with = text
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.message.setStyleSheet("")
        self.message.setText(text)
        self._update_buttons()

    def _idle(self) -> None:
        self.busy_with = ""
        self.progress.setVisible(False)
        self._update_buttons()

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _failed(self, exc: BaseException) -> None:
        from csm_desktop.errors import UserError
        from csm_desktop.ui.dialogs.messages import show_failure

        self._idle()
        self.task = None
        if isinstance(exc, UserError):  # a file or a choice to fix: said here, in red
            self.message.setStyleSheet(error_style())
            self.message.setText(str(exc))
        else:
            show_failure(self, "Importing the tracker", exc)
        self._update_buttons()
