"""Fixtures shared by every test: a real SQLite book in a temporary folder, Qt offscreen.

Migrating an empty book and building the demo book cost most of a test's time, so each is
done once per test process (per pytest-xdist worker) into a template file, and every test
gets its own copy of that file: tests stay independent and may run in any order or process.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or prompt the machine's keychain (a locked one would wait for a password);
# the keychain test installs its own in-memory backend.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from csm_desktop.store.database import Database, open_database

BACKENDS = ("sqlite", "postgresql")
_database_numbers = itertools.count(1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default="sqlite",
        help="postgresql: also run the tests marked `postgresql` against a throwaway "
        "PostgreSQL cluster this run starts (skipped with the reason when it cannot start)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgresql: needs a PostgreSQL server; runs with --backend postgresql"
    )
    config.addinivalue_line(
        "markers", "file_book: tests the SQLite file itself (pragmas, file backups, bytes)"
    )
    config.addinivalue_line(
        "markers",
        "on_server: a command-line test whose commands get db_argument(book); with "
        "--backend postgresql its tests on `book` run on the server",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under SQLite the server tests are skipped; under PostgreSQL the file-only ones."""
    on_server = config.getoption("--backend") == "postgresql"
    marker, reason = (
        ("file_book", "tests the SQLite file itself; a server book has none")
        if on_server
        else ("postgresql", "team-mode test: run with --backend postgresql")
    )
    skip = pytest.mark.skip(reason=reason)
    on_a_file = pytest.mark.skip(reason="runs on a book file either way; the SQLite run has it")
    for item in items:
        if marker in item.keywords:
            item.add_marker(skip)
        elif on_server and _command_test_on_a_file(item):
            item.add_marker(on_a_file)


def _command_test_on_a_file(item: pytest.Item) -> bool:
    """A command-line test works on a book file whatever the backend unless it is marked
    ``on_server`` (its commands get ``db_argument(book)``) and uses ``book``: under
    PostgreSQL only those run, on the server."""
    if Path(str(item.path)).parent.name != "cli":
        return False
    fixtures = getattr(item, "fixturenames", ())
    return "on_server" not in item.keywords or "book" not in fixtures


def db_argument(book: Database) -> str:
    """What ``--db`` takes for ``book``: its file, or its server's address."""
    if book.path is not None:
        return str(book.path)
    return book.engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL cluster for this test process; skips with the reason if none."""
    from tests.pg_cluster import ClusterUnavailable, start_cluster

    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        pytest.skip(f"no PostgreSQL cluster: {exc}")
    yield cluster
    cluster.stop()


def _pg_admin(cluster: object) -> Any:
    from sqlalchemy import create_engine

    from tests.pg_cluster import Cluster

    assert isinstance(cluster, Cluster)
    # pre-ping: a fault test may have restarted the cluster since the connection was pooled
    return create_engine(cluster.url(), isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@contextmanager
def _pg_database(cluster: object, template: str = "template1") -> Iterator[str]:
    """A new database on the cluster (a copy of ``template``), dropped afterwards."""
    from sqlalchemy import text

    from tests.pg_cluster import Cluster

    assert isinstance(cluster, Cluster)
    name = f"t{os.getpid()}_{next(_database_numbers)}"
    admin = _pg_admin(cluster)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield cluster.url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_cluster: object) -> Iterator[str]:
    """The URL of a new, empty database on the test cluster, dropped after the test."""
    with _pg_database(pg_cluster) as url:
        yield url


@pytest.fixture(scope="session")
def pg_book_template(pg_cluster: object) -> str:
    """A database on the cluster with the current schema, to copy; never opened by a test."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from csm_desktop.store.server import upgrade_server
    from tests.pg_cluster import Cluster

    assert isinstance(pg_cluster, Cluster)
    admin = _pg_admin(pg_cluster)
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "book_template"'))
    admin.dispose()
    upgrade_server(make_url(pg_cluster.url("book_template")))
    return "book_template"


@pytest.fixture
def team_book_url(pg_cluster: object, pg_book_template: str) -> Iterator[str]:
    """The URL of a new server book at the current schema, holding nothing yet."""
    with _pg_database(pg_cluster, pg_book_template) as url:
        yield url


def _copy_closed_book(template: Path, target: Path) -> None:
    """Copy a closed book file; a closed book has no WAL file left to copy with it."""
    assert not Path(f"{template}-wal").exists(), f"{template} was not closed cleanly"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


@pytest.fixture(scope="session")
def empty_book_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty book at head (``store/schema_head.py``), closed; copy it, never open it."""
    path = tmp_path_factory.mktemp("empty-template") / "book.sqlite3"
    open_database(path).close()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Callable[[dt.date], Path]:
    """``demo_template(today)``: the demo book built for ``today`` once, closed."""
    built: dict[dt.date, Path] = {}

    def template(today: dt.date) -> Path:
        if today not in built:
            from csm_desktop.services.demo import create_demo_book

            path = tmp_path_factory.mktemp(f"demo-{today.isoformat()}") / "demo.sqlite3"
            database = open_database(path)
            try:
                create_demo_book(database, today=today)
            finally:
                database.close()
            built[today] = path
        return built[today]

    return template


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "book.sqlite3"


@pytest.fixture
def book(
    db_path: Path, empty_book_template: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """An empty, migrated book on a real file; with ``--backend postgresql``, on the server."""
    if request.config.getoption("--backend") == "postgresql":
        from csm_desktop.store.server import open_server_database

        cluster = request.getfixturevalue("pg_cluster")
        with _pg_database(cluster, request.getfixturevalue("pg_book_template")) as url:
            server_book = open_server_database(url)
            yield server_book
            server_book.close()
        return
    _copy_closed_book(empty_book_template, db_path)
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def demo_copy(
    tmp_path: Path, demo_template: Callable[[dt.date], Path]
) -> Callable[[dt.date], Path]:
    """``demo_copy(today)``: the path of this test's own copy of the demo book for ``today``."""

    def copy(today: dt.date) -> Path:
        target = tmp_path / f"demo-{today.isoformat()}.sqlite3"
        if not target.exists():
            _copy_closed_book(demo_template(today), target)
        return target

    return copy


@pytest.fixture
def open_demo(demo_copy: Callable[[dt.date], Path]) -> Iterator[Callable[[dt.date], Database]]:
    """``open_demo(today)``: this test's own copy of the demo book for ``today``, opened."""
    opened: list[Database] = []

    def open_(today: dt.date) -> Database:
        database = open_database(demo_copy(today))
        opened.append(database)
        return database

    yield open_
    for database in opened:
        database.close()


_ui_collector: list[Any] = []  # started by the first widget test, kept for the session


@pytest.fixture(autouse=True)
def window_garbage_on_the_ui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that drives widgets runs as the app does (``ui.ui_thread_gc``): reference
    cycles are collected on the UI thread only, never by a worker thread that happens to
    allocate nor inside a Qt destructor, and no background task outlives the test. The
    automatic collector stays off for the rest of the test process, as in the app (switched
    back on, a collection that started inside a QObject destructor deadlocked a run);
    each widget test ends with a full collection, at a safe point."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    import gc

    from csm_desktop.ui import workers
    from csm_desktop.ui.ui_thread_gc import UiThreadCollector

    request.getfixturevalue("qapp")  # the collector's timer needs the application
    if not _ui_collector:
        _ui_collector.append(UiThreadCollector())
        _ui_collector[0].start()
    yield
    assert workers.wait_all(30_000), "a background task was still running 30 s after its test"
    workers.stop_listening()  # what they still deliver is for a window that is gone
    gc.collect()
