"""Team-mode commands: ``admin upgrade`` and the book of a command given as a server address.

``--db`` takes a file path or a team server's address (``postgresql+psycopg://user@host/db``).
The commands that already work on a server book open it through ``reading_book``; the others
refuse a server address in one line naming those that do, rather than treating the address
as a file name.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadInput

# The commands that take a team server's address as --db today (docs/team_mode.md).
ON_SERVER = (
    "metrics",
    "export-book",
    "report",
    "portfolio-report",
    "playbook-pdf",
    "admin upgrade",
)


def server_address(args: argparse.Namespace) -> str | None:
    """``--db`` when it names a team server, else None."""
    from csm_desktop.services.opening import is_team_address

    db = getattr(args, "db", None)
    return db if db is not None and is_team_address(db) else None


def refuse_server_address(args: argparse.Namespace) -> None:
    """One line for a command that does not work on a team server yet."""
    if server_address(args) is not None:
        command = getattr(args, "command", None) or "the window"
        raise BadInput(
            f"{command} works on a book file only for now; on a team server use "
            f"{', '.join(ON_SERVER[:-1])} or {ON_SERVER[-1]} (docs/team_mode.md)."
        )


def readable_book(args: argparse.Namespace, missing: str | None = None) -> str | Path:
    """The book a reading command works on: the team server's address, or the book file,
    which must exist (checked now, before anything else is done)."""
    from csm_desktop.cli.common import existing_book

    address = server_address(args)
    if address is not None:
        return address
    return existing_book(args) if missing is None else existing_book(args, missing)


@contextmanager
def reading_book(book_at: str | Path) -> Iterator[Any]:
    """``readable_book``'s book opened for reading: on the server, or the file read-only."""
    from csm_desktop.services.opening import open_book_for_reading, open_team_book

    if isinstance(book_at, str):
        with open_team_book(book_at) as book:
            yield book
        return
    with open_book_for_reading(book_at) as book:
        yield book


def _cmd_admin_upgrade(args: argparse.Namespace) -> int:
    from csm_desktop.services.opening import upgrade_team_book

    address = server_address(args)
    if address is None:
        raise BadInput(
            "admin upgrade is for a team server: pass --db postgresql+psycopg://OWNER@HOST/DB "
            "(a book file is upgraded when it is opened)."
        )
    before, after = upgrade_team_book(address)
    if before == after:
        print(f"The team book is already at schema {after}; nothing was changed.")
    else:
        print(f"The team book's schema went from {before or 'none'} to {after}.")
    return 0


def add_team_commands(commands: Any) -> None:
    admin = commands.add_parser(
        "admin", help="team server administration (run by the schema-owner role)"
    )
    actions = admin.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade", help="create or upgrade the team book's schema on the server"
    )
    upgrade.add_argument(
        "--db", metavar="URL", required=True, help="postgresql+psycopg://OWNER@HOST:5432/DB"
    )
    upgrade.set_defaults(run=_cmd_admin_upgrade)
