"""The ``csm-desktop`` command: no subcommand opens the window; subcommands are headless.

Every command calls the same services as the window. A ``UserError`` prints one line on
stderr and exits 2; anything else is a bug and keeps its traceback (and is logged).
This module assembles the parser and runs a command; each command group lives in its own
module of this package (books, usage, metrics, reports, value, experiments, team).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any, NoReturn

from csm_desktop import APP_NAME, app_version
from csm_desktop.cli.common import (
    WAIT_HELP,
    Command,
    database_path,
    parse_day,
    reader_gone,
    run_command,
)
from csm_desktop.errors import BadInput

# The options of the window itself, and those of them that take a value: a command line
# made only of these opens the window, and its parser needs no command (issue 17).
WINDOW_FLAGS = frozenset({"--demo", "--start-check", "--self-test"})
WINDOW_OPTIONS = frozenset({"--db", "--wait"})

# The command groups, in the order ``--help`` lists them: the module, its function adding
# them and the commands it adds. A command line naming a command builds its group only:
# argparse reads every help string through gettext, ~15 ms for all of them before an
# import-usage can start reading its file (issue 17; tests/cli/test_cli.py checks the names).
COMMAND_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("books", "add_book_commands", ("demo", "import-book", "export-book")),
    ("metrics", "add_metrics_command", ("metrics",)),
    ("usage", "add_usage_command", ("import-usage",)),
    ("reports", "add_report_commands", ("report", "portfolio-report", "playbook-pdf")),
    ("value", "add_value_commands", ("value",)),
    ("books", "add_feature_commands", ("features",)),
    ("experiments", "add_experiment_commands", ("experiment",)),
    ("team", "add_team_commands", ("admin",)),
    ("transfer", "add_transfer_commands", ("publish", "take-offline")),
)
COMMANDS = frozenset(name for _module, _adds, names in COMMAND_GROUPS for name in names)


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


def build_parser(*, commands: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; without ``commands``, only the window's own options; with
    ``only`` (a command's name), only the commands of its group."""
    parser = OneLineParser(
        prog="csm-desktop",
        description=f"{APP_NAME}: onboarding ladders, usage evidence and value reports. "
        "Without a command it opens the window.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="book file (default: user data) or team server postgresql+psycopg://user@host/db",
    )
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
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for module, adds, names in COMMAND_GROUPS:
        if only is None or only in names:
            getattr(import_module(f"csm_desktop.cli.{module}"), adds)(subparsers)
    for command in subparsers.choices.values():  # every command accepts it after its name
        command.add_argument(
            "--wait", type=float, metavar="SECONDS", default=argparse.SUPPRESS, help=WAIT_HELP
        )
    return parser


def opens_the_window(argv: Sequence[str]) -> bool:
    """True when ``argv`` holds only the window's own options, spelled out in full (an
    abbreviation, ``--help``, a command or anything unknown gets the whole parser)."""
    words = iter(argv)
    for word in words:
        option = word.split("=", 1)[0]
        if option in WINDOW_OPTIONS:
            if "=" not in word:
                next(words, None)  # its value (argparse says so when it is missing)
        elif word not in WINDOW_FLAGS:
            return False
    return True


def named_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names: its first word that is neither an option nor the value
    of ``--db`` or ``--wait``, when that is a command (None otherwise: the whole parser
    then says what is wrong)."""
    words = iter(argv)
    for word in words:
        if word.startswith("-"):
            if word in WINDOW_OPTIONS:
                next(words, None)  # its value
            continue
        return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    # Building every command's parser (and importing their modules) is start-up time the
    # window, or a command, does not need (issue 17).
    parser = build_parser(commands=not opens_the_window(words), only=named_command(words))
    args = parser.parse_args(words)
    if args.self_test:
        from csm_desktop.selftest import run_self_test

        return run_self_test()
    run: Command | None = getattr(args, "run", None)
    if run is None:
        from csm_desktop.app import run_window, skip_pyside_import_scan

        skip_pyside_import_scan()  # Qt may be in already (a test, a benchmark): before the book
        check = args.start_check
        if args.demo:
            return run_window(None, demo=True, start_check=check)
        from csm_desktop.cli.team import target_book
        from csm_desktop.services.gc_pause import collector_paused

        # Telling a server's address from a file imports the book's services, SQLAlchemy and
        # the models: ~100,000 objects that live as long as the window. The collector walked
        # them again and again as they were made (~50 ms of start-up, issue 17); frozen
        # after, they are left out of its passes.
        with collector_paused():
            book = target_book(args) if args.db else None
        return run_window(book, start_check=check)
    from csm_desktop.printable import PrintableFormatter, PrintableStream

    handler = logging.StreamHandler()
    handler.setFormatter(PrintableFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    # psycopg warns of its own when it closes a connection the server cut (a restart in the
    # middle of an import): the command's one-line error already says so.
    logging.getLogger("psycopg").setLevel(logging.ERROR)
    # Names come from other people's spreadsheets: never let one drive the terminal.
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(real_out), PrintableStream(real_err)
    try:
        code = run_command(run, args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        return reader_gone(real_out)
    finally:
        sys.stdout, sys.stderr = real_out, real_err


__all__ = [
    "COMMAND_GROUPS",
    "BadInput",
    "build_parser",
    "database_path",
    "main",
    "named_command",
    "opens_the_window",
    "parse_day",
]
