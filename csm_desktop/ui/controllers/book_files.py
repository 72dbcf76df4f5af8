"""The book as a file: open or create another, back up and restore, import and export.

Switching books and restoring a backup hand the new ``Database`` to the window
(``MainWindow.use_database``), which points every page at it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from csm_desktop.domain.text import plural
from csm_desktop.services.opening import Database, open_for_window
from csm_desktop.ui.dialogs.messages import show_failure

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow


def book_folder(database: Database) -> Path:
    """Where file dialogs start: the book's folder, or the home folder for a server book."""
    return database.path.parent if database.path is not None else Path.home()


class BookFiles:
    """The File menu's actions that read or replace the book's file."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.import_wizard: Any = None
        self.book_import_dialog: Any = None
        self.tracker_import_dialog: Any = None

    def import_usage(self) -> None:
        self.open_import_wizard(None)

    def open_import_wizard(self, path: Path | None) -> None:
        """The usage Import wizard, with ``path`` filled in when a file was dropped."""
        w = self.window
        from csm_desktop.ui.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(w.database, w.today, path=path, parent=w)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._usage_imported)
        self.import_wizard = wizard
        wizard.open()

    def _usage_imported(self, report: Any) -> None:
        w = self.window
        w.statusBar().showMessage(
            f"Imported {plural(report.rows_stored, 'usage event')} from {report.source.name}", 8000
        )
        w.refresh()

    def import_tracker(self) -> None:
        """The Import tracker wizard: a CSM's own spreadsheet, mapped column by column."""
        w = self.window
        from csm_desktop.ui.dialogs.tracker_import import TrackerImportDialog

        dialog = TrackerImportDialog(w.database, w.today, parent=w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _report: w.refresh())
        self.tracker_import_dialog = dialog
        dialog.open()

    def import_book_workbook(self) -> None:
        w = self.window
        from csm_desktop.ui.dialogs.book_import_dialog import BookImportDialog

        dialog = BookImportDialog(w.database, w.today, parent=w)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(lambda _report: w.refresh())
        self.book_import_dialog = dialog
        dialog.open()

    def export_book_workbook(self) -> None:
        w = self.window
        from csm_desktop.services.book_workbook import export_book

        suggested = book_folder(w.database) / f"{Path(w.database.name).stem}.xlsx"
        chosen, _ = QFileDialog.getSaveFileName(
            w, "Export book workbook", str(suggested), "Book workbooks (*.xlsx)"
        )
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.casefold() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        database = w.database
        w.run_task(
            # Usage too big for one Excel sheet continues in Usage 2, Usage 3… (import reads
            # them back); the message says so.
            lambda progress: export_book(database, target, usage="split", progress=progress),
            lambda report: w.statusBar().showMessage(
                f"Exported {plural(sum(report.rows_by_sheet.values()), 'row')} to {report.path}"
                + (f". {report.usage_note}" if report.usage_note else ""),
                15000 if report.usage_note else 8000,
            ),
            what="Exporting the book workbook",
            busy_text=f"Exporting the book to {target.name}…",
        )

    def choose_book(self) -> None:
        w = self.window
        path, _ = QFileDialog.getOpenFileName(
            w,
            "Open book",
            str(book_folder(w.database)),
            "CSM books (*.sqlite3 *.db);;All files (*)",
        )
        if path:
            self.switch_book(Path(path))

    def choose_new_book(self) -> None:
        w = self.window
        path, _ = QFileDialog.getSaveFileName(
            w,
            "New book",
            str(book_folder(w.database) / "new-book.sqlite3"),
            "CSM books (*.sqlite3)",
        )
        if path:
            self.switch_book(Path(path))

    def switch_book(self, path: Path) -> None:
        w = self.window
        path = path.expanduser().resolve()
        if path == w.database.path:
            return
        try:
            opened = open_for_window(path)
        except Exception as exc:  # in use, unwritable, damaged: a UserError explains itself
            show_failure(w, "Opening the book", exc)
            return
        self.use_opened(opened.database, opened.lock)

    def use_opened(self, database: Database, lock: Any) -> None:
        """Close the book on show and show ``database`` (a file with its lock, or a team
        server's book with none)."""
        w = self.window
        if not w.leave_book():
            database.close()
            if lock is not None:
                lock.release()
            return
        w.database.close()
        w.release_lock()
        w.book_lock = lock
        w.use_database(database)

    def back_up_now(self) -> None:
        w = self.window
        from csm_desktop.services.backups import back_up_now

        database = w.database
        w.run_task(
            lambda progress: back_up_now(database),
            lambda path: w.statusBar().showMessage(f"Backed up to {path}", 8000),
            what="Backing up the book",
            busy_text="Backing up the book…",
        )

    def restore_backup(self) -> None:
        """Replace the book with a backup the user picks; the current book is kept aside."""
        w = self.window
        from PySide6.QtWidgets import QInputDialog

        from csm_desktop.services.backups import backups_of, restore

        if w.database.on_server:
            QMessageBox.information(
                w,
                "Restore a backup",
                f"The team book on {w.database.where} is backed up by the server itself "
                "(pg_dump); ask your admin to restore it. File → Back up now writes a book "
                "workbook of it for you.",
            )
            return
        infos = backups_of(w.database.file_path)
        if not infos:
            QMessageBox.information(
                w,
                "Restore a backup",
                f"{w.database.name} has no backups yet. Use File → Back up now to make "
                "one; a backup is also made automatically once a day.",
            )
            return
        labels = [info.label for info in infos]
        choice, ok = QInputDialog.getItem(
            w, "Restore a backup", "Replace the book with the backup of:", labels, 0, False
        )
        if not ok:
            return
        answer = QMessageBox.question(
            w,
            "Restore a backup",
            f"Replace {w.database.name} with the backup of {choice}? "
            "The book as it is now is kept as a backup.",
        )
        if answer != QMessageBox.StandardButton.Yes or not w.leave_book():
            return
        try:
            restored = restore(w.database, infos[labels.index(choice)].path)
        except Exception as exc:
            show_failure(w, "Restoring the backup", exc)
            return
        w.use_database(restored.database)
        w.statusBar().showMessage(
            f"Restored {choice}; the previous book is in {restored.previous_copy}", 10000
        )
