"""What every ``csm-desktop`` command shares: date arguments, which book a command works on,
the backup before an import, and the one-line handling of a ``UserError`` (exit 2)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from csm_desktop.errors import BadInput, DatabaseLocked, UserError

log = logging.getLogger("csm_desktop.cli")

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
    """``--db PATH`` or the default book in the user data folder (a team server's address is
    ``cli.team``'s business: this is for book files)."""
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


def back_up_first(book: Any) -> None:
    """Like the window's daily copy: an import never changes a book file that has no backup.

    A team server's book is not copied (docs/team_mode.md, Backups): the server's own
    backups keep it, the import is one transaction, and a copy of the whole team book
    before every scripted import would cost more than the import. The command says so.
    """
    from csm_desktop.services.backups import back_up_before_import

    if book.on_server:
        print(
            f"note: no copy of the team book is made before an import on {book.where}; "
            "the server's own backups (pg_dump) keep it."
        )
        return
    made = back_up_before_import(book)
    if made is not None:
        log.info("Backed up %s to %s before the import", book.path, made)


def wait_for_locks(seconds: float) -> None:
    from csm_desktop.services.gc_pause import collector_paused

    # The book's services, SQLAlchemy and the models are imported here for every command:
    # ~100,000 objects that live as long as the process. The collector walked them about ten
    # times as they were made (0.05-0.1 s, issue 17); frozen once made, it leaves them out.
    with collector_paused():
        from csm_desktop.services.opening import wait_for_book_locks

    if seconds < 0:
        raise BadInput(f"--wait {seconds:g} is negative; give the seconds to wait, e.g. 30.")
    wait_for_book_locks(seconds)


def run_command(run: Command, args: argparse.Namespace) -> int:
    """Run one headless command: a ``UserError`` is one line on stderr and its exit code."""
    try:
        prepare = getattr(args, "prepare", None)
        if prepare is not None:  # work that may start early, e.g. reading the input file
            prepare(args)
        wait_for_locks(args.wait)
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


# What a Unix tool killed by SIGPIPE exits with (128 + 13), so ``set -o pipefail`` sees the same.
CLOSED_PIPE_EXIT = 141


def reader_gone(stdout: TextIO) -> int:
    """The reader of the output stopped early (``csm-desktop metrics | head -1``): stop quietly,
    like other command-line tools, instead of a BrokenPipeError traceback. What is still
    buffered goes to the null device, so the interpreter's last flush cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - an output stream with no file behind it
        pass
    return CLOSED_PIPE_EXIT
