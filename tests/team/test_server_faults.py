"""Faults on a real team server (issue 16): the server restarted in the middle of an import,
a connection dropped in the middle of a save.

Each fault is real, on the test cluster: ``pg_terminate_backend`` of the app's own connection
or ``pg_ctl restart -m immediate`` (every connection cut, as in a crash). What must hold: the
book has nothing of the interrupted work (one transaction), the user reads one line (no
traceback) saying what happened and what to do, and the next command, or the next save in
the same session, connects afresh and works.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import ConnectionLost
from csm_desktop.services import account_edits
from csm_desktop.services.opening import open_team_book
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    ImportRecord,
    StatusChange,
    UsageEvent,
)
from tests.pg_cluster import Cluster

pytestmark = pytest.mark.postgresql

ACCOUNTS, DAYS, FEATURES = 4, 400, 40
ROWS = ACCOUNTS * DAYS * FEATURES  # 64,000: the storing takes a few seconds to catch it in
LOST = (
    "error: The connection to the team server {} was lost (the server restarted or the "
    "network dropped): this change was not saved. Try again; the app reconnects."
)


def usage_file(path: Path) -> Path:
    """64,000 rows for four accounts the book does not have yet (--create-accounts)."""
    lines = ["Account,Date,Feature,Count"]
    start = dt.date(2025, 1, 1)
    for day in range(DAYS):
        on = start + dt.timedelta(days=day)
        for feature in range(FEATURES):
            lines.extend(f"Fault {a},{on},feature_{feature},1" for a in range(ACCOUNTS))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def watcher(team_book_url: str) -> Iterator[Engine]:
    """The test's own view of the book's database (no pool: it survives a restart)."""
    engine = create_engine(team_book_url, poolclass=NullPool)
    yield engine
    engine.dispose()


def counts(engine: Engine) -> tuple[int, int, int]:
    """(accounts, usage rows, import records) on the server."""
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.scalar(select(func.count()).select_from(model))
            for model in (Account, UsageEvent, ImportRecord)
        )


STORING = text(
    "SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE c.relname = 'usage_event' AND l.mode = 'RowExclusiveLock' "
    "AND a.application_name = 'csm-desktop'"
)


def storing_backend(engine: Engine, process: subprocess.Popen[str], timeout: float = 120) -> int:
    """The server process of the import's connection once it is writing usage rows (it
    holds a row-exclusive lock on usage_event): the middle of the import's transaction."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        with engine.connect() as connection:
            pid = connection.scalar(STORING)
        if pid is not None:
            return int(pid)
        time.sleep(0.01)
    raise AssertionError("the import never started storing")


def start_import(source: Path, url: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "csm_desktop", "import-usage", str(source),
               "--db", url, "--create-accounts"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def terminate(pid: int) -> Callable[[Engine], None]:
    def cut(engine: Engine) -> None:
        with engine.connect() as connection:  # waits up to 5 s for the backend to exit
            assert connection.scalar(text(f"SELECT pg_terminate_backend({pid}, 5000)"))

    return cut


@pytest.mark.parametrize("fault", ["terminate", "restart"])
def test_an_import_cut_off_by_the_server_stores_nothing_and_the_next_one_works(
    fault: str, team_book_url: str, pg_cluster: Cluster, watcher: Engine, tmp_path: Path
) -> None:
    """The import of 64,000 rows is cut while it writes usage rows: exit 2, one line on
    stderr, and the book still has 0 accounts, 0 usage rows and 0 import records (the four
    accounts it created went with the rest). The same command run again stores all 64,000
    rows and creates the 4 accounts: one record."""
    source = usage_file(tmp_path / "usage.csv")
    process = start_import(source, team_book_url)
    pid = storing_backend(watcher, process)
    if fault == "terminate":
        terminate(pid)(watcher)
    else:
        pg_cluster.restart()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 2, (out, err)
    assert err.splitlines() == [LOST.format(team_book_url)], err
    assert counts(watcher) == (0, 0, 0)

    again = start_import(source, team_book_url)
    out, err = again.communicate(timeout=300)
    assert (again.returncode, err) == (0, ""), out
    assert f"{ROWS:,} usage events stored ({ROWS:,} new" in out
    assert counts(watcher) == (ACCOUNTS, ROWS, 1)


# ------------------------------------------------------------------------------ saves


@pytest.fixture
def team_book(team_book_url: str) -> Iterator[Database]:
    """The demo book on the server, open as a window holds it (one engine, pooled)."""
    from csm_desktop.cli import main

    assert main(["demo", "--db", team_book_url, "--today", "2026-06-30"]) == 0
    with open_team_book(team_book_url) as book:
        yield book


def cut_before_write(book: Database, number: int) -> Callable[[], int]:
    """Terminate the session's own server connection just before its ``number``-th
    statement that writes (INSERT/UPDATE/DELETE), as a dropped network would; the
    statement then fails. Returns a function giving how many cuts happened."""
    cuts: list[int] = []
    seen = [0]
    killer = create_engine(book.engine.url, poolclass=NullPool)

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            return
        seen[0] += 1
        if seen[0] == number and not cuts:
            pid = conn.connection.dbapi_connection.info.backend_pid
            terminate(pid)(killer)
            cuts.append(pid)

    event.listen(book.engine, "before_cursor_execute", before)

    def done() -> int:
        event.remove(book.engine, "before_cursor_execute", before)
        killer.dispose()
        return len(cuts)

    return done


def test_an_account_save_on_a_dropped_connection_fails_in_one_line_and_the_next_works(
    team_book: Database,
) -> None:
    """The connection drops as the account's UPDATE is sent: ConnectionLost with the
    one-line message, the account keeps its segment; the same save again (same session
    factory, the pool reconnects) stores it."""
    with team_book.session() as session:
        account = session.scalars(select(Account).order_by(Account.id)).first()
        assert account is not None
        account_id, segment = account.id, account.segment
    fields = account_edits.AccountFields(
        name=account.name, external_id=account.external_id, segment="Strategic",
        industry=account.industry, seats=account.seats, arr=account.arr, owner=account.owner,
        signed_on=account.signed_on, renewal_on=account.renewal_on,
    )  # fmt: skip
    cuts = cut_before_write(team_book, 1)
    with pytest.raises(ConnectionLost) as lost:
        account_edits.update_account(team_book, account_id, fields)
    assert cuts() == 1
    assert "\n" not in str(lost.value)
    assert str(lost.value) == LOST.format(team_book.where).removeprefix("error: ")
    with team_book.session() as session:
        assert session.get(Account, account_id).segment == segment  # type: ignore[union-attr]
    account_edits.update_account(team_book, account_id, fields)
    with team_book.session() as session:
        assert session.get(Account, account_id).segment == "Strategic"  # type: ignore[union-attr]


def test_a_status_save_cut_between_its_two_writes_leaves_neither(team_book: Database) -> None:
    """Marking a milestone done writes the milestone and a status-change row; the connection
    drops before the second write. Neither is stored: the status and the number of its
    history rows are as before. The retry stores both (one more history row)."""
    with team_book.session() as session:
        milestone = session.scalars(
            select(AccountMilestone)
            .where(AccountMilestone.status != "achieved")
            .order_by(AccountMilestone.id)
        ).first()
        assert milestone is not None
        milestone_id, status = milestone.id, milestone.status

    def history() -> int:
        with team_book.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(StatusChange)
                    .where(StatusChange.milestone_id == milestone_id)
                )
                or 0
            )

    before = history()
    cuts = cut_before_write(team_book, 2)
    with pytest.raises(ConnectionLost):
        account_edits.set_status(team_book, milestone_id, Status.ACHIEVED, on=dt.date(2026, 6, 30))
    assert cuts() == 1
    with team_book.session() as session:
        assert session.get(AccountMilestone, milestone_id).status == status  # type: ignore[union-attr]
    assert history() == before
    account_edits.set_status(team_book, milestone_id, Status.ACHIEVED, on=dt.date(2026, 6, 30))
    with team_book.session() as session:
        assert session.get(AccountMilestone, milestone_id).status == "achieved"  # type: ignore[union-attr]
    assert history() == before + 1
