"""The real ``csm-desktop`` command: help, demo, and one-line errors."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csm_desktop.cli import COMMAND_GROUPS, build_parser, main, named_command, opens_the_window
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_working_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "demo" in result.stdout
    assert "--db PATH" in result.stdout


def test_demo_creates_a_book(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    result = run("demo", "--db", str(db), "--today", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert "48 accounts" in result.stdout
    database = open_database(db)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 48
    database.close()


def test_demo_twice_is_a_one_line_error_and_keeps_the_book(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--today", "2026-11-26"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "demo", "--today", "2026-11-26"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds accounts" in err
    database = open_database(db)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 48
    database.close()


def test_a_file_that_is_not_a_book_is_exit_2_without_traceback(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("hello", encoding="utf-8")
    result = run("demo", "--db", str(bogus))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "not a CSM Desktop book" in result.stderr
    assert bogus.read_text(encoding="utf-8") == "hello"


def test_a_bad_date_is_rejected_by_the_parser(tmp_path: Path) -> None:
    result = run("demo", "--db", str(tmp_path / "x.sqlite3"), "--today", "26/11/2026")
    assert result.returncode == 2
    assert "use YYYY-MM-DD" in result.stderr


def test_cli_refuses_typos_instead_of_reporting_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "demo.sqlite3"
    assert main(["demo", "--db", str(db), "--today", "2026-11-26"]) == 0
    usage = tmp_path / "usage.csv"
    usage.write_text("Account,Date,Feature,Count\nCoho Winery,2026-11-01,login,3\n", "utf-8")
    capsys.readouterr()

    assert main(["metrics", "--db", str(db), "--today", "2026-11-26", "--owner", "Nobody"]) == 2
    assert "No account has --owner 'Nobody'" in capsys.readouterr().err

    missing = tmp_path / "tpyo.sqlite3"
    assert main(["import-usage", str(usage), "--db", str(missing)]) == 2
    assert "No book at" in capsys.readouterr().err
    assert not missing.exists()  # a typo in --db creates no empty book

    assert main(["import-usage", str(usage), "--db", str(db), "--date-format", "%Q"]) == 2
    assert "is not a date format" in capsys.readouterr().err


def _command_paths(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Every command and sub-command of ``parser``, e.g. ("experiment", "sample-size")."""
    found = [path]
    for action in parser._actions:  # argparse keeps its sub-commands there only
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _command_paths(sub, (*path, name))
    return found


def test_every_command_shows_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` of each command prints its usage and exits 0 (a bare % in a help text made
    ``experiment --help`` crash with a ValueError from argparse)."""
    paths = _command_paths(build_parser())
    assert ("experiment", "sample-size") in paths and len(paths) > 20
    for path in paths:
        with pytest.raises(SystemExit) as exited:
            main([*path, "--help"])
        assert exited.value.code == 0, path
        assert capsys.readouterr().out.startswith("usage: csm-desktop"), path


def test_the_window_options_alone_are_read_as_the_whole_parser_reads_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Opening the window builds no command parsers (issue 17): a command line of window
    options only gets the same values, and the same one-line errors, from the window's
    parser as from the whole one; anything else gets the whole parser."""
    window_only = (
        [],
        ["--db", "b.sqlite3"],
        ["--db=b.sqlite3", "--demo"],
        ["--start-check", "--wait", "2.5", "--db", "demo"],  # "demo" is --db's value here
        ["--self-test"],
    )
    for argv in window_only:
        assert opens_the_window(argv), argv
        whole = build_parser().parse_args(argv)
        assert vars(build_parser(commands=False).parse_args(argv)) == vars(whole)
    for argv in (["--db"], ["--wait", "soon"]):
        assert opens_the_window(argv)
        errors = []
        for parser in (build_parser(commands=False), build_parser()):
            with pytest.raises(SystemExit) as exited:
                parser.parse_args(argv)
            assert exited.value.code == 2
            errors.append(capsys.readouterr().err)
        assert errors[0] == errors[1] and errors[0].count("\n") == 1
    others = (["demo"], ["--help"], ["-h"], ["--dem"], ["--db", "b", "demo"], ["--version"])
    for argv in (*others, ["--demo=1"], ["--", "x"]):
        assert not opens_the_window(argv), argv


def test_a_command_line_builds_its_own_group_of_commands_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """COMMAND_GROUPS names every command of each group, in the whole parser's order; a
    command line naming a command builds that group only, and reads its arguments (and
    prints its help) exactly as the whole parser does. Anything else (no command, a typo,
    a command name given as --db's value) gets the whole parser."""
    whole = _subcommands(build_parser())
    assert [n for _m, _a, names in COMMAND_GROUPS for n in names] == list(whole)
    for _module, _adds, names in COMMAND_GROUPS:
        assert list(_subcommands(build_parser(only=names[0]))) == list(names)
    argv = ["--db", "b.sqlite3", "import-usage", "u.csv", "--create-accounts"]
    assert named_command(argv) == "import-usage"
    only = build_parser(only="import-usage").parse_args(argv)
    assert vars(only) == vars(build_parser().parse_args(argv))
    helps = []
    for parser in (build_parser(only="import-usage"), build_parser()):
        with pytest.raises(SystemExit):
            parser.parse_args(["import-usage", "--help"])
        helps.append(capsys.readouterr().out)
    assert helps[0] == helps[1] and "usage: csm-desktop import-usage" in helps[0]
    for argv in ([], ["--help"], ["import-usag"], ["--db", "metrics"], ["--wait", "2", "x"]):
        assert named_command(argv) is None, argv


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_installed_command_and_python_m_share_one_entry_point() -> None:
    """pyproject's console script names ``csm_desktop.__main__:run``, the function that
    ``python -m csm_desktop`` (and the bundle) runs: both exit the same way."""
    import importlib
    import tomllib

    import csm_desktop.__main__ as entry

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    target = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, function = target["csm-desktop"].partition(":")
    assert getattr(importlib.import_module(module), function) is entry.run
