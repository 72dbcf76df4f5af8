"""Book commands: ``demo``, ``import-book``, ``export-book`` and ``features`` (the book's
feature vocabulary)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from csm_desktop.cli.common import back_up_first, parse_day
from csm_desktop.cli.team import (
    readable_book,
    reading_book,
    target_book,
    writing_book,
)
from csm_desktop.domain.text import plural


def add_book_commands(commands: Any) -> None:
    demo = commands.add_parser("demo", help="create a database holding the bundled demo book")
    demo.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    demo.add_argument(
        "--today", type=parse_day, help="date the demo book is built around (default: today)"
    )
    demo.set_defaults(run=_cmd_demo)

    import_book = commands.add_parser(
        "import-book", help="import a book workbook (.xlsx): accounts, ladders, usage, ..."
    )
    import_book.add_argument("file", metavar="FILE.xlsx", help="the book workbook to import")
    import_book.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
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
    import_book.set_defaults(run=_cmd_import_book, prepare=_read_ahead)

    export_book = commands.add_parser("export-book", help="export the book workbook (.xlsx)")
    export_book.add_argument("file", metavar="FILE.xlsx", help="the workbook to write")
    export_book.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    export_book.add_argument(
        "--usage-csv",
        action="store_true",
        help="write usage to FILE.usage.csv beside the workbook (import it with import-usage) "
        "instead of the Usage sheet; without it, usage too big for one Excel sheet continues "
        "in sheets Usage 2, Usage 3…, which import-book reads back",
    )
    export_book.set_defaults(run=_cmd_export_book)


def add_feature_commands(commands: Any) -> None:
    features = commands.add_parser(
        "features",
        help="list the book's features (key, name, aliases, usage rows); name or merge one",
    )
    features.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    features.set_defaults(run=_cmd_features, action="list")
    actions = features.add_subparsers(dest="action", metavar="ACTION")
    define = actions.add_parser("set", help="name a feature and add spellings exports use")
    define.add_argument("key", metavar="KEY", help="the feature as usage rows store it")
    define.add_argument("--name", metavar="N", help="what people read, e.g. 'User invited'")
    define.add_argument(
        "--alias", metavar="A", action="append", help="another spelling; repeatable or A;B"
    )
    define.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    merge = actions.add_parser(
        "merge", help="make KEY a spelling of another feature, moving its usage rows"
    )
    merge.add_argument("key", metavar="KEY", help="the spelling found in usage")
    merge.add_argument("--into", metavar="FEATURE", required=True, help="the existing feature")
    merge.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)


def _cmd_demo(args: argparse.Namespace) -> int:
    from csm_desktop.services.demo import create_demo_book

    target = target_book(args)
    with _removed_unless_stored(target) as outcome, writing_book(target) as book:
        summary = create_demo_book(book, today=args.today or dt.date.today())
        outcome.stored = True
    print(f"Demo book written to {book.where}: {summary}")
    return 0


def _read_ahead(args: argparse.Namespace) -> None:
    """Start reading the workbook before the book code loads (``BookReadAhead``); the
    command meets its outcome where it would have read the file itself. The book code
    loads once the file's checks are done (``BookReadAhead.checked``): beside them its
    imports would slow them several times over, beside calamine's read they cost nothing."""
    from csm_desktop.errors import UserError
    from csm_desktop.services.book_import_read import BookReadAhead, parse_column_map

    try:
        column_map = parse_column_map(args.map or ())
    except UserError:  # the command says so, at its own moment
        return
    if Path(args.file).is_file():
        args.read_ahead = BookReadAhead(Path(args.file), args.sheet, column_map)
        args.read_ahead.checked.wait()


def _cmd_import_book(args: argparse.Namespace) -> int:
    from csm_desktop.services.book_workbook import import_book
    from csm_desktop.services.gc_pause import collector_paused
    from csm_desktop.services.usage_files import parse_column_map

    source = Path(args.file)
    column_map = parse_column_map(args.map or ())
    read_ahead = getattr(args, "read_ahead", None)
    target = target_book(args)
    with _removed_unless_stored(target) as outcome, writing_book(target) as book:
        back_up_first(book)
        # Paused from before the read-ahead's own pause ends until the command is done,
        # then frozen: no pass walks the million rows between the read and the import, nor
        # at exit (services.gc_pause).
        with collector_paused():
            report = import_book(
                book,
                source,
                strict=args.strict,
                sheet=args.sheet,
                column_map=column_map,
                reading=read_ahead.result() if read_ahead is not None else None,
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
        f"Imported {source.name} into {book.where}: {report.accounts_created} new and "
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


class _Outcome:
    stored = False


@contextmanager
def _removed_unless_stored(book_at: str | Path) -> Iterator[_Outcome]:
    """A book file this command creates is removed again unless the import stored it, so a
    bad workbook never leaves an empty book behind (run after the book is closed). A team
    server's book is never created here (the schema owner does that): nothing to remove."""
    outcome = _Outcome()
    if isinstance(book_at, str):
        yield outcome
        return
    path = book_at.expanduser()
    existed = path.exists()
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
        report = export_book(book, Path(args.file), usage="csv" if args.usage_csv else "split")
    counts = ", ".join(f"{n:,} {sheet.lower()}" for sheet, n in report.rows_by_sheet.items())
    print(f"Book workbook written to {report.path}: {counts}.")
    if report.usage_note:
        print(report.usage_note)
    return 0


def _cmd_features(args: argparse.Namespace) -> int:
    from csm_desktop.domain.features import split_aliases
    from csm_desktop.services.feature_catalog import feature_catalog, merge_feature
    from csm_desktop.services.features import load_vocabulary, save_feature

    with writing_book(readable_book(args)) as book:
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
