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
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy.orm import Session

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.errors import BadFile, BadInput, Cancelled, UserError
from csm_desktop.safe_output import write_output_file
from csm_desktop.services.book_settings import read_settings
from csm_desktop.services.evidence import EvidenceUpdate, refresh_usage_evidence
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.services.usage_matching import (
    Events,
    import_vocabulary,
    match_accounts,
    merge_duplicates,
    read_accounts,
    resolve_features,
)
from csm_desktop.services.usage_rejected import (
    nothing_message,
    rejected_file_path,
    save_rejected,
    strict_message,
)
from csm_desktop.services.usage_source import (
    ReadAhead,
    read_usage_source,
    read_usage_table,
    vet_and_choose_sheet,
)
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits
from csm_desktop.spreadsheets.json_rows import is_json_file
from csm_desktop.spreadsheets.readers import Row, SheetTable
from csm_desktop.spreadsheets.usage_accounts import KnownAccounts
from csm_desktop.spreadsheets.usage_extract import RejectedRow, extract_usage
from csm_desktop.spreadsheets.usage_features import UnknownFeature
from csm_desktop.spreadsheets.usage_layout import (
    HEADER_SCAN_ROWS,
    UsageLayout,
    detect_layout,
)
from csm_desktop.spreadsheets.usage_numbers import Decimal
from csm_desktop.store.database import Database
from csm_desktop.store.queries.import_queue import WAITING, one_import_at_a_time
from csm_desktop.store.queries.usage_import import record_import
from csm_desktop.store.queries.usage_rows import count_usage_rows, store_usage

PROGRESS_STEPS = 1000  # an import reports its fraction done in thousandths


class NothingImported(BadFile):
    """Every row of the file was rejected or skipped: nothing was stored (exit status 2)."""


@dataclass(frozen=True, slots=True)
class UsageImportOptions:
    """What the CSM chose in the wizard (or on the command line); None means auto-detect."""

    sheet: str | None = None
    header_row: int | None = None  # 1-based, as Excel shows it
    column_map: Mapping[str, str] = field(default_factory=dict)  # header or letter → field
    date_format: str | None = None  # strptime codes or DD/MM/YYYY words
    create_accounts: bool = False
    strict: bool = False
    feature: str | None = None  # one feature for every row of a file that names none
    decimal: str | None = None  # "." or ","; None: the file's own numbers, then the book's
    time_zone: str | None = None  # IANA name; None: the book's time zone


@dataclass(frozen=True, slots=True)
class BookContext:
    """What the book tells the reading of a file: its features, time zone and decimals."""

    vocabulary: FeatureVocabulary = field(default_factory=FeatureVocabulary)
    time_zone: str = "UTC"
    default_decimal: Decimal | None = None
    accounts: KnownAccounts | None = None  # None: not read (the import matches by itself)


@dataclass(frozen=True, slots=True)
class UsagePreview:
    """The top of a usage file and the layout found in it, for the wizard's preview step."""

    source: Path
    sheet_names: tuple[str, ...]  # () for CSV and JSON
    sheet: str | None
    rows: list[Row]  # the first rows of the sheet, row i is the sheet's row i + 1
    layout: UsageLayout | None  # None when detection failed
    problem: str | None  # why detection failed, worded for the CSM
    book: BookContext = field(default_factory=BookContext)
    kind: str = "CSV file"  # what the file is, in the CSM's words, when it has no sheets


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


def checked_options(options: UsageImportOptions) -> UsageImportOptions:
    """The options, or ``BadInput`` naming the first one that cannot work."""
    if options.decimal not in (None, ".", ","):
        raise BadInput(f"--decimal {options.decimal!r}: use --decimal , or --decimal .")
    if options.time_zone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(options.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(
                f"--time-zone {options.time_zone!r} is unknown; use a name such as "
                "Europe/Paris, America/New_York or UTC."
            ) from None
    return options


def read_book_context(session: Session, *, accounts: bool = False) -> BookContext:
    """The book's features and settings that the reading of a usage file depends on, and
    its accounts when asked (for a preview that says which rows will be rejected)."""
    settings = read_settings(session)
    decimal = settings.decimal_separator if settings.decimal_separator in (".", ",") else None
    return BookContext(
        import_vocabulary(session),
        settings.time_zone_name,
        cast(Any, decimal),
        read_accounts(session) if accounts else None,
    )


def layout_of(table: SheetTable, options: UsageImportOptions, book: BookContext) -> UsageLayout:
    """The layout of ``table`` for the CSM's choices and the book's features."""
    return detect_layout(
        table,
        header_row=options.header_row,
        column_map=options.column_map,
        feature=options.feature,
        known_feature=book.vocabulary.resolve,
        date_format=options.date_format,
    )


def preview_usage_file(
    path: Path,
    options: UsageImportOptions | None = None,
    *,
    rows: int = 50,
    book: Database | None = None,
) -> UsagePreview:
    """The top of the file with its detected layout; a detection failure is a ``problem``.

    With ``book``, its features and settings take part (known features make wide columns,
    the time zone and decimal separator read the cells). Hostile or unreadable files still
    raise ``BadFile``: there is nothing to preview.
    """
    options = checked_options(options or UsageImportOptions())
    path = Path(path)
    context = BookContext()
    if book is not None:
        with book.session() as session:
            context = read_book_context(session, accounts=True)
    names, sheet = vet_and_choose_sheet(path, options.sheet, DEFAULT_LIMITS)
    top = max(rows, HEADER_SCAN_ROWS, (options.header_row or 0) + 1)
    table = read_usage_table(path, sheet, max_rows=top)
    kind = "JSON file" if is_json_file(path) else "CSV file"
    try:
        layout = layout_of(table, options, context)
    except UserError as exc:
        return UsagePreview(
            path, names, table.sheet, table.rows[:rows], None, str(exc), context, kind
        )
    return UsagePreview(path, names, table.sheet, table.rows[:rows], layout, None, context, kind)


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


# ----------------------------------------------------------------------------- storing


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


# ----------------------------------------------------------------------------- rejected


def check_date_format(text: str) -> None:
    """Refuse (``BadInput``) a ``date_format`` that cannot read back a day, month and year.

    ``banana`` would otherwise reject every row of the file and still exit 0.
    """
    from csm_desktop.spreadsheets.usage_dates import to_strptime

    code = to_strptime(text)
    probe = dt.datetime(2026, 12, 31)
    try:
        readable = dt.datetime.strptime(probe.strftime(code), code) == probe
    except ValueError:
        readable = False
    if not readable:
        raise BadInput(
            f"--date-format {text!r} is not a date format with a day, month and year; use "
            "e.g. DD/MM/YYYY or %d/%m/%Y."
        )


def copy_rejected_rows(report: UsageImportReport, target: Path) -> Path:
    """Save a copy of the import's rejected-rows file where the CSM chose (a save dialog).

    Written like every export (``write_output_file``): never over the book, atomically.
    """
    source = report.rejected_rows_file
    if source is None:
        raise BadInput("This import rejected no rows; there is nothing to save.")
    if Path(target).resolve() == source.resolve():
        return source

    def copy(temporary: Path) -> None:
        shutil.copyfile(source, temporary)

    return write_output_file(Path(target), copy)


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
