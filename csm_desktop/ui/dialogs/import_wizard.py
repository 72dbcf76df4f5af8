"""The usage Import wizard: file, layout, preview, options, import with Cancel, summary.

A CSM brings a usage export (picked, or dropped on the main window), checks that the app
found the right sheet, header row, shape and columns (long form, event log, wide form or
dates as columns; the feature of a file that names none; the decimal separator), sees the
problem cells, the skipped lines, the columns that are not features and the features the
book does not know before anything is stored, chooses strict mode or account creation, and
imports with a progress bar and a Cancel that rolls everything back. The last page says
what was stored and what was not, and saves the rejected rows where the CSM wants them.

Reading the file (for the preview) and the import run in workers, so a big file never
freezes the window. The wizard only calls ``services.import_usage`` and the pure preview
check in ``spreadsheets.usage_preview``; it holds no business rules of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from csm_desktop.errors import UserError
from csm_desktop.services.import_usage import (
    UsageImportOptions,
    UsageImportReport,
    UsagePreview,
    copy_rejected_rows,
    filled_text,
    import_usage,
    preview_usage_file,
)
from csm_desktop.services.opening import Database
from csm_desktop.services.usage_files import (
    ACCOUNT,
    COUNT,
    DATE,
    EXTERNAL_ID,
    FEATURE,
    FEATURE_COLUMN,
    IGNORE,
    USERS,
    PreviewCheck,
    UsageLayout,
    check_preview,
    column_letter,
    field_of_header,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.drop import SPREADSHEET_SUFFIXES, is_spreadsheet_name
from csm_desktop.ui.models.preview_model import PreviewModel, RejectedRowsModel, cell_text
from csm_desktop.ui.palette import current, error_style

PREVIEW_ROWS = 50
WIDE_FEATURE = FEATURE_COLUMN  # mapping choice: a feature of its own (wide form)
DAY_COLUMN = ""  # mapping choice: a day (dates as columns); not in the column map
# What a source column can be imported as, in the order the mapping combo lists them.
CHOICES = (
    (ACCOUNT, "Account"),
    (EXTERNAL_ID, "External ID"),
    (DATE, "Date"),
    (FEATURE, "Feature"),
    (COUNT, "Count"),
    (USERS, "Active users"),
    (WIDE_FEATURE, "Feature column (wide form)"),
    (DAY_COLUMN, "Day (dates as columns)"),
    (IGNORE, "Ignore"),
)
CHOICE_LABELS = dict(CHOICES)
AUTO_DATE = "auto"
FEATURE_PLACEHOLDER = "only for a file that names no feature, e.g. user_invited"
DECIMALS = (("auto", None), ("decimal point (1,234.5)", "."), ("decimal comma (1.234,5)", ","))
DATE_FORMATS = (AUTO_DATE, "DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY")
FILE_FILTER = "Usage files (*.xlsx *.xlsm *.ods *.csv *.json *.jsonl *.ndjson);;All files (*)"
_CLI_HINT = re.compile(r" ?\((?:--[a-z-]+)[^)]*\)")


def layout_text(layout: UsageLayout) -> str:
    """One line on what the import will read, in the CSM's words."""
    return layout.describe()


def header_named(layout: UsageLayout) -> str:
    """The header row found, named by its cells, and the shape, for the Layout page."""
    shape = layout.shape()
    if layout.form == "dates":  # the summary already shows the days
        shape = "each day column holds a count per account" + (
            " and feature."
            if FEATURE in layout.columns
            else f" of the feature “{layout.feature_name}” ({layout.feature_source})."
        )
    return (
        f"Header row {layout.header_row}: {layout.header_summary()}. {shape[:1].upper()}{shape[1:]}"
    )


def ignored_text(layout: UsageLayout) -> str:
    """The columns that will not be imported and why, or ""."""
    parts = [f"{layout.column_name(position)} ({why})" for position, why in layout.ignored_columns]
    return f"Not imported: {', '.join(parts)}." if parts else ""


def check_notes(check: PreviewCheck) -> list[str]:
    """What the import will do quietly, said before it does: filled labels, unknown
    features, columns that are not features."""
    notes = filled_text(check.filled)
    if check.layout is not None and (ignored := ignored_text(check.layout)):
        notes.append(ignored)
    if check.unknown_accounts:
        names = ", ".join(check.unknown_accounts[:8])
        more = len(check.unknown_accounts) - 8
        notes.append(
            f"Not in the book (rejected unless you create accounts): {names}"
            + (f" and {more} more." if more > 0 else ".")
        )
    if check.unknown_features:
        names = ", ".join(str(feature) for feature in check.unknown_features[:8])
        more = len(check.unknown_features) - 8
        notes.append(
            f"Features the book does not know yet (kept as spelled): {names}"
            + (f" and {more} more." if more > 0 else ".")
        )
    return notes


def for_the_window(message: str) -> str:
    """A service message without its command-line hints: the wizard names its own controls."""
    return _CLI_HINT.sub("", message)


def counted(count: int, word: str) -> str:
    """``1 row``, ``2 rows``: a count with its noun."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def rows_text(count: int) -> str:
    return counted(count, "row")


def column_choices(layout: UsageLayout | None, headers: list[str]) -> list[str]:
    """The mapping shown for each column: the layout's, or header-name suggestions."""
    if layout is None:
        return [field_of_header(text) or IGNORE for text in headers]
    choices = [IGNORE] * len(headers)
    for position, _name in layout.feature_columns:
        if position < len(choices):
            choices[position] = WIDE_FEATURE
    for position, _day in layout.date_columns:
        if position < len(choices):
            choices[position] = DAY_COLUMN
    for field_name, position in layout.columns.items():
        if position < len(choices):
            choices[position] = field_name
    return choices


def column_key(headers: list[str], position: int) -> str:
    """How the column map names a column: its header when unique, else its letter."""
    text = headers[position]
    if text and sum(1 for other in headers if other.casefold() == text.casefold()) == 1:
        return text
    return column_letter(position)


class ImportWizard(QWizard):
    """Import a usage spreadsheet into ``database``; see the module docstring."""

    imported = Signal(object)  # the UsageImportReport of a committed import: refresh views

    FILE, LAYOUT, PREVIEW, OPTIONS, RUN, SUMMARY = range(6)

    def __init__(
        self,
        database: Database,
        today: Callable[[], dt.date] = dt.date.today,
        path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.today = today  # the import records real time; kept for callers' symmetry
        self.preview: UsagePreview | None = None
        self.check: PreviewCheck | None = None
        self.header_row: int | None = None
        self.column_map: dict[str, str] = {}
        self.date_format: str | None = None
        self.feature: str | None = None
        self.decimal: str | None = None
        self.report: UsageImportReport | None = None
        self._preview_generation = 0
        self.closing = False
        self.setWindowTitle("Import usage")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setMinimumSize(760, 560)
        self.resize(920, 640)
        self.file_page = FilePage(self)
        self.layout_page = LayoutPage(self)
        self.preview_page = PreviewPage(self)
        self.options_page = OptionsPage(self)
        self.run_page = RunPage(self)
        self.summary_page = SummaryPage(self)
        for number, page in enumerate(
            (
                self.file_page,
                self.layout_page,
                self.preview_page,
                self.options_page,
                self.run_page,
                self.summary_page,
            )
        ):
            self.setPage(number, page)
        if path is not None:
            self.file_page.path_edit.setText(str(path))
            self.file_page.load_now()

    # --- state shared by the pages ----------------------------------------------------

    def load_preview(
        self,
        path: Path,
        options: UsageImportOptions,
        loaded: Callable[[UsagePreview], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Read the top of ``path`` in a worker; only the latest request is answered."""
        self._preview_generation += 1
        generation = self._preview_generation
        database = self.database
        task = workers.Task(
            lambda _progress: preview_usage_file(path, options, rows=PREVIEW_ROWS, book=database)
        )
        task.succeeded.connect(
            lambda preview: loaded(preview) if generation == self._preview_generation else None
        )
        task.failed.connect(
            lambda exc: failed(exc) if generation == self._preview_generation else None
        )
        workers.start(task)

    def cancel_preview(self) -> None:
        """Forget any preview still being read (its answer will be ignored)."""
        self._preview_generation += 1

    def set_preview(self, preview: UsagePreview) -> None:
        """A freshly read file or sheet: start again from the detected layout."""
        self.preview = preview
        self.column_map = {}
        self.header_row = preview.layout.header_row if preview.layout else None
        self.check = PreviewCheck(preview.layout, preview.problem)
        if preview.layout is not None:
            self.recheck()

    def recheck(self) -> None:
        """Check the previewed rows with the current header row, mapping and date format."""
        assert self.preview is not None
        book = self.preview.book
        self.check = check_preview(
            self.preview.rows,
            file_name=self.preview.source.name,
            sheet=self.preview.sheet,
            header_row=self.header_row,
            column_map=self.column_map,
            date_format=self.date_format,
            feature=self.feature,
            vocabulary=book.vocabulary,
            decimal=self.decimal,  # type: ignore[arg-type]
            default_decimal=book.default_decimal,
            time_zone=book.time_zone,
            accounts=book.accounts,
        )

    def import_options(self) -> UsageImportOptions:
        """What the CSM chose on every page, for the import."""
        assert self.preview is not None
        return UsageImportOptions(
            sheet=self.preview.sheet,
            header_row=self.check.layout.header_row if self.check and self.check.layout else None,
            column_map=dict(self.column_map),
            date_format=self.date_format,
            create_accounts=self.options_page.create_accounts.isChecked(),
            strict=self.options_page.strict.isChecked(),
            feature=self.feature,
            decimal=self.decimal,
        )

    # --- closing ---------------------------------------------------------------------

    def reject(self) -> None:
        """Closing during the import cancels it first; the window closes once rolled back."""
        if self.run_page.running:
            self.closing = True
            self.run_page.cancel_import()
            return
        self.cancel_preview()
        super().reject()

    def import_finished(self) -> None:
        if self.closing:
            super().reject()


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


class LayoutPage(QWizardPage):
    """Step 2: sheet, header row, what each column is, and the date format."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle("Check the layout")
        self.setSubTitle(
            "The sheet, header row and columns were guessed from the file; change any guess "
            "that is wrong. Columns set to Ignore are not imported."
        )
        self.loading = False
        self.sheet = QComboBox()
        self.sheet.currentTextChanged.connect(self._sheet_chosen)
        self.header_row = QSpinBox()
        self.header_row.setMinimum(1)
        self.header_row.valueChanged.connect(self._header_row_chosen)
        self.date_format = QComboBox()
        self.date_format.setEditable(True)
        self.date_format.addItems(DATE_FORMATS)
        self.date_format.setToolTip(
            "'auto' reads date cells, Excel serial numbers, ISO and day-first dotted dates, "
            "and tells DD/MM from MM/DD when the column proves it. Or type a format such as "
            "DD/MM/YYYY."
        )
        self.date_format.currentTextChanged.connect(self._date_format_chosen)
        self.decimal = QComboBox()
        for label, value in DECIMALS:
            self.decimal.addItem(label, value)
        self.decimal.setToolTip(
            "How numbers written as text separate decimals. 'auto' decides from the file's "
            "own numbers, then from the book's setting."
        )
        self.decimal.currentIndexChanged.connect(self._decimal_chosen)
        self.feature = QLineEdit()
        self.feature.setPlaceholderText(FEATURE_PLACEHOLDER)
        self.feature.setToolTip(
            "The feature every row counts, for a file with no Feature column (such as a chart "
            "export with one column per day)."
        )
        self.feature.editingFinished.connect(self._feature_chosen)
        dates = QHBoxLayout()
        dates.addWidget(self.date_format, 1)
        dates.addWidget(QLabel("Numbers:"))
        dates.addWidget(self.decimal, 1)
        form = QFormLayout()
        form.addRow("Sheet:", self.sheet)
        form.addRow("Header row:", self.header_row)
        form.addRow("Date format:", dates)
        form.addRow("Feature:", self.feature)
        self.mapping = QTableWidget(0, 4)
        self.mapping.setHorizontalHeaderLabels(["Column", "Header", "Import as", "First value"])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.mapping.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.combos: list[QComboBox] = []
        self.headers: list[str] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.mapping, 1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:
        preview = self.wizard_.preview
        assert preview is not None
        self.sheet.blockSignals(True)
        self.sheet.clear()
        if preview.sheet_names:
            self.sheet.addItems(list(preview.sheet_names))
            self.sheet.setCurrentText(preview.sheet or preview.sheet_names[0])
            self.sheet.setEnabled(len(preview.sheet_names) > 1)
        else:
            self.sheet.addItem(f"({preview.kind}: one table)")
            self.sheet.setEnabled(False)
        self.sheet.blockSignals(False)
        self._show_check()

    def _show_check(self, *, rebuild: bool = True) -> None:
        """Show the wizard's current check: header row, mapping table and status.

        ``rebuild`` refills the mapping table from the header row's cells; otherwise the
        CSM's own choices stay and only follow the layout when one was found.
        """
        preview, check = self.wizard_.preview, self.wizard_.check
        assert preview is not None and check is not None
        self.header_row.blockSignals(True)
        self.header_row.setMaximum(max(1, len(preview.rows)))
        self.header_row.setValue(
            check.layout.header_row if check.layout else self.wizard_.header_row or 1
        )
        self.header_row.blockSignals(False)
        if rebuild or len(self.combos) != len(self._headers_now()):
            self._fill_mapping()
        elif check.layout is not None:
            self.headers = self._headers_now()
            choices = column_choices(check.layout, self.headers)
            for combo, choice in zip(self.combos, choices, strict=True):
                combo.blockSignals(True)
                combo.setCurrentIndex(combo.findData(choice))
                combo.blockSignals(False)
        layout = check.layout
        if layout is not None and layout.feature_name and layout.feature_source != "--feature":
            self.feature.setPlaceholderText(
                f"{layout.feature_name} (from the file's {layout.feature_source})"
            )
        else:
            self.feature.setPlaceholderText(FEATURE_PLACEHOLDER)
        if check.layout is not None:
            self.status.setStyleSheet("")
            lines = [header_named(check.layout)]
            if check.problem:
                lines.append(for_the_window(check.problem))
            lines.extend(check_notes(check))
            self.status.setText("\n".join(lines))
        else:
            self.status.setStyleSheet(error_style())
            hint = "Use Header row and Import as above."
            self.status.setText(f"{for_the_window(check.problem or '')} {hint}")
        self.completeChanged.emit()

    def _headers_now(self) -> list[str]:
        """The header texts of the current header row (the layout's when there is one)."""
        preview, check = self.wizard_.preview, self.wizard_.check
        assert preview is not None and check is not None
        if check.layout is not None:
            return list(check.layout.headers)
        index = self.header_row.value() - 1
        cells = preview.rows[index] if index < len(preview.rows) else []
        return [cell_text(cell).strip() for cell in cells]

    def _fill_mapping(self) -> None:
        """One table row per source column: letter, header, a combo of fields, first value."""
        preview, check = self.wizard_.preview, self.wizard_.check
        assert preview is not None and check is not None
        self.headers = self._headers_now()
        choices = column_choices(check.layout, self.headers)
        below = preview.rows[self.header_row.value() :]
        self.mapping.setRowCount(len(self.headers))
        self.combos = []
        for position, text in enumerate(self.headers):
            self.mapping.setItem(position, 0, QTableWidgetItem(column_letter(position)))
            self.mapping.setItem(position, 1, QTableWidgetItem(text or "(no header)"))
            combo = QComboBox()
            for field_name, label in CHOICES:
                combo.addItem(label, field_name)
            combo.setCurrentIndex(combo.findData(choices[position]))
            combo.currentIndexChanged.connect(self._mapping_chosen)
            self.mapping.setCellWidget(position, 2, combo)
            self.combos.append(combo)
            values = (row[position] for row in below if position < len(row))
            example = next((cell_text(value) for value in values if value != ""), "")
            self.mapping.setItem(position, 3, QTableWidgetItem(example))

    def _sheet_chosen(self, sheet: str) -> None:
        preview = self.wizard_.preview
        if preview is None or not sheet or sheet == preview.sheet:
            return
        self.loading = True
        self._set_busy(f"Reading sheet {sheet}…")
        self.wizard_.load_preview(
            preview.source, UsageImportOptions(sheet=sheet), self._sheet_loaded, self._failed
        )

    def _set_busy(self, text: str) -> None:
        for widget in (self.sheet, self.header_row, self.mapping, self.date_format, self.decimal):
            widget.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.completeChanged.emit()

    def _sheet_loaded(self, preview: UsagePreview) -> None:
        self.loading = False
        for widget in (self.header_row, self.mapping, self.date_format, self.decimal):
            widget.setEnabled(True)
        self.wizard_.set_preview(preview)
        self.initializePage()

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        for widget in (self.sheet, self.header_row, self.mapping, self.date_format, self.decimal):
            widget.setEnabled(True)
        self.status.setStyleSheet(error_style())
        if isinstance(exc, UserError):
            self.status.setText(str(exc))
        else:
            self.status.setText("The sheet could not be read because of an error in CSM Desktop.")
            show_failure(self, "Reading the sheet", exc)
        self.completeChanged.emit()

    def _header_row_chosen(self, row: int) -> None:
        self.wizard_.header_row = row
        self.wizard_.column_map = {}  # new headers: suggest again from their names
        self.wizard_.recheck()
        self._show_check()

    def _mapping_chosen(self) -> None:
        column_map: dict[str, str] = {}
        for position, combo in enumerate(self.combos):
            field_name = combo.currentData()
            if field_name != DAY_COLUMN:
                column_map[column_key(self.headers, position)] = field_name
        self.wizard_.header_row = self.header_row.value()
        self.wizard_.column_map = column_map
        self.wizard_.recheck()
        self._show_check(rebuild=False)

    def _date_format_chosen(self, text: str) -> None:
        text = text.strip()
        self.wizard_.date_format = None if text in ("", AUTO_DATE) else text
        if self.wizard_.preview is not None:
            self.wizard_.recheck()
            self._show_check(rebuild=False)

    def _decimal_chosen(self) -> None:
        self.wizard_.decimal = self.decimal.currentData()
        if self.wizard_.preview is not None:
            self.wizard_.recheck()
            self._show_check(rebuild=False)

    def _feature_chosen(self) -> None:
        text = self.feature.text().strip() or None
        if text == self.wizard_.feature:
            return
        self.wizard_.feature = text
        if self.wizard_.preview is not None:
            self.wizard_.recheck()
            self._show_check(rebuild=False)

    def isComplete(self) -> bool:
        check = self.wizard_.check
        return not self.loading and check is not None and check.layout is not None

    def validatePage(self) -> bool:
        return self.isComplete()


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
        self.model.set_rows(layout.headers, mapped, rows, check.cells, check.rows)
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
        self.stage.setText(f"Imported {report.rows_stored:,} usage events.")
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
            lines.append("Accounts created: " + _escaped_list(report.created_accounts) + ".")
        if report.unmatched_accounts:
            lines.append(
                f"<span style='color:{current().bad}'>Not in the book (rows rejected): "
                + _escaped_list(report.unmatched_accounts)
                + ".</span>"
            )
        if report.unknown_features:
            lines.append(
                "Features the book does not know yet (stored as spelled): "
                + _escaped_list(str(feature) for feature in report.unknown_features)
                + "."
            )
        evidence = report.evidence
        if evidence.milestones_checked:
            touched = report.accounts_touched
            met = (
                f"Usage criterion met: {evidence.criteria_met:,} of the "
                f"{evidence.milestones_checked:,} milestones with a usage criterion in the "
                f"{counted(touched, 'account')} this file touched"
            )
            if evidence.auto_achieved:
                met += f"; {len(evidence.auto_achieved):,} marked achieved by usage"
            lines.append(met + ".")
        lines.extend(_escape(warning) for warning in report.warnings)
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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaped_list(names: Any) -> str:
    return ", ".join(_escape(name) for name in names)
