"""Team-mode commands: ``admin upgrade``, and the book of a command given as a server address.

``--db`` takes a file path or a team server's address (``postgresql+psycopg://user@host/db``).
Every command opens its book here: reading commands through ``reading_book`` (the file
read-only, no lock), writing ones through ``writing_book`` (the file under the window's
lock). On a server there is no lock file: the server arbitrates between writers, each
command's changes are one transaction and imports queue one after another
(``services/opening.py``).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from csm_desktop.errors import BadInput


def server_address(args: argparse.Namespace) -> str | None:
    """``--db`` when it names a team server, else None."""
    from csm_desktop.services.opening import is_team_address

    db = getattr(args, "db", None)
    return db if db is not None and is_team_address(db) else None


def readable_book(args: argparse.Namespace, missing: str | None = None) -> str | Path:
    """The existing book a command works on: the team server's address, or the book file,
    which must exist (checked now, before anything else is done)."""
    from csm_desktop.cli.common import existing_book

    address = server_address(args)
    if address is not None:
        return address
    return existing_book(args) if missing is None else existing_book(args, missing)


def target_book(args: argparse.Namespace) -> str | Path:
    """The book a command may create (``demo``, ``import-book``): the team server's address,
    or the book file, new or existing."""
    from csm_desktop.cli.common import database_path

    return server_address(args) or database_path(args)


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


@contextmanager
def writing_book(book_at: str | Path) -> Iterator[Any]:
    """The book opened for writing: on the server, or the file under the window's lock
    (``DatabaseLocked`` while a window or another command writes it)."""
    from csm_desktop.services.opening import open_book, open_team_book

    if isinstance(book_at, str):
        with open_team_book(book_at) as book:
            yield book
        return
    with open_book(book_at) as book:
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
