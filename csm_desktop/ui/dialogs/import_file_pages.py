"""The first pages of the usage Import wizard: the file, then the preview and options.

The File page reads the top of the chosen file in a worker and says what was found; the
Preview page shows the rows under the header as the import will read them, problem cells
tinted, and what the import will skip or ignore; the Options page holds strict mode and
account creation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from csm_desktop.errors import UserError
from csm_desktop.services.import_usage import (
    UsageImportOptions,
    UsagePreview,
)
from csm_desktop.ui.dialogs.import_texts import (
    CHOICE_LABELS,
    FILE_FILTER,
    check_notes,
    counted,
    for_the_window,
    layout_text,
    rows_text,
)
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.drop import SPREADSHEET_SUFFIXES, is_spreadsheet_name
from csm_desktop.ui.models.preview_model import PreviewModel
from csm_desktop.ui.palette import error_style

if TYPE_CHECKING:
    from csm_desktop.ui.dialogs.import_wizard import ImportWizard


class FilePage(QWizardPage):
    """Step 1: the file, typed, browsed, or dropped on the main window."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Choose the usage file")
        self.setSubTitle(
            "A product-usage export (.xlsx, .xlsm, .csv, JSON or JSON Lines): one row per "
            "account, day and feature, one row per event, one column per feature, or one "
            "column per day. You can also drop the file on the main window."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path of the usage file")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loading = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(300)  # wait for the typing to pause before reading the file
        self.timer.timeout.connect(self.load_now)
        self.path_edit.textChanged.connect(self._path_edited)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def browse(self) -> None:
        start = self.path_edit.text().strip()
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a usage file", str(Path(start).parent) if start else "", FILE_FILTER
        )
        if path:
            self.path_edit.setText(path)
            self.load_now()

    def _path_edited(self) -> None:
        self.wizard_.preview = None
        self.wizard_.cancel_preview()
        self.loading = False
        self.status.clear()
        self.completeChanged.emit()
        self.timer.start()

    def current_path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text).expanduser() if text else None

    def load_now(self) -> None:
        """Check the path and read the top of the file in a worker."""
        self.timer.stop()
        path = self.current_path()
        self.wizard_.preview = None
        if path is None:
            self._say("")
            return
        if not path.is_file():
            self._say(f"There is no file at {path}. Check the path or choose the file again.")
            return
        if not is_spreadsheet_name(path):
            kinds = ", ".join(SPREADSHEET_SUFFIXES[:-1]) + " or " + SPREADSHEET_SUFFIXES[-1]
            self._say(
                f"{path.name} is not a usage spreadsheet. Choose a {kinds} file (in Excel: "
                "File → Save As → Excel Workbook or CSV)."
            )
            return
        self.loading = True
        self.status.setStyleSheet("")
        self.status.setText(f"Reading {path.name}…")
        self.completeChanged.emit()
        self.wizard_.load_preview(path, UsageImportOptions(), self._loaded, self._failed)

    def _say(self, message: str) -> None:
        self.loading = False
        self.status.setStyleSheet(error_style())
        self.status.setText(message)
        self.completeChanged.emit()

    def _loaded(self, preview: UsagePreview) -> None:
        self.loading = False
        self.wizard_.set_preview(preview)
        self.status.setStyleSheet("")
        where = f"sheet {preview.sheet}" if preview.sheet else preview.kind
        if preview.layout is not None:
            found = layout_text(preview.layout)
        else:
            problem = for_the_window(preview.problem or "")
            found = f"No usage table was found automatically: {problem}"
        self.status.setText(f"{preview.source.name}, {where}. {found}")
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._say(str(exc))
        else:
            self._say("The file could not be read because of an error in CSM Desktop.")
            show_failure(self, "Reading the usage file", exc)

    def isComplete(self) -> bool:
        preview = self.wizard_.preview
        return not self.loading and preview is not None and preview.source == self.current_path()

    def validatePage(self) -> bool:
        return self.isComplete()  # QWizard.next() alone does not ask isComplete()


class PreviewPage(QWizardPage):
    """Step 3: the first rows as the import will read them, problem cells tinted."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Preview")
        self.setSubTitle(
            "The first rows of the file. Red cells cannot be imported (hover for the reason); "
            "grey rows are blank, total or footer lines, which are skipped."
        )
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:
        preview, check = self.wizard_.preview, self.wizard_.check
        assert preview is not None and check is not None and check.layout is not None
        layout = check.layout
        mapped = [""] * len(layout.headers)
        for position, name in layout.feature_columns:
            mapped[position] = f"feature “{name}”"
        for position, _day in layout.date_columns:
            mapped[position] = "count of that day"
        for position, why in layout.ignored_columns:
            mapped[position] = why
        for field_name, position in layout.columns.items():
            mapped[position] = CHOICE_LABELS[field_name]
        first = layout.header_row + 1
        rows = [
            (first + offset, row) for offset, row in enumerate(preview.rows[layout.header_row :])
        ]
        self.model.set_rows(
            layout.headers, mapped, rows, check.cells, check.rows, check.filled_cells
        )
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        shown = f"rows {first}–{first + len(rows) - 1}" if rows else "no rows"
        parts = [f"Showing {shown} of {preview.source.name}."]
        if check.problem:
            parts.append(for_the_window(check.problem))
            parts.append("Go Back to set the date format or the columns.")
            self.status.setStyleSheet(error_style())
        else:
            self.status.setStyleSheet("")
            problems, skipped = check.problem_rows(), check.skipped_rows()
            lines = counted(skipped, "blank, total or footer line")
            if problems:
                parts.append(
                    f"{rows_text(problems)} with problems will be rejected and listed after "
                    f"the import; {lines} will be skipped."
                )
            else:
                parts.append(
                    f"No problems in these rows; {lines} will be skipped."
                    if skipped
                    else "No problems in these rows."
                )
        if layout.form == "events":
            parts.append("No count column: each row counts as one event.")
        notes = check_notes(check)
        self.status.setText(" ".join(parts) + ("\n" + "\n".join(notes) if notes else ""))


class OptionsPage(QWizardPage):
    """Step 4: strict mode and account creation, then Import."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Options")
        self.setSubTitle("Choose how to treat rows with problems and unknown accounts.")
        self.setButtonText(QWizard.WizardButton.NextButton, "Import")
        self.strict = QCheckBox("Strict: import nothing if any row has a problem")
        strict_help = QLabel(
            "Without strict mode the usable rows are imported and the others are listed. "
            "Blank and total rows are skipped in both modes."
        )
        self.create_accounts = QCheckBox("Create accounts for names that are not in the book")
        create_help = QLabel(
            "Otherwise rows of unknown accounts are rejected and the names are listed, so you "
            "can fix a spelling or add the account first."
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        for box, text in ((self.strict, strict_help), (self.create_accounts, create_help)):
            text.setWordWrap(True)
            text.setIndent(22)
            layout.addWidget(box)
            layout.addWidget(text)
            layout.addSpacing(8)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:
        options = self.wizard_.import_options()
        preview, check = self.wizard_.preview, self.wizard_.check
        assert preview is not None and check is not None and check.layout is not None
        where = f", sheet {options.sheet}" if options.sheet else ""
        dates = options.date_format or "detected automatically"
        self.summary.setText(
            f"Ready to import {preview.source.name}{where}. {layout_text(check.layout)} "
            f"Dates: {dates}."
        )
