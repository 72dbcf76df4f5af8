"""``csm-desktop publish``: copy a laptop book into an empty team database; ``take-offline``:
one owner's accounts from the team database into a read-only book file (team mode)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csm_desktop.domain.text import plural
from csm_desktop.errors import BadInput


def add_transfer_commands(commands: Any) -> None:
    publish = commands.add_parser(
        "publish", help="copy a book file into an empty team database on a server"
    )
    publish.add_argument("book", metavar="BOOK", help="the book file to publish")
    publish.add_argument(
        "--to",
        metavar="URL",
        required=True,
        help="the team database: postgresql+psycopg://USER@HOST:5432/DB (its schema made "
        "by `csm-desktop admin upgrade`)",
    )
    publish.set_defaults(run=_cmd_publish)
    offline = commands.add_parser(
        "take-offline",
        help="copy one owner's accounts from the team server into a read-only book file",
    )
    offline.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="the team database: postgresql+psycopg://USER@HOST:5432/DB",
    )
    offline.add_argument(
        "--owner", metavar="NAME", required=True, help="the CSM whose accounts to copy"
    )
    offline.add_argument(
        "-o", "--output", metavar="BOOK", required=True, help="the new book file to write"
    )
    offline.set_defaults(run=_cmd_take_offline)


def _cmd_publish(args: argparse.Namespace) -> int:
    from csm_desktop.services.team_transfer import publish_book

    source = Path(args.book)
    if not source.is_file():
        raise BadInput(f"No book at {source}. Give the path of the book file to publish.")
    published = publish_book(source, args.to)
    print(
        f"Published {source.name} to {published.target}: "
        f"{plural(published.accounts, 'account')}, "
        f"{plural(published.milestones, 'milestone')}, "
        f"{plural(published.usage_rows, 'usage row')} "
        f"({plural(sum(published.rows.values()), 'row')} in all)."
    )
    return 0


def _cmd_take_offline(args: argparse.Namespace) -> int:
    from csm_desktop.services.take_offline import take_offline

    if not getattr(args, "db", None):
        raise BadInput("Give the team server with --db postgresql+psycopg://USER@HOST/DB.")
    taken = take_offline(args.db, args.owner, Path(args.output))
    print(
        f"Wrote {taken.target}: {plural(taken.accounts, 'account')} of {taken.owner}, "
        f"{plural(taken.usage_rows, 'usage row')} ({plural(sum(taken.rows.values()), 'row')} "
        "in all). It opens read-only: make changes on the team server."
    )
    return 0
