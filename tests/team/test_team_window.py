"""The window on a team server's book: File → Connect to team server…, the password prompt,
start-up with ``--db URL``, and what the File menu says on a server.

Driven with qtbot against the test cluster. A CSM who must give a password is a role in
the group ``password_login``, which the cluster's pg_hba.conf asks for a SCRAM password
(tests/pg_cluster.py); every other role is trusted on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from csm_desktop.services import book as book_service
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.opening import book_is_free, open_team_book
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.server import data_role_grants
from csm_desktop.ui import workers
from csm_desktop.ui.controllers.team_server import LAST_ADDRESS, open_at_start
from csm_desktop.ui.main_window import MainWindow
from tests.pg_cluster import PASSWORD_GROUP
from tests.team.test_server_book import MemoryKeyring
from tests.ui.conftest import MessageBoxes, message_boxes  # noqa: F401 (autouse guard)

# A dialog over a shown window makes the offscreen plugin say it cannot pass size hints on.
pytestmark = [pytest.mark.postgresql, pytest.mark.qt_log_ignore("propagateSizeHints")]

TODAY = dt.date(2026, 11, 26)
PASSWORD = "correct horse"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def team_demo(team_book_url: str) -> str:
    """A server book holding the demo book (48 accounts, 2 of them archived)."""
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
    return team_book_url


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


def signing_in_as(url: str, role: str, *, password: bool = True) -> str:
    """``url`` for a new role with a CSM's rights on the book, which must give PASSWORD
    (else it is trusted, as every role of the test cluster is). Roles belong to the whole
    cluster, which the tests of one process share: each test uses a name of its own."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(
                f"DO $$ BEGIN CREATE ROLE {PASSWORD_GROUP}; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            ))  # fmt: skip
            group = f"IN ROLE {PASSWORD_GROUP}" if password else ""
            connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}' {group}"))
            for statement in data_role_grants(role):
                connection.execute(text(statement))
    finally:
        admin.dispose()
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def file_window(qtbot, tmp_path: Path, settings: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(open_database(tmp_path / "mine.sqlite3"), today=lambda: TODAY,
                        settings=settings)  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    return window


def showing_the_team_book(window: MainWindow) -> bool:
    """The server's book with its rows on show: all of them (the first screenful comes
    first, then the rest)."""
    return (
        window.database.on_server and not window.loading and window.book_view.model.rowCount() > 0
    )


def test_connect_to_team_server_opens_the_team_book_in_the_window(
    qtbot, team_demo: str, tmp_path: Path, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    """The dialog's pasted address opens the server's demo book: its 46 active accounts, the
    title and status bar name the server, the file book is closed and its lock released,
    and the settings keep the address (with no password: there is none anyway)."""
    window = file_window(qtbot, tmp_path, settings)
    file_book = window.database.path
    window.team_server.connect()
    dialog = window.team_server.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.url.setText(team_demo)
    dialog.accept()
    qtbot.waitUntil(lambda: showing_the_team_book(window), timeout=30000)
    name = make_url(team_demo).database
    assert window.windowTitle() == f"CSM Desktop — {name} on the team server"
    assert window.path_label.text() == team_demo
    assert window.book_view.model.rowCount() == 46
    assert settings.value("book/last_path") == team_demo
    assert settings.value(LAST_ADDRESS) == team_demo
    assert file_book is not None and book_is_free(file_book)
    # Signed in as postgres, who owns no account: the whole team, and no Mine/Team button.
    assert window.book_view.owner_filter.currentText() == "All"
    assert not window.my_accounts.button.isVisible()
    workers.wait_all()
    window.database.close()


def test_the_book_and_today_open_on_my_accounts_with_the_team_one_click_away(
    qtbot, team_demo: str, settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    """Signed in as maya_chen, the owner "Maya Chen": the demo gives 16 of its 46 active
    accounts to her. Book and Today open on hers; the button shows the team's 46 and back."""
    database = open_at_start(signing_in_as(team_demo, "maya_chen", password=False))
    assert database is not None
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    book, today = window.book_view, window.today_view
    qtbot.waitUntil(lambda: today.owner_filter.currentText() == "Maya Chen", timeout=30000)
    qtbot.waitUntil(lambda: book.owner_filter.currentText() == "Maya Chen", timeout=30000)
    assert book.model.rowCount() == 16
    assert {today.model.row_at(r).nudge.owner for r in range(today.model.rowCount())} == {
        "Maya Chen"
    }
    button = window.my_accounts.button
    assert button.isVisible() and button.text() == "My accounts (Maya Chen) · Show the team"
    button.click()
    assert (book.owner_filter.currentText(), today.owner_filter.currentText()) == (
        "All",
        "Everyone",
    )
    assert book.model.rowCount() == 46
    assert button.text() == "The team · Show only mine (Maya Chen)"
    window.refresh()  # the team stays on show after a reload: the CSM chose it
    qtbot.waitUntil(lambda: not window.loading, timeout=30000)
    assert book.owner_filter.currentText() == "All"
    button.click()
    assert book.model.rowCount() == 16
    workers.wait_all()
    window.database.close()


def test_the_dialog_says_what_is_missing_and_stays_open(
    qtbot, tmp_path: Path, settings: QSettings, team_book_url: str
) -> None:  # type: ignore[no-untyped-def]
    window = file_window(qtbot, tmp_path, settings)
    window.team_server.connect()
    dialog = window.team_server.dialog
    assert dialog is not None
    dialog.host.setText("db.example.com")
    dialog.user.setText("")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.problem.text() == "Give the database and the user of the team book."
    dialog.url.setText("/home/maya/book.sqlite3")
    dialog.accept()
    assert dialog.isVisible()
    assert "is not a team server's address" in dialog.problem.text()
    dialog.reject()
    assert not window.database.on_server
    window.database.close()


def test_a_password_is_asked_for_refused_once_then_kept_in_the_keychain(
    qtbot, team_demo: str, tmp_path: Path, settings: QSettings, memory_keyring: MemoryKeyring
) -> None:  # type: ignore[no-untyped-def]
    """No keychain entry and no ~/.pgpass: the prompt asks; a wrong password is refused and
    asked again; the right one with the box ticked opens the book and is kept in the
    keychain, nowhere else (not in the settings file)."""
    address = signing_in_as(team_demo, "maya_pw")
    port, name = make_url(address).port, make_url(address).database
    window = file_window(qtbot, tmp_path, settings)
    window.team_server.connect()
    dialog = window.team_server.dialog
    assert dialog is not None
    dialog.url.setText(address)
    dialog.remember.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: window.team_server.prompt is not None, timeout=30000)
    prompt = window.team_server.prompt
    assert prompt is not None and prompt.isVisible()
    login = f"maya_pw@127.0.0.1:{port}/{name}"
    assert prompt.remember.isChecked()
    labels = [label.text() for label in prompt.findChildren(QLabel)]
    assert f"The team server asks for the password of {login}." in labels
    prompt.password.setText("wrong")
    prompt.accept()
    qtbot.waitUntil(lambda: window.team_server.prompt is not prompt, timeout=30000)
    again = window.team_server.prompt
    assert again is not None
    labels = [label.text() for label in again.findChildren(QLabel)]
    assert f"The password for {login} was not accepted. Type it again." in labels
    again.password.setText(PASSWORD)
    again.accept()
    qtbot.waitUntil(lambda: showing_the_team_book(window), timeout=30000)
    assert memory_keyring.entries == {("csm-desktop", login): PASSWORD}
    settings.sync()
    assert PASSWORD not in Path(settings.fileName()).read_text()
    workers.wait_all()
    window.database.close()
    # Next time the keychain answers: no prompt.
    reopened = open_at_start(address, ask=lambda exc, remember: pytest.fail("asked again"))
    assert reopened is not None and reopened.on_server
    reopened.close()


def test_restore_on_a_server_book_points_to_the_server_backups(
    qtbot,
    team_demo: str,
    settings: QSettings,
    message_boxes: MessageBoxes,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    database = open_at_start(team_demo)
    assert isinstance(database, Database)
    window = MainWindow(database, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=20000)
    window.files.restore_backup()
    assert message_boxes.shown[-1][2].startswith(f"The team book on {team_demo} is backed up")
    workers.wait_all()
    window.database.close()


def test_csm_desktop_db_url_opens_the_window_on_the_server(team_demo: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
               "XDG_CONFIG_HOME": str(home / "c"), "XDG_DATA_HOME": str(home / "d")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "csm_desktop", "--db", team_demo, "--start-check"],
        capture_output=True, text=True, timeout=120, env=environ, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    name = make_url(team_demo).database
    assert done.stdout == (
        f"window opened on platform offscreen: CSM Desktop — {name} on the team server\n"
    )
    assert not list((home / "d").rglob("*.sqlite3"))  # no file book made, no daily copy


def test_a_server_that_does_not_answer_is_one_message_at_start(
    message_boxes: MessageBoxes,  # noqa: F811
) -> None:
    """Nothing listens on port 1: the start-up says so once (no password in it) and gives
    no book, so ``csm-desktop --db URL`` exits 2 (a remembered server falls back to the
    default book file)."""
    assert open_at_start("postgresql+psycopg://maya:s3cret@127.0.0.1:1/team") is None
    [(kind, title, message)] = message_boxes.shown
    assert (kind, title) == ("warning", "Connecting to the team server")
    assert message.startswith("Cannot connect to the team server postgresql+psycopg://maya@")
    assert "s3cret" not in message


def test_my_accounts_is_decided_on_every_row_not_the_first_screenful(
    qtbot, team_demo: str, tmp_path: Path, settings: QSettings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Connecting from the dialog shows the Book's first screenful first (here 1 line, as
    60 would be in a big team's book): the signed-in CSM's, "Jonas Keller"'s, first line,
    not the team's (whose first line is someone else's); the Book ends on Jonas Keller's
    accounts once every row is in."""
    monkeypatch.setattr(book_service, "FIRST_SCREENFUL", 1)
    address = signing_in_as(team_demo, "jonas_r13", password=False)
    admin = create_engine(team_demo, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text("INSERT INTO team_member (role, name) VALUES ('jonas_r13', 'Jonas Keller')")
        )
    admin.dispose()
    window = file_window(qtbot, tmp_path, settings)
    book = window.book_view
    first_screenfuls: list[list[str | None]] = []
    book.model.modelReset.connect(
        lambda: (
            first_screenfuls.append([row.owner for row in book.model.rows()])
            if book.model.total() == 1
            else None
        )
    )
    window.team_server.connect()
    dialog = window.team_server.dialog
    assert dialog is not None
    dialog.url.setText(address)
    dialog.accept()
    qtbot.waitUntil(lambda: showing_the_team_book(window), timeout=30000)
    qtbot.waitUntil(lambda: book.owner_filter.currentText() == "Jonas Keller", timeout=10000)
    assert first_screenfuls == [["Jonas Keller"]]
    team_first = book.model.rows()[0]  # every row is in: the team's first line
    assert team_first.owner != "Jonas Keller"
    assert window.my_accounts.button.isVisible()
    workers.wait_all()
    window.database.close()
