"""The alembic history on a real PostgreSQL server: creation, no-op re-run, version checks, roles.

Runs with ``--backend postgresql`` against the throwaway cluster of ``tests/pg_cluster.py``.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from csm_desktop.errors import BadInput, DatabaseTooNew
from csm_desktop.store.models import Base
from csm_desktop.store.schema import SCHEMA_HEAD
from csm_desktop.store.server import (
    data_role_grants,
    is_server_url,
    server_engine,
    server_revision,
    server_url,
    upgrade_server,
)


def test_server_urls_are_told_from_files_and_checked() -> None:
    assert is_server_url("postgresql+psycopg://maya@db.example.com:5432/book?sslmode=require")
    assert is_server_url("postgresql://maya@db/book")
    assert not is_server_url("/home/maya/postgresql-notes/book.sqlite3")
    assert not is_server_url("book.sqlite3")
    # The plain scheme gets the psycopg 3 driver the app ships with.
    assert server_url("postgresql://maya@db/book").drivername == "postgresql+psycopg"
    with pytest.raises(BadInput, match="names no database"):
        server_url("postgresql+psycopg://maya@db:5432")
    with pytest.raises(BadInput, match="not supported"):
        server_url("postgresql+asyncpg://maya@db/book")


def test_role_names_are_never_pasted_into_sql_unchecked() -> None:
    with pytest.raises(BadInput, match="plain role name"):
        data_role_grants('maya"; DROP TABLE account; --')


@pytest.mark.postgresql
def test_the_alembic_history_creates_exactly_the_models_schema(pg_url: str) -> None:
    """Every migration (batch operations, partial indexes, booleans, server defaults) runs on
    PostgreSQL, a second run changes nothing, and the result has no difference from the
    models: the same schema as a file book."""
    url = make_url(pg_url)
    assert upgrade_server(url) == (None, SCHEMA_HEAD)
    assert upgrade_server(url) == (SCHEMA_HEAD, SCHEMA_HEAD)
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.postgresql
def test_a_newer_server_schema_is_refused_with_one_line(pg_url: str) -> None:
    url = make_url(pg_url)
    upgrade_server(url)
    engine = server_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseTooNew) as raised:
        server_revision(engine)
    engine.dispose()
    assert "newer CSM Desktop (schema 9999)" in str(raised.value)
    assert "\n" not in str(raised.value)
    with pytest.raises(DatabaseTooNew):
        upgrade_server(url)


@pytest.mark.postgresql
def test_a_csm_role_writes_data_but_cannot_alter_the_schema(pg_url: str) -> None:
    url = make_url(pg_url)
    upgrade_server(url)
    owner = create_engine(url)
    with owner.begin() as connection:
        connection.execute(text("CREATE ROLE schema_maya LOGIN"))
        for statement in data_role_grants("schema_maya"):
            connection.execute(text(statement))
    owner.dispose()
    maya = create_engine(url.set(username="schema_maya"))
    with maya.begin() as connection:
        connection.execute(text("INSERT INTO account (name, archived) VALUES ('Acme', false)"))
        assert connection.execute(text("SELECT count(*) FROM account")).scalar() == 1
    for ddl in ("ALTER TABLE account ADD COLUMN x integer", "CREATE TABLE sneaky (id integer)"):
        with (
            pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
            maya.begin() as connection,
        ):
            connection.execute(text(ddl))
    for forged in (
        "INSERT INTO team_member (role, name) VALUES ('schema_maya', 'Someone Else')",
        "UPDATE alembic_version SET version_num = '9999'",
    ):  # who made a change, and the schema marker, are the owner's to write
        with (
            pytest.raises(ProgrammingError, match=r"permission denied"),
            maya.begin() as connection,
        ):
            connection.execute(text(forged))
    with maya.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM team_member")).scalar() == 0
    maya.dispose()


@pytest.mark.postgresql
def test_the_history_downgrades_and_upgrades_again_on_the_server(pg_url: str) -> None:
    """Every migration's downgrade runs on PostgreSQL too (a release can be rolled back)."""
    from alembic import command
    from alembic.config import Config

    from csm_desktop.store.database import MIGRATIONS_DIR

    url = make_url(pg_url)
    upgrade_server(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    engine.dispose()
    assert upgrade_server(url) == (None, SCHEMA_HEAD)
