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
check (``services.usage_files``); it holds no business rules of its own. This module holds
the state the pages share; the pages live in ``import_file_pages``, ``import_layout_page``
and ``import_run_pages``, their wording in ``import_texts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QWidget,
    QWizard,
)

from csm_desktop.services.import_usage import (
    UsageImportOptions,
    UsageImportReport,
    UsagePreview,
    preview_usage_file,
)
from csm_desktop.services.opening import Database
from csm_desktop.services.usage_files import (
    PreviewCheck,
    check_preview,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.import_file_pages import FilePage, OptionsPage, PreviewPage
from csm_desktop.ui.dialogs.import_layout_page import LayoutPage
from csm_desktop.ui.dialogs.import_run_pages import RunPage, SummaryPage
from csm_desktop.ui.dialogs.import_texts import (
    PREVIEW_ROWS,
)


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
