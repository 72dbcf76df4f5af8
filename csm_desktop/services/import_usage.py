"""Import a product-usage file into the book: the use case behind the wizard and CLI.

The import reads and checks the whole file first (``spreadsheets``), matches accounts and
features to the book (``usage_matching``), and only then stores all usable rows in one
transaction, as an upsert on (account, day, feature) so importing the same data again
changes nothing (DESIGN §5). Milestone evidence of the touched accounts is recomputed in the
same transaction. Rows it cannot use are listed with row, column, value and reason, and
saved as a CSV next to the source; ``strict`` refuses the whole file instead, and a file
of which nothing at all can be used is refused with the reason and the option that would
help. Lines that are not data (totals, footers, comments, blank lines) are skipped in every
mode. A hostile or broken file, a cancel or a crash leaves the database as it was.

The book's settings decide what the file leaves open: the time zone in which a timestamp
becomes a day and the decimal separator when the file's numbers do not tell; the CSM may
override both, and give the one feature of a file that names none (``--feature``).

The rows go in through SQLAlchemy Core's SQLite upsert, compiled once and executed with
plain tuples on the session's own connection: one ORM object per row would make a
180,000-row import ten times slower than reading the file (DESIGN §7).

Its parts live beside it: the options and the book's context (``usage_options``), the
wizard's preview (``usage_preview``), the file's vetting and reading (``usage_source``),
matching to the book (``usage_matching``) and the rejected rows (``usage_rejected``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy.orm import Session

from csm_desktop.errors import BadFile, Cancelled
from csm_desktop.services.evidence import EvidenceUpdate, refresh_usage_evidence
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.services.usage_matching import (
    Events,
    match_accounts,
    merge_duplicates,
    resolve_features,
)
from csm_desktop.services.usage_options import (
    UsageImportOptions,
    check_date_format,
    checked_options,
    layout_of,
    read_book_context,
)
from csm_desktop.services.usage_preview import UsagePreview, preview_usage_file
from csm_desktop.services.usage_rejected import (
    copy_rejected_rows,
    nothing_message,
    rejected_file_path,
    save_rejected,
    strict_message,
)
from csm_desktop.services.usage_source import ReadAhead, read_usage_source
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits
from csm_desktop.spreadsheets.usage_extract import RejectedRow, extract_usage
from csm_desktop.spreadsheets.usage_features import UnknownFeature
from csm_desktop.store.database import Database
from csm_desktop.store.queries.import_queue import WAITING, one_import_at_a_time
from csm_desktop.store.queries.usage_import import record_import
from csm_desktop.store.queries.usage_rows import count_usage_rows, prepare_store, store_usage

PROGRESS_STEPS = 1000  # an import reports its fraction done in thousandths


class NothingImported(BadFile):
    """Every row of the file was rejected or skipped: nothing was stored (exit status 2)."""


@dataclass(frozen=True, slots=True)
class UsageImportReport:
    """What an import did, for the wizard's last page and the CLI summary."""

    source: Path
    sheet: str | None
    header_row: int
    form: str  # "long", "events", "wide" or "dates"
    rows_read: int  # data rows under the header
    rows_stored: int  # usage events written (new or updated)
    events_new: int  # of those, events the book did not have before
    rows_rejected: int  # distinct source rows with a problem (not the skipped lines)
    rejected_rows: tuple[RejectedRow, ...]
    rejected_rows_file: Path | None
    unmatched_accounts: tuple[str, ...]
    created_accounts: tuple[str, ...]
    accounts_touched: int
    evidence: EvidenceUpdate
    import_id: int
    warnings: tuple[str, ...] = ()
    lines_skipped: int = 0  # totals, footers, comments and blank lines under the header
    unknown_features: tuple[UnknownFeature, ...] = ()
    layout_text: str = ""
    ignored_columns: tuple[str, ...] = ()  # "Licensed Users (ignored, not a feature)", …


def import_usage(
    book: Database,
    path: Path,
    options: UsageImportOptions | None = None,
    *,
    progress: Progress = NO_PROGRESS,
    limits: Limits = DEFAULT_LIMITS,
    recorded_at: dt.datetime | None = None,
    read_ahead: ReadAhead | None = None,
) -> UsageImportReport:
    """Import the usage file at ``path`` into ``book``; see the module docstring.

    Safe to run in a worker thread (it opens its own session). Raises ``BadFile`` for a
    file that cannot be imported (``NothingImported`` when no row could be used),
    ``BadInput`` for an override that does not fit it and ``Cancelled`` when
    ``progress.cancelled`` turned true before the commit; in every such case the database is
    unchanged. Progress is reported in thousandths (``PROGRESS_STEPS``). ``read_ahead``
    is the same file already being read in the background (the command line starts it
    before it opens the book); without it the file is read here.
    """
    with gc_paused():  # millions of objects, no cycles: see services.gc_pause
        return _import_usage(book, path, options, progress, limits, recorded_at, read_ahead)


def _import_usage(
    book: Database,
    path: Path,
    options: UsageImportOptions | None,
    progress: Progress,
    limits: Limits,
    recorded_at: dt.datetime | None,
    read_ahead: ReadAhead | None,
) -> UsageImportReport:
    options = checked_options(options or UsageImportOptions())
    path = Path(path)

    def report(stage: str, fraction: float) -> None:
        progress(round(fraction * PROGRESS_STEPS), PROGRESS_STEPS, stage)

    def checkpoint(stage: str, fraction: float) -> None:
        if progress.cancelled:
            raise Cancelled(f"Import of {path.name} cancelled; nothing was changed.")
        report(stage, fraction)

    checkpoint(f"Reading {path.name}…", 0.0)
    with book.session() as session:
        context = read_book_context(session)
    prepare_store(book.engine)  # while a read-ahead still reads the file
    if read_ahead is not None and (read_ahead.path, read_ahead.sheet) == (path, options.sheet):
        source = read_ahead.result()
    else:
        source = read_usage_source(path, options.sheet, limits=limits)
    table = source.table
    checkpoint(f"Checking {len(table.rows):,} rows…", 0.35)
    layout = layout_of(table, options, context)
    usage = extract_usage(
        table,
        layout,
        date_format=options.date_format,
        decimal=cast(Any, options.decimal),
        default_decimal=context.default_decimal,
        time_zone=options.time_zone or context.time_zone,
        limits=limits,
    )
    sheet = table.sheet
    digest = source.sha256
    del table, source  # the cells are no longer needed; free them before storing
    checkpoint("Matching accounts…", 0.5)
    with book.session() as session:
        one_import_at_a_time(session, lambda: checkpoint(WAITING, 0.5))
        matched = match_accounts(session, usage, layout, options.create_accounts)
        matched, unknown_features = resolve_features(context.vocabulary, matched)
        events = merge_duplicates(matched, event_rows=layout.form == "events")
        rejected = tuple(sorted(usage.rejected + list(matched.rejected), key=_by_row))
        blocking_rows = {problem.row for problem in rejected if problem.blocking}
        rows_rejected = len(blocking_rows)
        lines_skipped = len({p.row for p in rejected if not p.blocking} - blocking_rows)
        rejected_file = None
        if rejected and options.strict and blocking_rows:
            rejected_file, _warning = save_rejected(path, sheet or "", rejected)
            raise BadFile(strict_message(path, rejected, rejected_file))
        if not events.days:
            rejected_file, _warning = save_rejected(path, sheet or "", rejected)
            raise NothingImported(nothing_message(path, rejected, lines_skipped, rejected_file))
        before = count_usage_rows(session)
        _store_events(session, events, checkpoint)
        stored_total = count_usage_rows(session)
        touched = set(events.account_ids)
        checkpoint("Updating milestone evidence…", 0.9)
        evidence = refresh_usage_evidence(session, touched, recorded_at=recorded_at)
        import_id = record_import(
            session,
            kind="usage",
            file_name=path.name,
            sha256=digest,
            imported_at=recorded_at or dt.datetime.now(),
            rows_read=usage.rows_read,
            rows_stored=len(events.days),
            rows_rejected=rows_rejected,
        )
        checkpoint("Saving…", 0.97)
        warnings = list(events.warnings)
        warnings.extend(filled_text(usage.filled))
        if rejected:
            rejected_file, warning = save_rejected(path, sheet or "", rejected)
            warnings.extend(warning)
    report("Done", 1.0)
    return UsageImportReport(
        source=path,
        sheet=sheet,
        header_row=layout.header_row,
        form=layout.form,
        rows_read=usage.rows_read,
        rows_stored=len(events.days),
        events_new=stored_total - before,
        rows_rejected=rows_rejected,
        rejected_rows=rejected,
        rejected_rows_file=rejected_file,
        unmatched_accounts=matched.unmatched,
        created_accounts=matched.created,
        accounts_touched=len(touched),
        evidence=evidence,
        import_id=import_id,
        warnings=tuple(warnings),
        lines_skipped=lines_skipped,
        unknown_features=unknown_features,
        layout_text=layout.describe(),
        ignored_columns=tuple(
            f"{layout.column_name(position)} ({why})" for position, why in layout.ignored_columns
        ),
    )


def filled_text(filled: Mapping[str, int]) -> list[str]:
    """What filling down group labels did, one sentence per column."""
    return [
        (
            f"1 blank {column} cell under a group label was filled from the row above"
            if count == 1
            else f"{count:,} blank {column} cells under a group label were filled from the row "
            "above"
        )
        + " (a grouped report)."
        for column, count in filled.items()
    ]


def _by_row(problem: RejectedRow) -> int:
    return problem.row


def _store_events(
    session: Session, events: Events, checkpoint: Callable[[str, float], None]
) -> None:
    """Upsert all events in chunks in the session's transaction (``store_usage``)."""

    def stored(done: int, total: int) -> None:
        checkpoint(f"Storing {done:,} of {total:,} events…", 0.5 + 0.4 * done / total)

    store_usage(
        session,
        events.account_ids,
        events.days,
        events.features,
        events.counts,
        events.users,
        stored,
    )


# The wizard and the command line import these from here: the use case and its parts.
__all__ = [
    "Progress",
    "UsageImportOptions",
    "UsageImportReport",
    "UsagePreview",
    "check_date_format",
    "copy_rejected_rows",
    "import_usage",
    "preview_usage_file",
    "rejected_file_path",
]
