"""A team book on a PostgreSQL server: telling a URL from a file, schema checks, upgrades.

A file book is migrated by whoever opens it. A server book is shared, so its schema is changed
only on purpose, by a schema-owner role (``csm-desktop admin upgrade --db URL``): the CSMs'
own roles may read and write data but not alter tables. Opening checks the server's
``alembic_version`` against the revisions this app knows, exactly as for a file: a newer
schema is refused with one line, an older one asks for the upgrade.

The password never appears in the URL the app keeps: libpq finds it itself (``PGPASSFILE``,
``~/.pgpass``, a service file) when the URL has none.
"""

from __future__ import annotations

import getpass
import logging
import os
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import sessionmaker

from csm_desktop.errors import (
    BadInput,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnreadable,
    UserError,
)
from csm_desktop.store.database import Database
from csm_desktop.store.failures import one_transaction
from csm_desktop.store.live_changes import remember_own_connections
from csm_desktop.store.schema import SCHEMA_HEAD, SCHEMA_REVISIONS

log = logging.getLogger(__name__)

SERVER_SCHEMES = ("postgresql", "postgresql+psycopg")
CONNECT_TIMEOUT_S = 10
# TCP keepalives: a connection whose network path died without a word (a laptop that slept,
# another Wi-Fi, a dropped VPN) is found broken within about a minute, not the system's two
# hours; the window's change feed, which only ever waits for the server, depends on it.
# tcp_user_timeout: data sent over such a path (a save, a pre-ping) fails after 30 s instead
# of waiting out the system's retransmissions (about 15 minutes).
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
              "keepalives_count": 3, "tcp_user_timeout": 30_000}  # fmt: skip


def is_server_url(text_: str) -> bool:
    """True when ``--db`` names a server (``postgresql…://``), not a file."""
    return text_.strip().lower().startswith(("postgresql://", "postgresql+"))


def server_url(text_: str) -> URL:
    """The parsed URL, always with the psycopg 3 driver; ``BadInput`` when it is not one."""
    try:
        url = make_url(text_.strip())
    except ArgumentError as exc:
        raise BadInput(
            f"{text_!r} is not a server address. Use postgresql+psycopg://user@host:5432/book."
        ) from exc
    if url.drivername not in SERVER_SCHEMES:
        raise BadInput(
            f"{url.drivername} servers are not supported; use postgresql+psycopg://user@host/book."
        )
    if not url.database:
        raise BadInput(f"{safe_text(url)} names no database; add it after the port: …:5432/book.")
    return url.set(drivername="postgresql+psycopg")


def safe_text(url: URL) -> str:
    """The URL without its password, for messages, logs and the address the app remembers.

    The password is dropped, not masked: a masked ``maya:***@`` kept in the settings would
    be read back as the password "***" at the next start, and the keychain never asked.
    """
    return url._replace(password=None).render_as_string(hide_password=False)


def server_engine(url: URL) -> Engine:
    """An engine that checks a pooled connection before use (servers restart; laptops sleep)."""
    engine = create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "csm-desktop",
            **KEEPALIVES,
        },
    )
    remember_own_connections(engine)  # a window does not refresh for its own changes
    event.listen(engine, "connect", _without_jit)
    return engine


def _without_jit(dbapi_connection: Any, _record: Any) -> None:
    """JIT compiling pays off for queries of many seconds; the app's take well under one,
    and compiling them cost 0.1 s of the metrics command at 50,000 accounts. Set on each new
    connection, so ``options`` from the address, a service file or PGOPTIONS still apply."""
    dbapi_connection.autocommit = True  # a setting of the session, outside any transaction
    try:
        dbapi_connection.execute("SET jit = off")
    finally:
        dbapi_connection.autocommit = False


class PasswordNeeded(DatabaseUnreadable):
    """The server asks for a password that neither the address, the keychain nor libpq's
    password file gave, or refused the one given (``wrong``): the window asks for it."""

    def __init__(self, message: str, *, login: str, wrong: bool) -> None:
        super().__init__(message)
        self.login = login
        self.wrong = wrong


# What libpq says when the server wants a password it was not given, or refused it.
_NO_PASSWORD = ("no password supplied",)
_WRONG_PASSWORD = ("password authentication failed",)


def connection_error(exc: DBAPIError, url: URL) -> UserError:
    """One line a CSM can act on for a server that cannot be reached or refuses them."""
    reason = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc) else "?"
    lowered = reason.lower()
    if any(text_ in lowered for text_ in _NO_PASSWORD + _WRONG_PASSWORD):
        wrong = any(text_ in lowered for text_ in _WRONG_PASSWORD) and url.password is not None
        return PasswordNeeded(
            f"The team server {safe_text(url)} "
            + ("did not accept the password" if wrong else "asks for a password")
            + f" of {login_name(url)}: give it (or store it in ~/.pgpass or the system keychain) "
            "and try again.",
            login=keyring_name(url),
            wrong=wrong,
        )
    return DatabaseUnreadable(
        f"Cannot connect to the team server {safe_text(url)}: {reason}. Check the address, "
        "your network and your password, then try again."
    )


def server_revision(engine: Engine) -> str | None:
    """The server's schema revision (None for an empty database); refuses a newer one."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise DatabaseTooNew(
            f"The team server's book was upgraded by a newer CSM Desktop (schema {revision}). "
            "Install the newer version to open it; nothing was changed."
        )
    return str(revision) if revision is not None else None


def upgrade_server(url: URL) -> tuple[str | None, str]:
    """Bring the server's schema to this app's head; ``(from, to)`` revisions.

    Run by the schema-owner role; one transaction (PostgreSQL has transactional DDL), so a
    failed upgrade leaves the schema as it was.
    """
    from alembic import command
    from alembic.config import Config

    from csm_desktop.store.database import MIGRATIONS_DIR

    engine = server_engine(url)
    try:
        try:
            before = server_revision(engine)
        except DBAPIError as exc:  # the server could not be reached, or refused the login
            raise connection_error(exc, url) from exc
        if before != SCHEMA_HEAD:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            # Cut off, or refused (a role that does not own the tables), mid-way: one
            # transaction, so the schema is as it was.
            with one_transaction(
                engine,
                safe_text(url),
                uncertain=(
                    f"The connection to the team server {safe_text(url)} broke while the "
                    f"upgrade to schema {SCHEMA_HEAD} was being committed: it may or may "
                    "not have been applied. Run the upgrade again: it says which schema "
                    "the server is at."
                ),
            ) as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            log.info("Upgraded %s from %s to %s", safe_text(url), before, SCHEMA_HEAD)
    finally:
        engine.dispose()
    return before, SCHEMA_HEAD


def data_role_grants(role: str) -> list[str]:
    """The SQL giving a CSM's role read and write rights on the book, and nothing else.

    Run by the schema owner after ``admin upgrade`` (the docs show it): the role may select,
    insert, update and delete rows and use the id sequences, but owns nothing, so it cannot
    create, alter or drop a table. It may only read ``team_member`` (which names who made
    each change and whose accounts row-level security lets a role write) and the schema
    marker ``alembic_version``: a CSM who could write them could sign changes with another's
    name or stop every window with a false schema version.
    """
    if not role.replace("_", "").isalnum():
        raise BadInput(f"{role!r} is not a plain role name (letters, digits and _ only).")
    return [
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        f'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON team_member, alembic_version FROM "{role}"',
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    ]


KEYRING_SERVICE = "csm-desktop"


def keyring_name(url: URL) -> str:
    """The keychain entry of a server login: ``user@host:port/database``. An address that
    names no user signs in as libpq's default one (``PGUSER``, else the system user name);
    one that names a libpq service (``?service=team``) and no host is ``user@service:team``."""
    user = login_name(url)
    service = url.query.get("service")
    if url.host is None and isinstance(service, str):
        return f"{user}@service:{service}"
    return f"{user}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or user}"


def login_name(url: URL) -> str:
    """Who the address signs in as: its user, else libpq's default (``PGUSER``, else the
    system user name)."""
    return url.username or os.environ.get("PGUSER") or getpass.getuser()


def with_keyring_password(url: URL) -> URL:
    """``url`` with the password the OS keychain holds for it, if the URL has none.

    No keychain (a server without a desktop session) or no entry: the URL is returned as it
    is and libpq looks in ``PGPASSFILE``/``~/.pgpass`` or a service file itself. The password
    only ever lives in the engine, never in anything the app writes.
    """
    if url.password is not None:
        return url
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            password = keyring.get_password(KEYRING_SERVICE, keyring_name(url))
        except KeyringError:
            return url
    except Exception:  # a broken keychain backend must not stop the book from opening
        log.warning("The OS keychain could not be read", exc_info=True)
        return url
    return url if password is None else url.set(password=password)


def remember_password(address: str, password: str) -> None:
    """Keep ``password`` for the login of ``address`` in the OS keychain (never in a file of
    ours); ``UserError`` when there is no usable keychain."""
    url = server_url(address)
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, keyring_name(url), password)
        except KeyringError as exc:
            raise UserError(
                f"The system keychain did not keep the password ({exc}); you will be asked "
                "again next time, or store it in ~/.pgpass."
            ) from exc
    except ImportError as exc:  # pragma: no cover - keyring is a dependency
        raise UserError("No system keychain is available here; use ~/.pgpass.") from exc


def open_server_database(address: str, password: str | None = None) -> Database:
    """The team book at ``address`` (``postgresql+psycopg://user@host/db``), ready to use.

    ``password`` (typed by the user) wins over the keychain and libpq's password file; it
    lives only in this book's engine. The schema must be this app's: an empty database or
    an older schema asks for ``csm-desktop admin upgrade`` by the schema owner (the app's
    role may not alter tables), a newer one is refused; a server that cannot be reached
    says so in one line, and one that wants a password raises ``PasswordNeeded``.
    """
    url = server_url(address)
    url = url.set(password=password) if password else with_keyring_password(url)
    engine = server_engine(url)
    try:
        revision = server_revision(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise connection_error(exc, url) from exc
    except BaseException:
        engine.dispose()
        raise
    if revision != SCHEMA_HEAD:
        engine.dispose()
        state = "holds no book yet" if revision is None else f"has the older schema {revision}"
        raise DatabaseReadOnly(
            f"The team server's database {safe_text(url)} {state}: the schema owner must run "
            f"`csm-desktop admin upgrade --db {safe_text(url)}` first."
        )
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(None, engine, sessions, server=safe_text(url))
