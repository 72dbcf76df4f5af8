"""Opening a book on a PostgreSQL server: the refusals, the password, the backup.

The server tests run with ``--backend postgresql``; with it, every test using the ``book``
fixture (tests/store, tests/unit) runs on a server book too (tests/conftest.py).
"""

from __future__ import annotations

import socket
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.engine import make_url

from csm_desktop.errors import DatabaseReadOnly, DatabaseUnreadable, UserError
from csm_desktop.services.backups import back_up_now
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account
from csm_desktop.store.server import (
    keyring_name,
    open_server_database,
    upgrade_server,
    with_keyring_password,
)


class MemoryKeyring(KeyringBackend):
    """A keychain in memory: the real keyring API, without touching the machine's one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def test_the_password_comes_from_the_keychain_and_never_into_the_address() -> None:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        url = make_url("postgresql+psycopg://maya@db.example.com/team")
        assert keyring_name(url) == "maya@db.example.com:5432/team"
        assert with_keyring_password(url).password is None  # nothing stored: libpq's turn
        memory.set_password("csm-desktop", "maya@db.example.com:5432/team", "s3cret")
        found = with_keyring_password(url)
        assert found.password == "s3cret"
        assert "s3cret" not in str(found)  # SQLAlchemy masks it when shown
        given = make_url("postgresql+psycopg://maya:typed@db.example.com/team")
        assert with_keyring_password(given).password == "typed"  # the URL's own wins
    finally:
        keyring.set_keyring(previous)


def test_an_address_without_a_user_keeps_its_password_under_libpqs_default_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``postgresql+psycopg://db.example.com/team`` signs in as PGUSER (here "ravi"), so its
    keychain entry is ravi's; a service-file address (``?service=team``) is kept by service
    name. Both find the password kept for them."""
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    monkeypatch.setenv("PGUSER", "ravi")
    try:
        plain = make_url("postgresql+psycopg://db.example.com/team")
        service = make_url("postgresql+psycopg:///?service=team")
        assert keyring_name(plain) == "ravi@db.example.com:5432/team"
        assert keyring_name(service) == "ravi@service:team"
        memory.set_password("csm-desktop", "ravi@db.example.com:5432/team", "one")
        memory.set_password("csm-desktop", "ravi@service:team", "two")
        assert with_keyring_password(plain).password == "one"
        assert with_keyring_password(service).password == "two"
    finally:
        keyring.set_keyring(previous)


def test_an_unreachable_server_is_one_line_naming_it_without_password() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DatabaseUnreadable) as raised:
        open_server_database(f"postgresql+psycopg://maya:s3cret@127.0.0.1:{port}/team")
    message = str(raised.value)
    assert message.startswith("Cannot connect to the team server postgresql+psycopg://maya@")
    assert "s3cret" not in message and "\n" not in message


@pytest.mark.postgresql
def test_a_database_without_the_schema_asks_for_the_admin_upgrade(pg_url: str) -> None:
    with pytest.raises(DatabaseReadOnly) as raised:
        open_server_database(pg_url)
    assert "holds no book yet" in str(raised.value)
    assert f"csm-desktop admin upgrade --db {pg_url}" in str(raised.value)
    upgrade_server(make_url(pg_url))
    database = open_server_database(pg_url)
    try:
        assert database.on_server and database.path is None
        assert database.where == pg_url
        assert database.name == pg_url.rsplit("/", 1)[-1]
        with pytest.raises(UserError, match="on a team server and has no file here"):
            database.file_path  # noqa: B018 - the property refuses
    finally:
        database.close()


@pytest.mark.postgresql
def test_back_up_now_on_a_server_writes_the_book_workbook(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --backend postgresql ``book`` is a server book: its backup is the workbook."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with book.session() as session:
        session.add(Account(name="Acme"))
    made = back_up_now(book)
    assert made.parent == tmp_path / "data" / "csm-desktop" / "server-backups"
    assert made.suffix == ".xlsx" and made.name.startswith(f"{book.name}-")
    sheet = load_workbook(made, read_only=True).worksheets[0]
    assert any("Acme" in [str(v) for v in row] for row in sheet.iter_rows(values_only=True))


def test_the_address_kept_and_shown_has_no_password_not_even_masked() -> None:
    """A masked ``maya:***@`` remembered in the settings would be read back as the password
    "***" at the next start (and the keychain never asked): the password is dropped."""
    from csm_desktop.store.server import safe_text, server_url

    shown = safe_text(make_url("postgresql+psycopg://maya:s3cret@db.example.com:5432/team"))
    assert shown == "postgresql+psycopg://maya@db.example.com:5432/team"
    assert server_url(shown).password is None


@pytest.mark.postgresql
def test_the_apps_server_connections_name_it_and_do_not_jit_compile(team_book_url: str) -> None:
    """Every connection of a team book says it is csm-desktop (pg_stat_activity) and has
    JIT compiling off (it cost the 50,000-account metrics 0.1 s of server time); options the
    address gives (here a statement timeout) still apply."""
    book = open_server_database(f"{team_book_url}?options=-c%20statement_timeout%3D12345")
    try:
        with book.session() as session:
            assert session.execute(text("SHOW jit")).scalar() == "off"
            assert session.execute(text("SHOW application_name")).scalar() == "csm-desktop"
            assert session.execute(text("SHOW statement_timeout")).scalar() == "12345ms"
    finally:
        book.close()
