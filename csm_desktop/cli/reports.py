"""Report commands: ``report`` (one account's QBR), ``portfolio-report`` and ``playbook-pdf``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from csm_desktop.cli.common import parse_day
from csm_desktop.cli.team import readable_book, reading_book
from csm_desktop.errors import BadInput


def _add_report_options(command: Any) -> None:
    """The options a QBR and a portfolio report share: the book, the date, where and how."""
    command.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    command.add_argument(
        "--today", type=parse_day, help="reporting date (YYYY-MM-DD; default: today)"
    )
    command.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the .pdf or .pptx file to write"
    )
    command.add_argument(
        "--format",
        choices=("pdf", "pptx"),
        help="pdf or pptx (default: from the output file's suffix, else pdf)",
    )


def add_report_commands(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="write one account's QBR: a PDF or an editable PowerPoint deck"
    )
    report.add_argument("account", metavar="ACCOUNT", help="account name or external id")
    _add_report_options(report)
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
    _add_report_options(portfolio_report)
    portfolio_report.set_defaults(run=_cmd_portfolio_report)

    playbook_pdf = commands.add_parser("playbook-pdf", help="write a playbook as a PDF document")
    playbook_pdf.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS)
    playbook_pdf.add_argument("name", help="playbook name (case ignored)")
    playbook_pdf.add_argument("--version", type=int, help="version number (default: newest)")
    playbook_pdf.add_argument(
        "-o", "--output", metavar="FILE.pdf", required=True, help="the PDF file to write"
    )
    playbook_pdf.set_defaults(run=_cmd_playbook_pdf)


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
