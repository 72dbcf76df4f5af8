"""``csm-desktop metrics``: the portfolio metrics and long-term figures of a book."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from csm_desktop.cli.common import parse_day
from csm_desktop.cli.team import readable_book, reading_book
from csm_desktop.errors import BadInput


def add_metrics_command(commands: Any) -> None:
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


def _cmd_metrics(args: argparse.Namespace) -> int:
    from csm_desktop.services.gc_pause import collector_paused

    # The book's services and SQLAlchemy as they are imported, then the figures' rows, make
    # no cycles worth collecting: the collector walked them ~12 times as they were made and
    # once more when the figures' own pause ended (~0.1-0.17 s at 50,000 accounts, issue 17).
    # Frozen at the end instead, as the process ends soon after.
    with collector_paused():
        return _metrics(args)


def _metrics(args: argparse.Namespace) -> int:
    import json

    from csm_desktop.domain.metrics import PortfolioMetrics
    from csm_desktop.services.long_term import long_term, long_term_as_json, long_term_summary
    from csm_desktop.services.metrics import (
        metrics_as_json,
        metrics_summary,
        portfolio_metrics,
        portfolio_summary,
    )

    args.today = args.today or dt.date.today()  # like every other command
    # The text needs only the headline figures, which the database counts (fast at 50,000
    # accounts); the JSON lists every account's metrics, computed from its whole ladder.
    figures = portfolio_metrics if args.json else portfolio_summary
    with reading_book(readable_book(args)) as book:
        metrics = figures(
            book, args.today, segment=args.segment, owner=args.owner, playbook=args.playbook
        )
        if metrics.accounts == 0 and (args.segment or args.owner or args.playbook):
            _check_filters(book, args)
        renewals = long_term(
            book, args.today, segment=args.segment, owner=args.owner, playbook=args.playbook
        )
    if isinstance(metrics, PortfolioMetrics):
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
