"""``csm-desktop import-usage``: import a product-usage file into a book."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csm_desktop.cli.common import back_up_first
from csm_desktop.cli.team import readable_book, writing_book
from csm_desktop.domain.text import plural
from csm_desktop.errors import BadInput


def add_usage_command(commands: Any) -> None:
    import_usage = commands.add_parser(
        "import-usage",
        help="import a product-usage file (.xlsx, .xlsm, .csv, .json or JSON Lines)",
    )
    import_usage.add_argument("file", metavar="FILE", help="the usage file to import")
    import_usage.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    import_usage.add_argument("--sheet", help="sheet to read (default: detected)")
    import_usage.add_argument(
        "--header-row", type=int, metavar="N", help="row number of the header (default: detected)"
    )
    import_usage.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="read COLUMN (header text or letter) as FIELD: account, external id, date, "
        "feature, count, users, 'feature column' (wide form) or ignore; repeatable",
    )
    import_usage.add_argument(
        "--feature",
        metavar="NAME",
        help="the feature of every row, for a file that names none (e.g. dates as columns)",
    )
    import_usage.add_argument(
        "--decimal",
        help="decimal separator of numbers written as text (default: from the file, then "
        "the book's setting)",
    )
    import_usage.add_argument(
        "--time-zone",
        metavar="TZ",
        help="time zone in which timestamps become days, e.g. Europe/Paris (default: the book's)",
    )
    import_usage.add_argument(
        "--date-format",
        metavar="F",
        help="date format of text dates, e.g. DD/MM/YYYY or %%d/%%m/%%Y",
    )
    import_usage.add_argument(
        "--create-accounts", action="store_true", help="create accounts the book does not have"
    )
    import_usage.add_argument(
        "--strict", action="store_true", help="store nothing if any row cannot be used"
    )
    import_usage.set_defaults(run=_cmd_import_usage, prepare=_read_ahead)


_FORMS = {
    "long": "long form",
    "events": "event log, each row one event",
    "wide": "wide form",
    "dates": "dates as columns",
}


def _counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _read_ahead(args: argparse.Namespace) -> None:
    """Start checking and reading the file before the book code loads
    (``usage_source.ReadAhead``). The book code loads once the file's checks are done:
    they give the interpreter up and take it back a few times per MiB (zlib, CRC), and
    beside the imports each take waited for them; beside calamine's read, one call that
    lets go of it, the imports cost nothing (as ``import-book`` does)."""
    from csm_desktop.services.usage_source import ReadAhead

    if Path(args.file).is_file():
        args.read_ahead = ReadAhead(Path(args.file), args.sheet)
        args.read_ahead.checked.wait()


def _cmd_import_usage(args: argparse.Namespace) -> int:
    from csm_desktop.services.gc_pause import collector_paused
    from csm_desktop.services.import_usage import (
        UsageImportOptions,
        check_date_format,
        import_usage,
    )
    from csm_desktop.services.usage_files import parse_column_map

    source = Path(args.file)
    if not source.is_file():
        raise BadInput(f"{source} does not exist or is not a file. Check the path.")
    read_ahead = getattr(args, "read_ahead", None)
    if read_ahead is not None:
        read_ahead.vetted()  # a hostile file is refused before the book is opened
    book_at = readable_book(
        args,
        "No book at {path}: usage is matched to the accounts of a book. "
        "Pass --db with the path of an existing book.",
    )
    if args.date_format is not None:
        check_date_format(args.date_format)
    options = UsageImportOptions(
        sheet=args.sheet,
        header_row=args.header_row,
        column_map=parse_column_map(args.map or ()),
        date_format=args.date_format,
        create_accounts=args.create_accounts,
        strict=args.strict,
        feature=args.feature,
        decimal=args.decimal,
        time_zone=args.time_zone,
    )
    # The collector has been off since the read-ahead began (services.gc_pause), and
    # SQLAlchemy, the models and the book's session were loaded meanwhile: switched on again
    # as is, its first pass would walk all of them (~0.04 s after the import, issue 17).
    # Frozen first, as the process ends soon after, they are left out of it.
    with collector_paused(), writing_book(book_at) as book:
        back_up_first(book)
        report = import_usage(book, source, options, read_ahead=read_ahead)
    sheet = f", sheet {report.sheet}" if report.sheet else ""
    skipped = f", {_counted(report.lines_skipped, 'line')} skipped" if report.lines_skipped else ""
    print(
        f"Imported {source.name}{sheet} (header row {report.header_row}, {_FORMS[report.form]}) "
        f"into {book.where}: {plural(report.rows_read, 'row')} read, {report.rows_stored:,} usage "
        f"events stored ({report.events_new:,} new), {_counted(report.rows_rejected, 'row')} "
        f"rejected{skipped}."
    )
    if report.rejected_rows_file is not None:
        print(f"Rejected rows: {report.rejected_rows_file}")
    if report.unmatched_accounts:
        shown = ", ".join(report.unmatched_accounts[:20])
        more = len(report.unmatched_accounts) - 20
        print(
            f"Unmatched accounts ({len(report.unmatched_accounts)}): {shown}"
            + (f" and {more} more" if more > 0 else "")
            + " (add them to the book, or import again with --create-accounts)"
        )
    if report.ignored_columns:
        print(f"Not imported: {', '.join(report.ignored_columns)}.")
    if report.unknown_features:
        shown = ", ".join(str(feature) for feature in report.unknown_features[:20])
        more = len(report.unknown_features) - 20
        print(
            f"Features the book does not know ({len(report.unknown_features)}), stored as "
            f"spelled: {shown}" + (f" and {more} more" if more > 0 else "")
        )
    if report.created_accounts:
        print(f"Created accounts ({len(report.created_accounts)}): ", end="")
        print(", ".join(report.created_accounts))
    if report.evidence.criteria_met or report.evidence.auto_achieved:
        print(
            f"Milestones with a met usage criterion: {report.evidence.criteria_met} "
            f"({len(report.evidence.auto_achieved)} marked achieved by usage)."
        )
    for warning in report.warnings:
        print(f"note: {warning}")
    return 0
