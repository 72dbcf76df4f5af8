"""Opening a book database: checks, pragmas, migrations, sessions.

One SQLite file holds a CSM's whole book. It is opened with foreign keys on, a WAL journal,
``synchronous=FULL`` and a busy timeout. Before anything is written the file is checked: not
an SQLite file, written by a newer app version, or locked each become a ``UserError`` and
leave the file untouched. A due migration first copies the file aside (online backup API).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from csm_desktop.errors import (
    DatabaseFull,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnreadable,
    OfflineCopy,
    UserError,
)
from csm_desktop.safe_output import protect_book, release_book
from csm_desktop.store.backups import backup_dir, read_only_uri
from csm_desktop.store.failures import user_error_for as user_error_for  # the one owner
from csm_desktop.store.lock import lock_path
from csm_desktop.store.schema import SCHEMA_HEAD, SCHEMA_REVISIONS

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# After an unclean close (a WAL file left behind) a book up to this size gets SQLite's
# quick_check before use (about 10 ms per MB here); a bigger one is checked on first read.
QUICK_CHECK_MAX_BYTES = 128 * 1024 * 1024
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass
class Database:
    """An open book: its engine and session factory, and where it lives.

    A *file book* (``path`` set) is one SQLite file on this computer: it has a lock file,
    backups beside it and migrations on opening. A *server book* (``server`` set, ``path``
    None) lives on a PostgreSQL server the team shares: no file, no lock file, no file
    backups (the server's own ``pg_dump`` does that), and its schema is upgraded on purpose
    by the schema owner (``store/server.py``). Code that needs the file asks ``file_path``,
    which refuses a server book in one line; messages use ``where`` and ``name``.
    """

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False
    # The server's address without any password, for a server book.
    server: str | None = None
    # While open, no export may be written over the book or its files (``safe_output``).
    _protected: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.path is not None:
            protect_book(self.path, lock_path(self.path), backup_dir(self.path))
            self._protected = True

    @property
    def on_server(self) -> bool:
        return self.path is None

    @property
    def file_path(self) -> Path:
        """The book's file; ``UserError`` for a server book, which has none."""
        if self.path is None:
            raise UserError(
                f"The book on {self.server} is on a team server and has no file here: "
                "back it up with File → Export book workbook, or ask your admin for pg_dump."
            )
        return self.path

    @property
    def where(self) -> str:
        """Where the book lives, for messages: its file or its server address."""
        return str(self.path) if self.path is not None else str(self.server)

    @property
    def name(self) -> str:
        """A short name: the file's name, or the server database's name."""
        if self.path is not None:
            return self.path.name
        return str(self.server).rsplit("/", 1)[-1].split("?", 1)[0]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error.

        Everything is flushed before the COMMIT, so a failure up to there certainly stored
        nothing; only a connection that breaks during the COMMIT itself leaves it open
        whether the server stored the change (``ChangeUncertain``).
        """
        with self.sessions() as session:
            committing = False
            try:
                yield session
                session.flush()
                committing = True
                session.commit()
            except (DatabaseError, sqlite3.DatabaseError) as exc:  # raw ones from bulk inserts
                session.rollback()
                translated = user_error_for(exc, self.where, committing=committing)
                if translated is None:
                    raise
                raise translated from exc
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
        if self._protected and self.path is not None:
            self._protected = False
            release_book(self.path)


def translate_operational_error(
    exc: DatabaseError | sqlite3.DatabaseError, path: Path
) -> UserError | DatabaseError | sqlite3.DatabaseError:
    """``user_error_for(exc)``, or ``exc`` itself when it is a bug."""
    return user_error_for(exc, path) or exc


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _set_pragmas_read_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def check_database_file(path: Path) -> str | None:
    """The file's schema revision (None for a new or empty file), without changing it.

    Raises ``DatabaseUnreadable`` for a file that is not an SQLite database and
    ``DatabaseTooNew`` for a revision this version does not know.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    if path.is_dir():
        raise DatabaseUnreadable(f"{path} is a folder, not a book file. Choose a .sqlite3 file.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnreadable(f"Cannot read {path}: {exc.strerror}. Check the file.") from exc
    if magic != SQLITE_MAGIC:
        raise DatabaseUnreadable(
            f"{path} is not a CSM Desktop book (not an SQLite database). Choose another file."
        )
    try:
        conn = sqlite3.connect(reading_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                if tables:
                    raise DatabaseUnreadable(
                        f"{path} is an SQLite database but not a CSM Desktop book. "
                        "Choose another file."
                    )
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if _closed_uncleanly(path) and path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                verdict = conn.execute("PRAGMA quick_check(1)").fetchone()
                if not verdict or verdict[0] != "ok":
                    raise sqlite3.DatabaseError(f"quick_check: {verdict[0] if verdict else '?'}")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        known = user_error_for(exc, path)
        if known is not None and not isinstance(known, DatabaseUnreadable):
            raise known from exc  # locked, read-only, full: not damage
        raise DatabaseUnreadable(
            f"{path} is damaged and cannot be read ({exc}). Restore a backup (File → Restore…)."
        ) from exc
    revision = row[0] if row else None
    if revision is not None and revision not in SCHEMA_REVISIONS:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of CSM Desktop (schema {revision}). "
            "Install the newer version to open it; the file was left untouched."
        )
    return revision


def reading_uri(path: Path) -> str:
    """An SQLite URI that reads ``path`` without writing anything, even on a read-only disk.

    A WAL book needs its ``-shm`` file to be read; in a folder that cannot be written and
    with no ``-wal`` beside the book, no program can be writing it, so it is opened
    ``immutable`` (no shared memory needed) instead of failing with "unable to open".
    """
    uri = read_only_uri(path)
    if not Path(f"{path}-wal").exists() and not os.access(path.parent, os.W_OK):
        uri += "&immutable=1"
    return uri


def _closed_uncleanly(path: Path) -> bool:
    """True when a WAL file with content is left beside the book: the last program that
    wrote it did not close it (crash, kill, power loss) or still has it open."""
    wal = Path(f"{path}-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def open_database(path: Path, *, read_only: bool = False) -> Database:
    """Open (creating if needed) the book at ``path`` and bring its schema up to date."""
    path = Path(path).expanduser().resolve()
    revision = check_database_file(path)
    if read_only:
        if revision is None:
            empty = path.is_file() and path.stat().st_size == 0
            raise DatabaseUnreadable(
                f"{path} is an empty file (0 bytes), not a book. Choose the book file, or "
                "restore a backup (File → Restore…)."
                if empty
                else f"{path} holds no book yet; it cannot be opened read-only."
            )
        if revision != SCHEMA_HEAD:
            raise DatabaseReadOnly(
                f"{path} needs an upgrade that cannot run read-only. Open it normally once."
            )
    # A copy taken off a team server is never written; at an older schema it is still
    # upgraded (a copy of it is set aside first), so that it can be read by this version.
    offline = None if read_only or revision is None else _offline_copy_mark(path)
    if offline is not None and revision == SCHEMA_HEAD:
        raise _offline_copy_refusal(path, offline)
    if not read_only and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True)
        except OSError as exc:
            raise DatabaseReadOnly(
                f"Cannot create the folder {path.parent}: {exc.strerror}."
            ) from exc
    if read_only:
        uri = reading_uri(path)
        engine = create_engine(
            "sqlite://",
            poolclass=QueuePool,  # a file, not the in-memory database the URL would suggest
            creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            ),
        )
    else:
        engine = create_engine(
            URL.create("sqlite", database=str(path)),  # a URL string would cut the path at ?
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
    event.listen(engine, "connect", _set_pragmas_read_only if read_only else _set_pragmas)
    database = Database(path, engine, sessionmaker(engine, expire_on_commit=False), read_only)
    if revision != SCHEMA_HEAD:
        try:
            if revision is not None or not _create_at_head(database):
                _migrate(database, from_revision=revision)
        except (OperationalError, sqlite3.OperationalError) as exc:
            database.close()
            error = translate_operational_error(exc, path)
            if isinstance(error, DatabaseFull):  # the user only opened it: say what was saved
                error = DatabaseFull(
                    f"{path} must be upgraded to this version of CSM Desktop (copied aside "
                    "first), and the disk is full or failing. Nothing was changed; free some "
                    "space and open it again."
                )
            raise error from exc
        except BaseException:
            database.close()
            raise
    if offline is not None:
        database.close()
        raise _offline_copy_refusal(path, offline)
    return database


def _offline_copy_mark(path: Path) -> str | None:
    """What a copy taken off a team server says of itself (``store/offline.py``), or None
    for any other book: what is changed in such a copy would never reach the server."""
    try:
        conn = sqlite3.connect(reading_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = 'offline_copy'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # an old book without the setting table: not a copy
        return None
    return None if row is None else str(row[0])


def _offline_copy_refusal(path: Path, mark: str) -> OfflineCopy:
    return OfflineCopy(
        f"{path.name} is {mark}: it opens read-only, since changes made in it would "
        "never reach the team server. Make them on the team book."
    )


def _create_at_head(database: Database) -> bool:
    """Make a new book from the record of the schema at head (``store/schema_head.py``, which
    a test proves equal to what the migrations build), in one transaction; False, leaving
    the file alone, when the record is not at this version's head (the migrations run)."""
    from csm_desktop.store import schema_head

    if schema_head.REVISION != SCHEMA_HEAD:
        return False
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            for statement in schema_head.STATEMENTS:
                cursor.execute(statement)
            for table, columns, rows in schema_head.ROWS:
                names = ", ".join(f'"{column}"' for column in columns)
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.close()
    log.info("Created %s at schema %s", database.path, SCHEMA_HEAD)
    return True


def create_by_migrations(path: Path) -> None:
    """Make a new book at ``path`` by running every migration (what ``schema_head`` records;
    ``scripts/write_schema_head.py`` and its test use this)."""
    path = Path(path)
    if check_database_file(path) is not None:
        raise UserError(f"{path} is already a book; choose a new file.")
    engine = create_engine(URL.create("sqlite", database=str(path)))
    event.listen(engine, "connect", _set_pragmas)
    database = Database(path, engine, sessionmaker(engine))
    try:
        _migrate(database, from_revision=None)
    finally:
        database.close()


def _migrate(database: Database, *, from_revision: str | None) -> None:
    """Run alembic up to head; a book with data is copied aside first."""
    if from_revision is not None:
        from csm_desktop.store.backups import back_up

        back_up(database.file_path, reason=f"before-migration-from-{from_revision}")
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("Migrated %s from %s to %s", database.path, from_revision, SCHEMA_HEAD)
