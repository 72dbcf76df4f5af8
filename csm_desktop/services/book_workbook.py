"""Export a whole book to a workbook and import one back (DESIGN §5, "Book workbook").

This is how a CSM leaves a spreadsheet tracker, backs a book up or hands it over. An import
reads and checks the whole file first, then stores every usable row in one transaction:
a failed or cancelled import leaves the book as it was. Rows it cannot use are listed and
saved as a rejected-rows CSV next to the source; ``strict`` stores nothing if any row is bad.

Merge rule: an account already in the book with the same name (ignoring case and surrounding
space) is updated, not rejected: its Accounts-sheet values replace the stored ones (an empty
cell clears the value), and its contacts, milestones, kickoff, value metrics and usage are
matched by name, (milestone, role), account, metric and measured date, and (date, feature)
respectively, updated when found and added when new. Nothing is ever deleted, so importing
the same workbook twice changes nothing the second time.

A CSM's own tracker is a workbook too (DESIGN §9): only the accounts sheet is needed, and a
column the tracker does not have leaves the stored value alone. A new account that the file
gives neither a playbook nor a milestone gets the book's default playbook and its ladder
(``services.default_playbook``), so it never shows an empty ladder. The Features sheet
carries the feature vocabulary; a spelling that already names another feature is rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from csm_desktop.errors import Cancelled, UserError
from csm_desktop.services.book_export import BookExportReport, book_from_database, export_book
from csm_desktop.services.book_import_store import BookImporter
from csm_desktop.services.evidence import refresh_evidence_of, refresh_usage_evidence
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.services.usage_rejected import rejected_file_path
from csm_desktop.spreadsheets.book_workbook import (
    BookReading,
    RejectedRow,
    read_book_workbook,
    rejected_rows_table,
    sheet_order,
)
from csm_desktop.spreadsheets.safe_cells import write_safe_csv
from csm_desktop.store.database import Database
from csm_desktop.store.queries.book_io import undated_account_names
from csm_desktop.store.queries.import_queue import WAITING, one_import_at_a_time
from csm_desktop.store.queries.usage_import import record_import


@dataclass
class BookImportReport:
    """What an import read, stored and rejected; ``stored`` is False when nothing was kept."""

    source: Path
    strict: bool
    rows_read: int = 0
    rows_stored: int = 0
    stored: bool = False
    accounts_created: int = 0
    accounts_updated: int = 0
    rows_by_sheet: dict[str, int] = field(default_factory=dict)
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    rejected_file: Path | None = None
    warnings: list[str] = field(default_factory=list)
    # New accounts that got the default playbook's ladder, and which playbook that was.
    ladders_added: int = 0
    default_playbook: str | None = None
    # New accounts put on the default playbook without a ladder: no date to schedule it from.
    unscheduled: int = 0
    # Sheets and columns of the file that are not part of a book (a tracker's own notes).
    ignored: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Distinct rows rejected (one row may have several bad cells)."""
        return len({(r.sheet, r.row) for r in self.rejected_rows})


# ---- import ------------------------------------------------------------------------------


def import_book(
    database: Database,
    path: Path,
    strict: bool = False,
    *,
    today: dt.date | None = None,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
    reading: BookReading | None = None,
    progress: Progress = NO_PROGRESS,
) -> BookImportReport:
    """Import a book workbook or a CSM's tracker into ``database`` in one transaction (see
    the module doc). ``sheet`` and ``column_map`` choose the accounts sheet and its columns
    (``--sheet``, ``--map``); ``reading`` is the file already read (the wizard's preview).
    ``progress(done, total, text)`` hears of each stage; once ``progress.cancelled`` the import
    raises ``Cancelled`` where stopping is still safe (before the commit), rolling it all back.

    Raises ``BadFile`` (nothing changed) for a file that is not a book workbook. Rows that
    cannot be used are in ``rejected_rows`` and in the file ``rejected_file``.
    """
    path = Path(path)
    with gc_paused():  # ~1 million objects at 5,000 accounts, no cycles: see gc_pause
        if reading is None:
            reading = read_book_workbook(path, sheet=sheet, column_map=column_map)
        today = today or dt.date.today()
        report = BookImportReport(
            source=path, strict=strict, rows_read=reading.rows_read, ignored=list(reading.ignored)
        )
        steps = ["Checking the rows", "Storing the book", "Finding usage evidence"]

        def stage(index: int, text: str | None = None) -> None:
            if progress.cancelled:
                raise Cancelled(f"Import of {path.name} cancelled; nothing was changed.")
            progress(index, len(steps), text or (steps[index] if index < len(steps) else "Done"))

        with database.session() as session:
            one_import_at_a_time(session, lambda: stage(0, WAITING))
            stage(0)
            importer = BookImporter(session, reading, today, path.name)
            accepted = importer.validate()
            report.rejected_rows = sorted(
                [*reading.rejected, *importer.rejected], key=lambda r: (sheet_order(r.sheet), r.row)
            )
            if not (strict and report.rejected_rows):
                stage(1)
                importer.store(accepted)
                session.flush()
                stage(2)
                # The imported usage is evidence: when each usage criterion was met (DESIGN §3).
                added = importer.criterion_rows_added()  # a new book's, in hand
                if added is None:
                    refresh_usage_evidence(session)
                else:
                    refresh_evidence_of(session, added)
                report.stored = True
                report.rows_by_sheet = accepted.counts()
                report.rows_stored = sum(report.rows_by_sheet.values())
                report.accounts_created = importer.accounts_created
                report.accounts_updated = importer.accounts_updated
                report.ladders_added = importer.ladders_added
                report.unscheduled = importer.unscheduled
                report.default_playbook = importer.default_label
                report.warnings = importer.warnings
                undated = undated_account_names(session)
                if undated:
                    report.warnings.append(
                        f"{len(undated)} accounts have neither a kickoff nor a signed-on date "
                        f"({', '.join(undated[:5])}{', …' if len(undated) > 5 else ''}): their "
                        "ladders cannot be scheduled and the portfolio figures leave them out "
                        "until a date is set."
                    )
                record_import(  # a statement, not an ORM object: no mapper configured for it
                    session,
                    kind="book",
                    file_name=str(path),
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    imported_at=dt.datetime.now(),
                    rows_read=report.rows_read,
                    rows_stored=report.rows_stored,
                    rows_rejected=report.rows_rejected,
                )
                if progress.cancelled:  # the last moment a Cancel rolls everything back
                    raise Cancelled(f"Import of {path.name} cancelled; nothing was changed.")
    progress(len(steps), len(steps), "Stored")
    if report.rejected_rows:
        report.rejected_file = _save_rejected(report)
    return report


def _save_rejected(report: BookImportReport) -> Path | None:
    target = rejected_file_path(report.source)
    header, rows = rejected_rows_table(report.rejected_rows)
    try:
        return write_safe_csv(target, header, rows, chosen_by_user=False)
    except UserError as exc:
        report.warnings.append(f"The rejected rows could not be saved: {exc}")
        return None


__all__ = [
    "BookExportReport",
    "BookImportReport",
    "book_from_database",
    "export_book",
    "import_book",
    "rejected_file_path",
]
