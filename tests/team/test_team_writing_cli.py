"""The writing commands on a team server: the same commands change a server book exactly as
they change a book file, and two imports of one file at once store every row once.

The comparison runs each command on a file and on the server and compares what it prints
(the book's location aside) and the figures the book gives afterwards (``metrics --json``,
the row counts of ``export-book``).
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from csm_desktop.cli import main
from csm_desktop.services.opening import open_team_book
from csm_desktop.store.models import Account, ImportRecord, UsageEvent

pytestmark = pytest.mark.postgresql

TODAY = "2026-06-30"

NOTE = (
    "note: no copy of the team book is made before an import on {}; the server's own backups "
    "(pg_dump) keep it."
)


def tracker(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Accounts"
    for row in (
        ["Customer", "CSM", "ARR", "Kickoff"],
        ["Acme Freight", "Maya Chen", "12000", "2026-06-01"],
        ["Northwind Traders", "Jonas Keller", "99000", ""],
    ):
        workbook.active.append(row)
    workbook.save(path)
    workbook.close()
    return path


def commands(tmp_path: Path) -> list[list[str]]:
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "Account,Date,Feature,Count\n"
        "Northwind Traders,2026-06-29,login,4\n"
        "Northwind Traders,2026-06-29,brand_new_feature,2\n"
        "Contoso Health,2026-06-28,search,1\n"
        "Nobody Inc,2026-06-28,search,1\n"
    )
    workbook = tracker(tmp_path / "tracker.xlsx")
    lines = f"""
        demo --today {TODAY}
        features set brand_new_feature --name 'Brand new' --alias BNF
        features merge search --into login
        value set 'Northwind Traders' 'Hours on reporting' --unit hours --direction lower
            --baseline 40 --baseline-on 2026-05-01 --today {TODAY}
        value record 'Northwind Traders' 'Hours on reporting' 12 --on {TODAY} --today {TODAY}
        import-usage {usage}
        import-book {workbook}
        experiment create Shorter --playbook Standard --kind timing --scale 0.5 --seed 7
            --start {TODAY}
        experiment list
        features
    """
    return [shlex.split(line) for line in lines.replace("\n            ", " ").splitlines()
            if line.strip()]  # fmt: skip


def run_in_process(
    args: list[str], db: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = main([*args, "--db", db])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_writing_command_changes_the_server_book_as_it_changes_a_file(
    team_book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_book = str(tmp_path / "book.sqlite3")
    for args in commands(tmp_path):
        on_file = run_in_process(args, file_book, capsys)
        on_server = run_in_process(args, team_book_url, capsys)
        assert on_file[0] == 0, (args, on_file)
        assert on_server[0] == 0, (args, on_server)
        server_lines = on_server[1].replace(team_book_url, file_book).splitlines()
        if args[0].startswith("import-"):
            assert server_lines[0] == NOTE.format(file_book)
            server_lines = server_lines[1:]
        assert server_lines == on_file[1].splitlines(), args
        assert on_server[2] == on_file[2] == "", args
    metrics = ["metrics", "--today", TODAY, "--json"]
    figures = [
        json.loads(run_in_process(metrics, db, capsys)[1]) for db in (file_book, team_book_url)
    ]
    assert figures[1] == figures[0]
    exported = [
        run_in_process(["export-book", str(tmp_path / f"{n}.xlsx")], db, capsys)[1]
        for n, db in (("file", file_book), ("server", team_book_url))
    ]
    assert exported[0].split(": ", 1)[1] == exported[1].split(": ", 1)[1]
    with open_team_book(team_book_url) as book, book.session() as session:
        assert session.scalar(select(Account.owner).where(Account.name == "Acme Freight")) == (
            "Maya Chen"
        )


def test_demo_on_a_server_book_that_holds_accounts_is_refused_in_one_line(
    team_book_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", team_book_url, "--today", TODAY]) == 0
    capsys.readouterr()
    assert main(["demo", "--db", team_book_url, "--today", TODAY]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "already holds accounts" in err


def test_a_writing_command_on_a_server_without_the_schema_says_who_must_upgrade(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "u.csv"
    source.write_text("Account,Date,Feature,Count\nAcme,2026-06-29,login,1\n")
    assert main(["import-usage", str(source), "--db", pg_url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The team server's database ")
    assert "holds no book yet: the schema owner must run `csm-desktop admin upgrade" in err
    assert err.count("\n") == 1


ROWS = 6000  # enough that both imports are storing at the same time


def usage_file(path: Path) -> Path:
    """6,000 rows for three accounts the book does not have yet and a feature it does not
    know: each import must create them, and the second must find them made by the first."""
    lines = ["Account,Date,Feature,Count"]
    for n in range(ROWS):  # account n mod 3; k = n // 3 is 200 days times 10 features
        k = n // 3
        day = dt.date(2026, 1, 1) + dt.timedelta(days=k % 200)
        lines.append(f"Team {n % 3},{day},feature_{k // 200},{1 + n % 5}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_two_imports_of_one_file_at_once_store_every_row_once(
    team_book_url: str, tmp_path: Path
) -> None:
    """Both imports succeed; the rows, accounts and features exist once; the counts sum to
    the file's: each of the 6,000 rows has count 1 + n mod 5, so 1,200 × (1+2+3+4+5) =
    18,000. One import reports every row new, the other none: they ran one after another."""
    source = usage_file(tmp_path / "usage.csv")
    command = [sys.executable, "-m", "csm_desktop", "import-usage", str(source),
               "--db", team_book_url, "--create-accounts"]  # fmt: skip
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=300) for p in runs]
    results = [(p.returncode, *output) for p, output in zip(runs, outputs, strict=True)]
    for code, out, err in results:
        assert (code, err) == (0, ""), out
    news = sorted(
        int(out.split("usage events stored (")[1].split(" new")[0].replace(",", ""))
        for _code, out, _err in results
    )
    assert news == [0, ROWS]
    created = [out for _code, out, _err in results if "Created accounts (3)" in out]
    assert len(created) == 1
    with open_team_book(team_book_url) as book, book.session() as session:
        assert session.scalar(select(func.count()).select_from(UsageEvent)) == ROWS
        assert session.scalar(select(func.sum(UsageEvent.count))) == 18_000
        assert session.scalars(select(Account.name).order_by(Account.name)).all() == [
            "Team 0",
            "Team 1",
            "Team 2",
        ]
        assert session.scalar(select(func.count()).select_from(ImportRecord)) == 2
