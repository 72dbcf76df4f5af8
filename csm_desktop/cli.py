"""The ``csm-desktop`` command: no subcommand opens the window; subcommands are headless.

Every command calls the same services as the window. A ``UserError`` prints one line on
stderr and exits 2; anything else is a bug and keeps its traceback (and is logged).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from csm_desktop import APP_NAME, app_version
from csm_desktop.cli_experiment import add_experiment_commands
from csm_desktop.cli_team import (
    add_team_commands,
    readable_book,
    reading_book,
    refuse_server_address,
)
from csm_desktop.domain.text import plural
from csm_desktop.errors import BadInput, DatabaseLocked, UserError

log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace], int]
WAIT_HELP = (
    "when a window or another command has the book open for writing, wait up to SECONDS "
    "for it (default: give up at once)"
)


# Reporting dates outside these years are typos: the metrics add and subtract up to a few
# years of days, which overflows Python's dates near year 1 and 9999.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def parse_day(text: str) -> dt.date:
    """An ISO date argument (YYYY-MM-DD) between 1900 and 2199."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside the years {FIRST_DAY.year}-{LAST_DAY.year}; check the date"
        )
    return day


def database_path(args: argparse.Namespace) -> Path:
    """``--db PATH`` or the default book in the user data folder."""
    refuse_server_address(args)
    if args.db is not None:
        return Path(args.db)
    from csm_desktop.paths import default_database_path

    return default_database_path()


def existing_book(
    args: argparse.Namespace,
    missing: str = "No book at {path}. Pass --db with the path of an existing book.",
) -> Path:
    """The book a command reads, which must exist: a typo in --db must not create one."""
    path = database_path(args)
    if not path.is_file():
        raise BadInput(missing.format(path=path))
    if path.stat().st_size == 0:
        raise BadInput(
            f"{path} is an empty file (0 bytes), not a book. Pass --db with the book file, or "
            "restore a backup."
        )
    return path


def _cmd_demo(args: argparse.Namespace) -> int:
    from csm_desktop.services.demo import create_demo_book
    from csm_desktop.services.opening import open_book

    target = database_path(args)
    with _removed_unless_stored(target) as outcome, open_book(target) as book:
        summary = create_demo_book(book, today=args.today or dt.date.today())
        outcome.stored = True
    print(f"Demo book written to {book.path}: {summary}")
    return 0


def _cmd_import_book(args: argparse.Namespace) -> int:
    from csm_desktop.services.book_workbook import import_book
    from csm_desktop.services.opening import open_book
    from csm_desktop.services.usage_files import parse_column_map

    source = Path(args.file)
    column_map = parse_column_map(args.map or ())
    target = database_path(args)
    with _removed_unless_stored(target) as outcome, open_book(target) as book:
        _back_up_before_import(book)
        report = import_book(
            book, source, strict=args.strict, sheet=args.sheet, column_map=column_map
        )
        outcome.stored = report.stored
    shown = 20
    for rejected in report.rejected_rows[:shown]:
        value = f" {rejected.value!r}" if rejected.value else ""
        print(
            f"rejected: {rejected.sheet} row {rejected.row}, {rejected.column}{value}: "
            f"{rejected.reason}"
        )
    if len(report.rejected_rows) > shown:
        print(f"... and {len(report.rejected_rows) - shown} more problems")
    where = f", listed in {report.rejected_file}" if report.rejected_file else ""
    if not report.stored:
        print(
            f"error: {source}: {plural(report.rows_rejected, 'row')} cannot be used{where}; "
            "nothing was stored (--strict). Fix them and import again.",
            file=sys.stderr,
        )
        return 2
    for warning in report.warnings:
        print(f"note: {warning}")
    if report.ignored:
        print(f"note: not read (not part of a book): {', '.join(report.ignored)}.")
    counts = ", ".join(f"{n:,} {sheet.lower()}" for sheet, n in report.rows_by_sheet.items() if n)
    print(
        f"Imported {source.name} into {book.path}: {report.accounts_created} new and "
        f"{report.accounts_updated} updated accounts; rows: {counts or 'none'}."
    )
    if report.ladders_added:
        print(
            f"{report.ladders_added} new accounts got the ladder of {report.default_playbook}, "
            "the book's default playbook."
        )
    if report.unscheduled:
        print(
            f"{report.unscheduled} new accounts are on {report.default_playbook} without a "
            "ladder yet: set their kickoff date, then Apply playbook on the account page."
        )
    if report.rejected_rows:
        were = "was" if report.rows_rejected == 1 else "were"
        print(f"{plural(report.rows_rejected, 'row')} {were} rejected{where}.")
    return 0


def _back_up_before_import(book: Any) -> None:
    """Like the window's daily copy: an import never changes a book that has no backup."""
    from csm_desktop.services.backups import back_up_before_import

    made = back_up_before_import(book)
    if made is not None:
        log.info("Backed up %s to %s before the import", book.path, made)


class _Outcome:
    stored = False


@contextmanager
def _removed_unless_stored(path: Path) -> Iterator[_Outcome]:
    """A book file this command creates is removed again unless the import stored it, so a
    bad workbook never leaves an empty book behind (run after the book is closed)."""
    path = path.expanduser()
    existed = path.exists()
    outcome = _Outcome()
    try:
        yield outcome
    finally:
        if not existed and not outcome.stored:
            for leftover in (path, *(path.with_name(path.name + s) for s in _SQLITE_SIDECARS)):
                leftover.unlink(missing_ok=True)


_SQLITE_SIDECARS = ("-wal", "-shm", "-journal", ".lock")


def _cmd_export_book(args: argparse.Namespace) -> int:
    from csm_desktop.services.book_workbook import export_book

    book_at = readable_book(args, "There is no book at {path}. Give the book file with --db PATH.")
    with reading_book(book_at) as book:
        report = export_book(book, Path(args.file))
    counts = ", ".join(f"{n:,} {sheet.lower()}" for sheet, n in report.rows_by_sheet.items())
    print(f"Book workbook written to {report.path}: {counts}.")
    return 0


def _cmd_metrics(args: argparse.Namespace) -> int:
    import json

    from csm_desktop.services.long_term import long_term, long_term_as_json, long_term_summary
    from csm_desktop.services.metrics import metrics_as_json, metrics_summary, portfolio_metrics

    args.today = args.today or dt.date.today()  # like every other command
    with reading_book(readable_book(args)) as book:
        metrics = portfolio_metrics(
            book, args.today, segment=args.segment, owner=args.owner, playbook=args.playbook
        )
        if metrics.accounts == 0 and (args.segment or args.owner or args.playbook):
            _check_filters(book, args)
        renewals = long_term(
            book, args.today, segment=args.segment, owner=args.owner, playbook=args.playbook
        )
    if args.json:
        payload = metrics_as_json(metrics)
        payload["long_term"] = long_term_as_json(renewals)
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(metrics_summary(metrics))
        print(long_term_summary(renewals))
    return 0


def _check_filters(book: Any, args: argparse.Namespace) -> None:
    """A filter value no account has is a typo, not an empty portfolio: say so."""
    from csm_desktop.services.book import book_rows

    rows = book_rows(book, args.today)
    for option, value, known in (
        ("--segment", args.segment, {r.segment for r in rows}),
        ("--owner", args.owner, {r.owner for r in rows}),
        ("--playbook", args.playbook, {r.playbook for r in rows}),
    ):
        if value and value not in known:
            choices = ", ".join(sorted(k for k in known if k)) or "none"
            raise BadInput(f"No account has {option} {value!r}. Known: {choices}.")


_FORMS = {
    "long": "long form",
    "events": "event log, each row one event",
    "wide": "wide form",
    "dates": "dates as columns",
}


def _counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _cmd_import_usage(args: argparse.Namespace) -> int:
    from csm_desktop.services.import_usage import (
        UsageImportOptions,
        check_date_format,
        import_usage,
    )
    from csm_desktop.services.opening import open_book
    from csm_desktop.services.usage_files import parse_column_map

    source = Path(args.file)
    if not source.is_file():
        raise BadInput(f"{source} does not exist or is not a file. Check the path.")
    book_path = existing_book(
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
    with open_book(book_path) as book:
        _back_up_before_import(book)
        report = import_usage(book, source, options)
    sheet = f", sheet {report.sheet}" if report.sheet else ""
    skipped = f", {_counted(report.lines_skipped, 'line')} skipped" if report.lines_skipped else ""
    print(
        f"Imported {source.name}{sheet} (header row {report.header_row}, {_FORMS[report.form]}) "
        f"into {book.path}: {plural(report.rows_read, 'row')} read, {report.rows_stored:,} usage "
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


def report_period(args: argparse.Namespace, today: dt.date) -> Any:
    """The review period of ``--quarter`` or ``--from/--to`` (default: last full quarter)."""
    from csm_desktop.domain.review import BadPeriod, review_period

    try:
        return review_period(
            today, quarter=args.quarter, start=getattr(args, "start", None), end=args.end
        )
    except BadPeriod as exc:
        raise BadInput(str(exc)) from None


def _report_format(args: argparse.Namespace) -> str:
    """``--format``, or the output file's suffix (.pptx makes a deck), else pdf."""
    if args.format:
        return str(args.format)
    return "pptx" if Path(args.output).suffix.lower() == ".pptx" else "pdf"


def _cmd_report(args: argparse.Namespace) -> int:
    from csm_desktop.services.reports import find_account, write_qbr_report

    book_at = readable_book(args)
    today = args.today or dt.date.today()
    period = report_period(args, today)
    kind = _report_format(args)
    with reading_book(book_at) as book:
        account_id = find_account(book, args.account)
        written = write_qbr_report(
            book,
            account_id,
            today,
            Path(args.output),
            internal=args.internal,
            period=period,
            format=kind,
        )
    edition = "Internal QBR" if args.internal else "QBR"
    what = "deck" if kind == "pptx" else "value report"
    print(f"{edition} {what} for {args.account}, {period.title()}, written to {written}.")
    return 0


def _cmd_portfolio_report(args: argparse.Namespace) -> int:
    from csm_desktop.services.reports import write_portfolio_report

    book_at = readable_book(args)
    with reading_book(book_at) as book:
        written = write_portfolio_report(
            book, args.today or dt.date.today(), Path(args.output), format=_report_format(args)
        )
    print(f"Portfolio report written to {written}.")
    return 0


def _cmd_playbook_pdf(args: argparse.Namespace) -> int:
    from csm_desktop.services.playbooks import find_playbook, write_playbook_pdf

    book_at = readable_book(args, "There is no book at {path}. Give the book file with --db PATH.")
    with reading_book(book_at) as book:
        playbook = find_playbook(book, args.name, args.version)
        written = write_playbook_pdf(book, playbook.id, Path(args.output))
    print(f"Playbook {playbook.label} written to {written}.")
    return 0


def _day_option(text: str | None, option: str) -> dt.date | None:
    """A date option checked in the command, so a typo is one line (not argparse's usage)."""
    if text is None:
        return None
    try:
        return parse_day(text)
    except argparse.ArgumentTypeError as exc:
        raise BadInput(f"{option} {exc}.") from None


def _number_option(text: str | None, option: str) -> float | None:
    from csm_desktop.services.value_metrics import parse_number

    return None if text is None else parse_number(text, option)


def _cmd_value_set(args: argparse.Namespace) -> int:
    from csm_desktop.services.opening import open_book
    from csm_desktop.services.value_metrics import parse_direction, set_metric_by_name

    direction = parse_direction(args.direction) if args.direction is not None else None
    baseline = _number_option(args.baseline, "--baseline")
    baseline_on = _day_option(args.baseline_on, "--baseline-on")
    target = _number_option(args.target, "--target")
    money = _number_option(args.money_per_unit, "--money-per-unit")
    path = existing_book(args)
    with open_book(path) as book:
        change = set_metric_by_name(
            book,
            args.account,
            args.metric,
            on=args.today or dt.date.today(),
            unit=args.unit,
            direction=direction,
            baseline=baseline,
            baseline_on=baseline_on,
            target=target,
            money_per_unit=money,
            rate_per=args.per,
        )
    print(f"{args.account}: {change.text}.")
    return 0


def _cmd_value_record(args: argparse.Namespace) -> int:
    from csm_desktop.services.opening import open_book
    from csm_desktop.services.value_metrics import parse_number, record_by_name

    value = parse_number(args.value, "VALUE")
    measured_on = _day_option(args.on, "--on")
    assert measured_on is not None  # --on is required
    path = existing_book(args)
    with open_book(path) as book:
        change = record_by_name(
            book, args.account, args.metric, value, measured_on, on=args.today or dt.date.today()
        )
    print(f"{args.account}: {change.text}.")
    return 0


def _cmd_features(args: argparse.Namespace) -> int:
    from csm_desktop.domain.features import split_aliases
    from csm_desktop.services.feature_catalog import feature_catalog, merge_feature
    from csm_desktop.services.features import load_vocabulary, save_feature
    from csm_desktop.services.opening import open_book

    path = existing_book(args)
    with open_book(path) as book:
        if args.action == "set":
            entry = next((e for e in load_vocabulary(book).entries if e.key == args.key), None)
            name = args.name if args.name is not None else (entry.display_name if entry else "")
            aliases = list(entry.aliases) if entry else []
            aliases += [a for text in args.alias or () for a in split_aliases(text)]
            saved = save_feature(book, args.key, name, aliases)
            print(f"{saved.key}: {saved.label}" + _aliases_text(saved.aliases))
            return 0
        if args.action == "merge":
            moved = merge_feature(book, args.key, args.into)
            print(
                f"{args.key} is now a spelling of {args.into}; {plural(moved, 'usage row')} moved."
            )
            return 0
        rows = feature_catalog(book)
    for row in rows:
        if row.known:
            unknown = ""
        elif row.spelling_of:
            unknown = f"  (another spelling of {row.spelling_of}: merge it)"
        else:
            unknown = "  (not in the vocabulary: name it or merge it)"
        print(
            f"{row.key}\t{row.label}\t{'; '.join(row.aliases)}\t"
            f"{plural(row.usage_rows, 'usage row')}" + unknown
        )
    return 0


def _aliases_text(aliases: Sequence[str]) -> str:
    return f" (also {'; '.join(aliases)})" if aliases else ""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit 2 (DESIGN §8), like every
    other bad input; ``--help`` still shows the full usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


class _VersionAction(argparse.Action):
    """``--version``, reading the version only when asked (it costs start-up time)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(f"{parser.prog} {app_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="csm-desktop",
        description=f"{APP_NAME}: onboarding ladders, usage evidence and value reports. "
        "Without a command it opens the window.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--db", metavar="PATH", help="book database file (default: user data)")
    parser.add_argument(
        "--self-test", action="store_true", help="run a headless check of this installation"
    )
    parser.add_argument(
        "--start-check",
        action="store_true",
        help="open the window, print the platform once the book is on show, and quit "
        "(checks that the window can start on this system)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on the demo book (created in the user data folder if missing)",
    )
    parser.add_argument("--wait", type=float, metavar="SECONDS", default=0.0, help=WAIT_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    demo = commands.add_parser("demo", help="create a database holding the bundled demo book")
    demo.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    demo.add_argument(
        "--today", type=parse_day, help="date the demo book is built around (default: today)"
    )
    demo.set_defaults(run=_cmd_demo)

    import_book = commands.add_parser(
        "import-book", help="import a book workbook (.xlsx): accounts, ladders, usage, ..."
    )
    import_book.add_argument("file", metavar="FILE.xlsx", help="the book workbook to import")
    import_book.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    import_book.add_argument(
        "--strict", action="store_true", help="store nothing if any row cannot be used"
    )
    import_book.add_argument(
        "--sheet", help="the sheet listing the accounts (default: the only sheet, or Accounts)"
    )
    import_book.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="read the accounts sheet's COLUMN (header or letter) as FIELD: Account, "
        "External ID, Segment, Industry, Seats, ARR, Owner, Signed on, Kickoff on, "
        "Renewal on, Playbook, Variant or ignore; repeatable",
    )
    import_book.set_defaults(run=_cmd_import_book)

    export_book = commands.add_parser("export-book", help="export the book workbook (.xlsx)")
    export_book.add_argument("file", metavar="FILE.xlsx", help="the workbook to write")
    export_book.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    export_book.set_defaults(run=_cmd_export_book)

    metrics = commands.add_parser("metrics", help="print the portfolio metrics (DESIGN §3)")
    metrics.add_argument(
        "--db", metavar="PATH|URL", default=argparse.SUPPRESS, help="a book file or team server"
    )
    metrics.add_argument(
        "--today", type=parse_day, help="reporting date (YYYY-MM-DD; default: today)"
    )
    metrics.add_argument("--json", action="store_true", help="print one JSON object")
    metrics.add_argument("--segment", help="only accounts of this segment")
    metrics.add_argument("--owner", help="only accounts of this owner CSM")
    metrics.add_argument("--playbook", help="only accounts on this playbook")
    metrics.set_defaults(run=_cmd_metrics)

    import_usage = commands.add_parser(
        "import-usage",
        help="import a product-usage file (.xlsx, .xlsm, .csv, .json or JSON Lines)",
    )
    import_usage.add_argument("file", metavar="FILE", help="the usage file to import")
    import_usage.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
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
    import_usage.set_defaults(run=_cmd_import_usage)

    report = commands.add_parser(
        "report", help="write one account's QBR: a PDF or an editable PowerPoint deck"
    )
    report.add_argument("account", metavar="ACCOUNT", help="account name or external id")
    report.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    report.add_argument(
        "--today", type=parse_day, help="reporting date (YYYY-MM-DD; default: today)"
    )
    report.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the .pdf or .pptx file to write"
    )
    report.add_argument(
        "--format",
        choices=("pdf", "pptx"),
        help="pdf or pptx (default: from the output file's suffix, else pdf)",
    )
    period = report.add_mutually_exclusive_group()
    period.add_argument(
        "--quarter", metavar="2026Q3", help="review this calendar quarter (default: the last "
        "full quarter up to --today)",
    )  # fmt: skip
    period.add_argument(
        "--from", dest="start", type=parse_day, metavar="YYYY-MM-DD", help="first day reviewed"
    )
    report.add_argument(
        "--to", dest="end", type=parse_day, metavar="YYYY-MM-DD",
        help="last day reviewed (default with --from: --today)",
    )  # fmt: skip
    report.add_argument(
        "--internal",
        action="store_true",
        help="include ARR, health and CSM notes (never send this edition to the customer)",
    )
    report.set_defaults(run=_cmd_report)

    portfolio_report = commands.add_parser(
        "portfolio-report", help="write the internal portfolio report (PDF or deck)"
    )
    portfolio_report.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    portfolio_report.add_argument(
        "--today", type=parse_day, help="reporting date (YYYY-MM-DD; default: today)"
    )
    portfolio_report.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the .pdf or .pptx file to write"
    )
    portfolio_report.add_argument(
        "--format",
        choices=("pdf", "pptx"),
        help="pdf or pptx (default: from the output file's suffix, else pdf)",
    )
    portfolio_report.set_defaults(run=_cmd_portfolio_report)

    playbook_pdf = commands.add_parser("playbook-pdf", help="write a playbook as a PDF document")
    playbook_pdf.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    playbook_pdf.add_argument("name", help="playbook name (case ignored)")
    playbook_pdf.add_argument("--version", type=int, help="version number (default: newest)")
    playbook_pdf.add_argument(
        "-o", "--output", metavar="FILE.pdf", required=True, help="the PDF file to write"
    )
    playbook_pdf.set_defaults(run=_cmd_playbook_pdf)

    _add_value_commands(commands)
    _add_feature_commands(commands)
    add_experiment_commands(commands)
    add_team_commands(commands)
    for command in commands.choices.values():  # every command accepts it after its name
        command.add_argument(
            "--wait", type=float, metavar="SECONDS", default=argparse.SUPPRESS, help=WAIT_HELP
        )
    return parser


def _add_feature_commands(commands: Any) -> None:
    features = commands.add_parser(
        "features",
        help="list the book's features (key, name, aliases, usage rows); name or merge one",
    )
    features.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    features.set_defaults(run=_cmd_features, action="list")
    actions = features.add_subparsers(dest="action", metavar="ACTION")
    define = actions.add_parser("set", help="name a feature and add spellings exports use")
    define.add_argument("key", metavar="KEY", help="the feature as usage rows store it")
    define.add_argument("--name", metavar="N", help="what people read, e.g. 'User invited'")
    define.add_argument(
        "--alias", metavar="A", action="append", help="another spelling; repeatable or A;B"
    )
    define.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    merge = actions.add_parser(
        "merge", help="make KEY a spelling of another feature, moving its usage rows"
    )
    merge.add_argument("key", metavar="KEY", help="the spelling found in usage")
    merge.add_argument("--into", metavar="FEATURE", required=True, help="the existing feature")
    merge.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)


def _add_value_commands(commands: Any) -> None:
    value = commands.add_parser(
        "value", help="define value metrics and record measurements (the QBR's value section)"
    )
    value_commands = value.add_subparsers(dest="value_command", metavar="ACTION", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS)
    common.add_argument(
        "--today", type=parse_day, help="date the change is logged on (default: today)"
    )
    define = value_commands.add_parser(
        "set", parents=[common], help="define a value metric or change the options given"
    )
    define.add_argument("account", metavar="ACCOUNT", help="account name or external id")
    define.add_argument("metric", metavar="METRIC", help="metric name, e.g. 'Hours on reporting'")
    define.add_argument("--unit", metavar="U", help="unit, e.g. hours")
    define.add_argument(
        "--direction", metavar="higher|lower", help="which way is better (needed for a new one)"
    )
    define.add_argument("--baseline", metavar="X", help="value before the product")
    define.add_argument("--baseline-on", metavar="D", help="date of the baseline (YYYY-MM-DD)")
    define.add_argument("--target", metavar="Y", help="value agreed as the goal")
    define.add_argument(
        "--money-per-unit", metavar="M", help="what one unit is worth in the book's currency"
    )
    define.add_argument(
        "--per",
        metavar="PERIOD",
        help="the value is a rate per week, month, quarter or year (for money realised)",
    )
    define.set_defaults(run=_cmd_value_set)
    record = value_commands.add_parser("record", parents=[common], help="record a measurement")
    record.add_argument("account", metavar="ACCOUNT", help="account name or external id")
    record.add_argument("metric", metavar="METRIC", help="metric name")
    record.add_argument("value", metavar="VALUE", help="the measured value")
    record.add_argument("--on", metavar="D", required=True, help="date measured (YYYY-MM-DD)")
    record.set_defaults(run=_cmd_value_record)


def _wait_for_locks(seconds: float) -> None:
    from csm_desktop.services.opening import wait_for_book_locks

    if seconds < 0:
        raise BadInput(f"--wait {seconds:g} is negative; give the seconds to wait, e.g. 30.")
    wait_for_book_locks(seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from csm_desktop.selftest import run_self_test

        return run_self_test()
    run: Command | None = getattr(args, "run", None)
    if run is None:
        from csm_desktop.app import run_window

        check = args.start_check
        if args.demo:
            return run_window(None, demo=True, start_check=check)
        try:
            path = database_path(args) if args.db else None
        except UserError as exc:  # a team server's address: the window opens files only
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
        return run_window(path, start_check=check)
    from csm_desktop.printable import PrintableFormatter, PrintableStream

    handler = logging.StreamHandler()
    handler.setFormatter(PrintableFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    # Names come from other people's spreadsheets: never let one drive the terminal.
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(real_out), PrintableStream(real_err)
    try:
        return _run_command(run, args)
    finally:
        sys.stdout, sys.stderr = real_out, real_err


def _run_command(run: Command, args: argparse.Namespace) -> int:
    """Run one headless command: a ``UserError`` is one line on stderr and its exit code."""
    try:
        _wait_for_locks(args.wait)
        return run(args)
    except DatabaseLocked as exc:
        hint = "" if args.wait else " Or add --wait SECONDS to wait for it."
        print(f"error: {exc}{hint}", file=sys.stderr)
        return exc.exit_code
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; nothing was changed", file=sys.stderr)
        return 130


__all__ = ["BadInput", "build_parser", "database_path", "main", "parse_day"]
