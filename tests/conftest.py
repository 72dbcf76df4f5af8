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
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--backend") == "postgresql":
        return
    skip = pytest.mark.skip(reason="team-mode test: run with --backend postgresql")
    for item in items:
        if "postgresql" in item.keywords:
            item.add_marker(skip)


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


@pytest.fixture
def pg_url(pg_cluster: object, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a new, empty database on the test cluster, dropped after the test."""
    from sqlalchemy import create_engine, text

    from tests.pg_cluster import Cluster

    assert isinstance(pg_cluster, Cluster)
    name = f"t{os.getpid()}_{next(_database_numbers)}"
    admin = create_engine(pg_cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_cluster.url(name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _copy_closed_book(template: Path, target: Path) -> None:
    """Copy a closed book file; a closed book has no WAL file left to copy with it."""
    assert not Path(f"{template}-wal").exists(), f"{template} was not closed cleanly"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


@pytest.fixture(scope="session")
def empty_book_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty book migrated to the current schema, closed; copy it, never open it."""
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
def book(db_path: Path, empty_book_template: Path) -> Iterator[Database]:
    """An empty, migrated book on a real file."""
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
