"""A team server's refusals are explained in one line, never a traceback (issue 16).

Every failure here is real, on the test cluster: two sessions (two windows) creating the
same kickoff, value metric or account at the same moment; two transactions locking two rows
in opposite order (a deadlock the server breaks); a role without the right, or row-level
security, refusing a write; a database set read-only. Each becomes the one line
``store.failures.user_error_for`` gives for its SQLSTATE, nothing of the refused change is
stored, and the user's edit can be saved again.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from csm_desktop.errors import (
    AlreadyCreated,
    BadInput,
    ChangeUncertain,
    ConflictError,
    DatabaseLocked,
    DatabaseReadOnly,
    NotPermitted,
    ServerBusy,
)
from csm_desktop.services import account_edits, value_metrics
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import open_team_book
from csm_desktop.store.database import Database
from csm_desktop.store.failures import user_error_for
from csm_desktop.store.models import Account, Kickoff, ValueMetric
from csm_desktop.store.row_security import row_level_security_sql
from csm_desktop.store.server import data_role_grants, safe_text

pytestmark = pytest.mark.postgresql

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def two_windows(team_book_url: str) -> Iterator[tuple[Database, Database]]:
    """The demo book on the server, opened twice: two CSMs' windows (two engines, two pools)."""
    with open_team_book(team_book_url) as first:
        create_demo_book(first, today=TODAY)
        with open_team_book(team_book_url) as second:
            yield first, second


@contextmanager
def just_before(book: Database, statement: str, other: Callable[[], object]) -> Iterator[None]:
    """Run ``other`` (a whole save in the other window, committed) just before ``book`` sends
    its first statement starting with ``statement``: after ``book`` read the row was not there,
    before it writes it. Asserts it happened."""
    ran: list[bool] = []

    def before(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().startswith(statement) and not ran:
            ran.append(True)
            other()

    event.listen(book.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(book.engine, "before_cursor_execute", before)
    assert ran, f"no {statement} was sent"


def new_account(book: Database, name: str = "Kestrel Labs") -> tuple[int, str]:
    """An account without a kickoff or value metrics yet (every demo account has a kickoff)."""
    fields = account_edits.AccountFields(name=name)
    return account_edits.create_account(book, fields, playbook_id=None), name


def test_two_csms_creating_the_same_kickoff_the_second_is_told_and_keeps_the_edit(
    two_windows: tuple[Database, Database],
) -> None:
    """Both windows showed the account without a kickoff (seen 0). Maya's kickoff is stored
    while Jonas's save is between its read and its first write. A kickoff's save also moves
    its account's version (one UPDATE of the account before the INSERT), so his is refused
    there, by the account's version, before the unique constraint on kickoff.account_id is
    reached: a ConflictError naming her, one line, carrying her kickoff's version (it carried
    none, so the dialog's next OK was refused once more). Maya's attendees are stored, not
    his; his edit saved again over that version replaces hers."""
    maya, jonas = two_windows
    account_id, _name = new_account(maya)
    hers = account_edits.KickoffFields(held_on=None, attendees="Maya, the CFO")
    his = account_edits.KickoffFields(held_on=None, attendees="Jonas, the CTO")
    with (
        pytest.raises(ConflictError) as refused,
        just_before(
            jonas,
            "UPDATE account",
            lambda: account_edits.save_kickoff(maya, account_id, hers, seen=0),
        ),
    ):
        account_edits.save_kickoff(jonas, account_id, his, seen=0)
    # Both windows sign in as the one role here, so the refusal says it was "you".
    assert str(refused.value).startswith(
        "The kickoff of Kestrel Labs was changed by you (postgres)"
    )
    assert str(refused.value).endswith(" — reload to see it.")
    with jonas.session() as session:
        kickoffs = session.scalars(select(Kickoff).where(Kickoff.account_id == account_id)).all()
        assert [k.attendees for k in kickoffs] == ["Maya, the CFO"]
        shown = kickoffs[0].version
    assert refused.value.version == shown  # the dialog's next OK is over her kickoff
    account_edits.save_kickoff(jonas, account_id, his, seen=shown)
    with jonas.session() as session:
        kickoff = session.scalars(select(Kickoff).where(Kickoff.account_id == account_id)).one()
        assert kickoff.attendees == "Jonas, the CTO"


def test_two_csms_adding_the_same_named_value_metric_the_second_is_told(
    two_windows: tuple[Database, Database],
) -> None:
    """Both add "Hours on reporting" to the same account at the same moment: Maya's is
    stored, Jonas's INSERT hits (account_id, name) and reads "A value metric of that name on
    this account was just created by someone else — reload to see it."; the account has one
    such metric, Maya's (unit "h"), and no value-metric event of Jonas's. His save again
    (after the reload) is the service's own clear refusal, not a traceback."""
    maya, jonas = two_windows
    account_id, name = new_account(maya)
    hers = value_metrics.MetricSnapshot(name="Hours on reporting", unit="h")
    his = value_metrics.MetricSnapshot(name="Hours on reporting", unit="hours")
    with (
        pytest.raises(AlreadyCreated) as refused,
        just_before(
            jonas,
            "INSERT INTO value_metric",
            lambda: value_metrics.save_metric(maya, account_id, hers, on=TODAY),
        ),
    ):
        value_metrics.save_metric(jonas, account_id, his, on=TODAY)
    assert str(refused.value) == (
        "A value metric of that name on this account was just created by someone else — "
        "reload to see it."
    )
    with jonas.session() as session:
        stored = session.scalars(
            select(ValueMetric).where(ValueMetric.account_id == account_id)
        ).all()
        assert [(m.name, m.unit) for m in stored] == [("Hours on reporting", "h")]
    with pytest.raises(Exception, match=f"{name} already has a value metric named"):
        value_metrics.save_metric(jonas, account_id, his, on=TODAY)


def test_two_csms_creating_an_account_of_the_same_name_the_second_is_told(
    two_windows: tuple[Database, Database],
) -> None:
    """Both create "Borealis Freight" (not in the demo): Jonas's INSERT comes second and
    reads "An account of that name was just created by someone else — reload to see it.";
    one such account exists."""
    maya, jonas = two_windows
    fields = account_edits.AccountFields(name="Borealis Freight")
    with (
        pytest.raises(AlreadyCreated, match=r"^An account of that name was just created") as e,
        just_before(
            jonas,
            "INSERT INTO account",
            lambda: account_edits.create_account(maya, fields, playbook_id=None),
        ),
    ):
        account_edits.create_account(jonas, fields, playbook_id=None)
    assert "\n" not in str(e.value)
    with jonas.session() as session:
        named = session.scalars(select(Account).where(Account.name == "Borealis Freight"))
        assert len(named.all()) == 1


# ------------------------------------------------------------------ a deadlock, broken


def test_a_deadlock_with_a_colleagues_transaction_is_one_line_and_stores_nothing(
    two_windows: tuple[Database, Database], team_book_url: str
) -> None:
    """A colleague's transaction holds account A and then wants account B; the window's
    save holds B (taken in its transaction just before its UPDATE) and wants A. The server
    finds the deadlock after the window's deadlock_timeout (100 ms; the colleague's is 60 s,
    so the window is the one stopped) and rolls the window's save back: "The team server …
    was busy with a colleague's change to the same rows at the same moment: nothing was
    saved. Try again." The segment is unchanged; the colleague's update goes through; the
    same save again stores it."""
    book, _other = two_windows
    with book.session() as session:
        first, second = session.scalars(select(Account).order_by(Account.id).limit(2)).all()
        a_id, b_id, segment = first.id, second.id, first.segment
    fields = account_edits.AccountFields(
        name=first.name, external_id=first.external_id, segment="Deadlocked",
        industry=first.industry, seats=first.seats, arr=first.arr, owner=first.owner,
        signed_on=first.signed_on, renewal_on=first.renewal_on,
    )  # fmt: skip
    colleague = create_engine(team_book_url, poolclass=NullPool)
    held = colleague.connect()
    held.begin()
    held.execute(text("SET LOCAL deadlock_timeout = '60s'"))
    held.execute(text(f"SELECT id FROM account WHERE id = {a_id} FOR UPDATE"))
    waiting = threading.Thread(
        target=lambda: held.execute(text(f"UPDATE account SET arr = arr WHERE id = {b_id}"))
    )

    def hold_b_then_let_the_colleague_wait(conn: Any, _c: Any, sql: str, *_a: Any) -> None:
        if not sql.startswith("UPDATE account") or waiting.is_alive():
            return
        raw = conn.connection.dbapi_connection
        raw.execute("SET LOCAL deadlock_timeout = '100ms'")
        raw.execute(f"SELECT id FROM account WHERE id = {b_id} FOR UPDATE")
        waiting.start()
        wait_until_blocked(colleague, held)

    event.listen(book.engine, "before_cursor_execute", hold_b_then_let_the_colleague_wait)
    try:
        with pytest.raises(ServerBusy) as busy:
            account_edits.update_account(book, a_id, fields)
    finally:
        event.remove(book.engine, "before_cursor_execute", hold_b_then_let_the_colleague_wait)
        waiting.join(30)
        held.commit()
        held.close()
        colleague.dispose()
    assert str(busy.value) == (
        f"The team server {book.where} was busy with a colleague's change to the same rows at "
        "the same moment: nothing was saved. Try again."
    )
    with book.session() as session:
        assert session.get(Account, a_id).segment == segment  # type: ignore[union-attr]
    account_edits.update_account(book, a_id, fields)
    with book.session() as session:
        assert session.get(Account, a_id).segment == "Deadlocked"  # type: ignore[union-attr]


def wait_until_blocked(engine: Engine, held: Any, timeout: float = 10) -> None:
    """Until the colleague's connection waits for a row lock."""
    pid = held.connection.dbapi_connection.info.backend_pid
    deadline = time.monotonic() + timeout
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            state = watcher.scalar(
                text(f"SELECT wait_event_type FROM pg_stat_activity WHERE pid = {pid}")
            )
            if state == "Lock":
                return
            time.sleep(0.01)
    raise AssertionError("the colleague's update never waited")


# -------------------------------------------------------------- rights and read-only


@pytest.fixture
def data_role(team_book_url: str) -> Iterator[str]:
    """The demo book, and its URL signed in as ``csm_plain``, a CSM's role with the grants
    of docs/team_mode.md (rows yes, schema no)."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
    admin = create_engine(team_book_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(
            "DO $$ BEGIN CREATE ROLE csm_plain LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ))  # fmt: skip
        for statement in data_role_grants("csm_plain"):
            connection.execute(text(statement))
    admin.dispose()
    yield make_url(team_book_url).set(username="csm_plain").render_as_string(False)


def test_a_write_the_role_may_not_make_is_refused_in_one_line(data_role: str) -> None:
    """The CSM's role may not write ``team_member`` (only the team lead names people): the
    server's "permission denied for table team_member" (42501) becomes NotPermitted, naming
    the server's words, and nothing is stored."""
    with open_team_book(data_role) as book:
        with pytest.raises(NotPermitted) as refused, book.session() as session:
            session.execute(text("INSERT INTO team_member (role, name) VALUES ('x', 'X')"))
        assert str(refused.value) == (
            f"The team server {book.where} refused this change: your sign-in may not make it "
            "(permission denied for table team_member). Nothing was saved; ask your team "
            "lead or the schema owner."
        )
        with book.session() as session:
            assert session.scalar(text("SELECT count(*) FROM team_member")) == 0


def test_a_server_that_only_reads_says_so(team_book_url: str) -> None:
    """The database set read-only (as a hot standby is): an account save is refused with the
    read-only line (25006) and nothing changes."""
    admin = create_engine(team_book_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
    database = make_url(team_book_url).database
    read_only = f'ALTER DATABASE "{database}" SET default_transaction_read_only'
    with admin.connect() as connection:
        connection.execute(text(f"{read_only} = on"))
    try:
        with open_team_book(team_book_url) as book:
            with book.session() as session:
                account = session.scalars(select(Account).order_by(Account.id)).first()
                assert account is not None
            fields = account_edits.AccountFields(name=account.name + " (renamed)")
            with pytest.raises(DatabaseReadOnly) as refused:
                account_edits.update_account(book, account.id, fields)
            assert str(refused.value) == (
                f"The team server {book.where} only reads right now (a read-only standby, or "
                "the database is set read-only): nothing was saved. Try again later, or ask "
                "your admin which server takes changes."
            )
    finally:
        with admin.connect() as connection:
            connection.execute(text("SET default_transaction_read_only = off"))
            connection.execute(text(f"{read_only} = DEFAULT"))
        admin.dispose()


def test_a_change_stopped_by_the_servers_time_limit_says_so_and_stores_nothing(
    team_book_url: str,
) -> None:
    """The server's statement_timeout (an admin's limit) cancels a save that waits on a
    colleague's lock (57014): one line saying so, and the account keeps its name."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
        with book.session() as session:
            account = session.scalars(select(Account).order_by(Account.id)).first()
            assert account is not None
        colleague = create_engine(team_book_url, poolclass=NullPool)
        with colleague.connect() as holding:
            holding.execute(text("UPDATE account SET segment = segment WHERE id = :id"),
                            {"id": account.id})  # fmt: skip
            with pytest.raises(ServerBusy) as stopped, book.session() as session:
                session.execute(text("SET LOCAL statement_timeout = '200ms'"))
                session.execute(
                    text("UPDATE account SET name = 'Renamed' WHERE id = :id"), {"id": account.id}
                )
            holding.rollback()
        colleague.dispose()
        assert str(stopped.value) == (
            f"The team server {book.where} stopped this work before it finished (it ran past "
            "the server's time limit, or an admin cancelled it): nothing was saved. Try again; "
            "tell your admin if it keeps happening."
        )
        with book.session() as session:
            assert session.get(Account, account.id).name == account.name  # type: ignore[union-attr]


def test_a_server_error_that_mentions_locked_is_not_a_locked_book_file(team_book_url: str) -> None:
    """A PostgreSQL error whose text says "locked" and "busy" (here one raised by a function,
    SQLSTATE P0001) is no locked book file: it is not mapped at all (a bug, logged with its
    traceback), where the same words from SQLite are DatabaseLocked."""
    with open_team_book(team_book_url) as book:
        with pytest.raises(DBAPIError) as raised, book.session() as session:
            session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'Locked accounts are busy'; END $$"))
        assert user_error_for(raised.value, book.where) is None
    import sqlite3

    assert isinstance(
        user_error_for(sqlite3.OperationalError("database is locked"), "b.sqlite3"),
        DatabaseLocked,
    )


# ------------------------------------------------------- a connection lost while committing


class CutAfterCommit:
    """A TCP relay between the app and the test cluster that, once armed, passes the
    client's COMMIT to the server, lets the server carry it out, and then cuts the
    connection before the answer gets back: the change is stored, the app never hears so."""

    def __init__(self, port: int) -> None:
        self.server_port = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = self.dropping = False
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.server_port))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                committing = upstream and self.armed and b"COMMIT" in data
                if committing:
                    self.armed, self.dropping = False, True  # no answer gets back from here
                if not upstream and self.dropping:
                    continue
                target.sendall(data)
                if committing:
                    time.sleep(0.5)  # the server commits
                    self.cuts += 1
                    return
        except OSError:
            pass
        finally:
            for end in (source, target):
                end.close()
            if upstream and self.dropping:
                self.dropping = False

    def close(self) -> None:
        self.listener.close()


@contextmanager
def cut_after_commit(url: str) -> Iterator[tuple[CutAfterCommit, URL]]:
    """A ``CutAfterCommit`` relay in front of the server at ``url``, and the address that
    goes through it; the relay is closed afterwards."""
    direct = make_url(url)
    relay = CutAfterCommit(direct.port or 5432)
    try:
        yield relay, direct.set(port=relay.port, query={"sslmode": "disable"})
    finally:
        relay.close()


def test_a_connection_cut_during_commit_says_the_change_may_have_been_stored(
    team_book_url: str,
) -> None:
    """The window saves an account's segment; its COMMIT reaches the server, which stores
    it, and the connection is cut before the answer comes back. The app cannot know whether
    it was stored, and says exactly that: "The connection to the team server … broke while
    saving: the change may or may not have been stored. Reload to check before trying
    again; the app reconnects." (ChangeUncertain). Here it was stored: the reload shows the
    new segment, and the next save (a fresh connection) works."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
        with book.session() as session:
            account = session.scalars(select(Account).order_by(Account.id)).first()
            assert account is not None
    with (
        cut_after_commit(team_book_url) as (relay, relayed),
        open_team_book(relayed.render_as_string(False)) as book,
    ):
        fields = account_edits.AccountFields(
            name=account.name, external_id=account.external_id, segment="Committed?",
            owner=account.owner, signed_on=account.signed_on,
        )  # fmt: skip
        relay.armed = True
        with pytest.raises(ChangeUncertain) as uncertain:
            account_edits.update_account(book, account.id, fields)
        assert relay.cuts == 1
        assert str(uncertain.value) == (
            f"The connection to the team server {book.where} broke while saving: the "
            "change may or may not have been stored. Reload to check before trying "
            "again; the app reconnects."
        )
        with book.session() as session:
            stored = session.get(Account, account.id)
            assert stored is not None and stored.segment == "Committed?"
        account_edits.update_account(book, account.id, replace(fields, segment="After"))
    with open_team_book(team_book_url) as book, book.session() as session:
        assert session.get(Account, account.id).segment == "After"  # type: ignore[union-attr]


# ------------------------------------- publish, take-offline, admin upgrade: cut mid-way


def start(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "csm_desktop", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextmanager
def table_locked(url: str, table: str, mode: str) -> Iterator[Any]:
    """``table`` locked in ``mode`` by the test's own transaction until the block ends, so
    the command under test stops there, mid-way, waiting; yields a second connection to
    watch from (outside that transaction, whose view of pg_stat_activity would stand still)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as holder, engine.connect() as watcher:
        watcher.execution_options(isolation_level="AUTOCOMMIT")
        holder.execute(text(f'LOCK TABLE "{table}" IN {mode} MODE'))
        try:
            yield watcher
        finally:
            holder.rollback()
    engine.dispose()


def cut_when_waiting(watcher: Any, process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Terminate the command's server connection once it waits for the test's lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        pid = watcher.scalar(text(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'csm-desktop' "
            "AND wait_event_type = 'Lock'"
        ))  # fmt: skip
        if pid is not None:
            assert watcher.scalar(text(f"SELECT pg_terminate_backend({pid}, 5000)"))
            return
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the command never waited for the lock")


def lost_line(where: str) -> list[str]:
    return [
        f"error: The connection to the team server {where} was lost (the server restarted or "
        "the network dropped): this change was not saved. Try again; the app reconnects."
    ]


def test_publish_cut_off_mid_way_is_one_line_and_leaves_the_team_database_empty(
    team_book_url: str, demo_copy: Callable[[dt.date], Path]
) -> None:
    """Publishing the demo book stops at usage_event (the test holds a SHARE lock: reads
    pass, writes wait), after the accounts and milestones were copied in its transaction;
    its connection is cut. Exit 2, one line, and the team database has 0 accounts. The
    same command again publishes the 48 accounts."""
    source = demo_copy(TODAY)
    with table_locked(team_book_url, "usage_event", "SHARE") as watcher:
        process = start("publish", str(source), "--to", team_book_url)
        cut_when_waiting(watcher, process)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out) == (2, ""), err
    assert err.splitlines() == lost_line(team_book_url)
    with create_engine(team_book_url, poolclass=NullPool).connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM account")) == 0
    again = start("publish", str(source), "--to", team_book_url)
    out, err = again.communicate(timeout=300)
    assert (again.returncode, err) == (0, ""), out
    assert "48 accounts" in out


def test_take_offline_cut_off_mid_way_is_one_line_and_writes_no_file(
    team_book_url: str, tmp_path: Path
) -> None:
    """Taking Maya Chen's accounts offline stops at usage_event (the test holds an ACCESS
    EXCLUSIVE lock: even reads wait), after the accounts were written to the partial file;
    its connection is cut. Exit 2, one line, and neither flight.sqlite3 nor any partial file
    is left in the folder."""
    from csm_desktop.cli import main

    assert main(["demo", "--db", team_book_url, "--today", TODAY.isoformat()]) == 0
    target = tmp_path / "flight.sqlite3"
    with table_locked(team_book_url, "usage_event", "ACCESS EXCLUSIVE") as watcher:
        process = start(
            "take-offline", "--db", team_book_url, "--owner", "Maya Chen", "-o", str(target)
        )
        cut_when_waiting(watcher, process)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out) == (2, ""), err
    assert err.splitlines() == lost_line(team_book_url)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_admin_upgrade_cut_off_mid_way_is_one_line_and_leaves_the_schema_as_it_was(
    pg_url: str,
) -> None:
    """A team database at schema 0006 is upgraded; the upgrade stops at its first change to
    the account table (the test holds an ACCESS EXCLUSIVE lock) and its connection is cut.
    Exit 2, one line; the schema is still 0006 (one transaction). Run again: it upgrades."""
    from alembic import command
    from alembic.config import Config

    from csm_desktop.store.database import MIGRATIONS_DIR
    from csm_desktop.store.schema import SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(pg_url, poolclass=NullPool)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    with table_locked(pg_url, "account", "ACCESS EXCLUSIVE") as watcher:
        process = start("admin", "upgrade", "--db", pg_url)
        cut_when_waiting(watcher, process)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out) == (2, ""), err
    assert err.splitlines() == lost_line(pg_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0006"
    engine.dispose()
    again = start("admin", "upgrade", "--db", pg_url)
    out, err = again.communicate(timeout=300)
    assert (again.returncode, err) == (0, ""), out
    assert out == f"The team book's schema went from 0006 to {SCHEMA_HEAD}.\n"


def test_admin_upgrade_cut_while_committing_says_it_may_have_been_applied(pg_url: str) -> None:
    """An empty team database is upgraded through a relay that lets the server commit the
    upgrade and cuts the connection before the answer: the upgrade says it may or may not
    have been applied (not "nothing was saved"), and asking again shows it was."""
    from csm_desktop.store.schema import SCHEMA_HEAD
    from csm_desktop.store.server import server_engine, server_revision, upgrade_server

    with cut_after_commit(pg_url) as (relay, relayed):
        relay.armed = True
        with pytest.raises(ChangeUncertain) as uncertain:
            upgrade_server(relayed)
        assert relay.cuts == 1
    assert str(uncertain.value) == (
        f"The connection to the team server {safe_text(relayed)} broke while the upgrade to "
        f"schema {SCHEMA_HEAD} was being committed: it may or may not have been applied. Run "
        "the upgrade again: it says which schema the server is at."
    )
    engine = server_engine(make_url(pg_url))
    try:
        assert server_revision(engine) == SCHEMA_HEAD
    finally:
        engine.dispose()
    assert upgrade_server(make_url(pg_url)) == (SCHEMA_HEAD, SCHEMA_HEAD)


def test_publish_cut_while_committing_says_it_may_have_been_stored(
    team_book_url: str, demo_copy: Callable[[dt.date], Path]
) -> None:
    """Publishing the demo book through a relay armed once the copy has begun: the server
    commits the copy and the connection is cut before the answer. Publish says the copy may
    or may not have been stored; it was (48 accounts), and publishing again refuses."""
    from csm_desktop.services.progress import progress_of
    from csm_desktop.services.team_transfer import publish_book

    with cut_after_commit(team_book_url) as (relay, relayed):

        def arm(_done: int, _total: int, _text: str) -> None:
            relay.armed = relay.armed or not relay.cuts  # inside the copy's transaction

        with pytest.raises(ChangeUncertain) as uncertain:
            publish_book(demo_copy(TODAY), relayed.render_as_string(False), progress_of(arm))
        assert relay.cuts == 1
    assert str(uncertain.value) == (
        f"The connection to the team server {safe_text(relayed)} broke while the copy was "
        "being committed: it may or may not have been stored. Publish again: it says "
        "whether the team database already holds the book."
    )
    with create_engine(team_book_url, poolclass=NullPool).connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM account")) == 48
    with pytest.raises(BadInput):
        publish_book(demo_copy(TODAY), team_book_url)


# ------------------------------------------------ row-level security: another CSM's account


@pytest.fixture
def as_maya(team_book_url: str) -> Iterator[Database]:
    """The demo book with row-level security on (docs/team_mode.md), open as ``maya_rls_e``,
    whom team_member names "Maya Chen" (owner of 16 of the 48 demo accounts)."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
    admin = create_engine(team_book_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(
            "DO $$ BEGIN CREATE ROLE maya_rls_e LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        ))  # fmt: skip
        for statement in [*data_role_grants("maya_rls_e"), *row_level_security_sql()]:
            connection.execute(text(statement))
        connection.execute(
            text("INSERT INTO team_member (role, name) VALUES ('maya_rls_e', 'Maya Chen')")
        )
    admin.dispose()
    maya = make_url(team_book_url).set(username="maya_rls_e").render_as_string(False)
    with open_team_book(maya) as book:
        yield book


def first_account_of(book: Database, owner: str) -> Account:
    with book.session() as session:
        account = session.scalars(
            select(Account).where(Account.owner == owner).order_by(Account.id)
        ).first()
        assert account is not None
        return account


def test_saving_another_csms_account_under_row_security_says_whose_it_is(
    as_maya: Database,
) -> None:
    """Signed in as Maya Chen, with row-level security on, she edits an account of Jonas
    Keller's: the server's UPDATE matches no row (she may not write it), and nobody changed
    it, so it is no conflict: "“<name>” is on Jonas Keller's account: row-level security on
    the team server lets you read it but change only the accounts you own. …". Nothing is
    stored; the same edit of one of her own accounts is saved."""
    his = first_account_of(as_maya, "Jonas Keller")
    fields = account_edits.AccountFields(
        name=his.name, external_id=his.external_id, segment="Poached", owner=his.owner,
        signed_on=his.signed_on, renewal_on=his.renewal_on, arr=his.arr, seats=his.seats,
    )  # fmt: skip
    with pytest.raises(NotPermitted) as refused:
        account_edits.update_account(as_maya, his.id, fields, seen=his.version)
    assert str(refused.value) == (
        f"“{his.name}” is on Jonas Keller's account: row-level security on the team server "
        "lets you read it but change only the accounts you own. Nothing was saved; ask its "
        "owner or your team lead."
    )
    with as_maya.session() as session:
        assert session.get(Account, his.id).segment == his.segment  # type: ignore[union-attr]
    hers = first_account_of(as_maya, "Maya Chen")
    mine = replace(fields, name=hers.name, external_id=hers.external_id, owner=hers.owner)
    account_edits.update_account(as_maya, hers.id, mine, seen=hers.version)
    with as_maya.session() as session:
        assert session.get(Account, hers.id).segment == "Poached"  # type: ignore[union-attr]


def test_a_contact_for_another_csms_account_or_handing_hers_over_is_refused(
    as_maya: Database,
) -> None:
    """A contact added to Jonas Keller's account also moves that account's version, an
    UPDATE row-level security turns into none: the "is on Jonas Keller's account" line.
    Handing one of her own accounts to Jonas breaks the policy's WITH CHECK (42501, "new row
    violates row-level security policy"): the server's refusal line. Nothing is stored."""
    his = first_account_of(as_maya, "Jonas Keller")
    with pytest.raises(NotPermitted, match=f"^“{his.name}” is on Jonas Keller's account: "):
        account_edits.add_contact(as_maya, his.id, account_edits.ContactFields(name="Spy"))
    hers = first_account_of(as_maya, "Maya Chen")
    fields = account_edits.AccountFields(
        name=hers.name, external_id=hers.external_id, segment=hers.segment,
        owner="Jonas Keller", signed_on=hers.signed_on, renewal_on=hers.renewal_on,
        arr=hers.arr, seats=hers.seats, industry=hers.industry,
    )  # fmt: skip
    with pytest.raises(NotPermitted) as refused:
        account_edits.update_account(as_maya, hers.id, fields, seen=hers.version)
    assert str(refused.value) == (
        f"The team server {as_maya.where} refused this change: you may change only the "
        "accounts you own (row-level security), not add to or hand over another CSM's. "
        "Nothing was saved; ask the account's owner or your team lead."
    )
    with as_maya.session() as session:
        assert session.get(Account, hers.id).owner == "Maya Chen"  # type: ignore[union-attr]
        assert session.scalar(text("SELECT count(*) FROM contact WHERE name = 'Spy'")) == 0
