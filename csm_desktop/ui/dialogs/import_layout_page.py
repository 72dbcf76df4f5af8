"""The Layout page of the usage Import wizard: sheet, header row, columns, dates, numbers.

It opens at the header row the app detected and names it, shows what each column will be
imported as (a field, a feature column, a day, or ignored), and lets the CSM change every
guess: another sheet or header row, a column's meaning, the date format, the decimal
separator, and the feature of a file that names none. Each change re-checks the previewed
rows with the import's own rules (``check_preview``) and says what was found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from csm_desktop.errors import UserError
from csm_desktop.services.import_usage import (
    UsageImportOptions,
    UsagePreview,
)
from csm_desktop.services.usage_files import (
    column_letter,
)
from csm_desktop.ui.dialogs.import_texts import (
    AUTO_DATE,
    CHOICES,
    DATE_FORMATS,
    DAY_COLUMN,
    DECIMALS,
    FEATURE_PLACEHOLDER,
    check_notes,
    column_choices,
    column_key,
    for_the_window,
    header_named,
)
from csm_desktop.ui.dialogs.messages import show_failure
from csm_desktop.ui.models.preview_model import cell_text
from csm_desktop.ui.palette import error_style

if TYPE_CHECKING:
    from csm_desktop.ui.dialogs.import_wizard import ImportWizard


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
        self.bad_date_format = False  # a typed date format that reads no dates
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
        """A typed format that cannot read a day, month and year is said at once (the
        import would reject every row) and Next waits for a good one."""
        from csm_desktop.services.usage_options import date_format_reads_dates

        text = text.strip()
        chosen = None if text in ("", AUTO_DATE) else text
        self.bad_date_format = chosen is not None and not date_format_reads_dates(chosen)
        if self.bad_date_format:
            self.status.setStyleSheet(error_style())
            self.status.setText(
                f"“{text}” is not a date format with a day, month and year: type one such "
                "as DD/MM/YYYY or MM/DD/YY, or choose auto."
            )
            self.completeChanged.emit()
            return
        self.wizard_.date_format = chosen
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
        return (
            not self.loading
            and not self.bad_date_format
            and check is not None
            and check.layout is not None
        )

    def validatePage(self) -> bool:
        return self.isComplete()
