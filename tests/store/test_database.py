"""Opening books: pragmas, migrations, refusal of newer or foreign files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from csm_desktop.errors import AlreadyCreated, BadInput, DatabaseTooNew, DatabaseUnreadable
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, Role, UsageEvent
from csm_desktop.store.schema import SCHEMA_HEAD, SCHEMA_REVISIONS


@pytest.mark.file_book
def test_new_book_has_pragmas_schema_head_and_seeded_roles(book: Database) -> None:
    with book.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            SCHEMA_HEAD
        )
        roles = session.scalars(select(Role.name).order_by(Role.position)).all()
    assert roles == ["Administrator", "Power user", "Operator"]


def test_reopening_a_current_book_keeps_its_data(db_path: Path) -> None:
    first = open_database(db_path)
    with first.session() as session:
        session.add(Account(name="Zoë's <Bakery> & Co", kickoff_on=dt.date(2026, 1, 5)))
    first.close()
    second = open_database(db_path)
    with second.session() as session:
        assert session.scalars(select(Account.name)).all() == ["Zoë's <Bakery> & Co"]
    second.close()


def test_usage_events_are_unique_per_account_day_feature(book: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    with book.session() as session:
        account = Account(name="Northwind")
        session.add(account)
        session.flush()
        account_id = account.id
        session.add(
            UsageEvent(account_id=account_id, day=dt.date(2026, 1, 1), feature="x", count=1)
        )
    # On a team server the refusal is the user's line (store.failures), caused by it.
    with pytest.raises((IntegrityError, AlreadyCreated)) as raised, book.session() as session:
        session.add(
            UsageEvent(account_id=account_id, day=dt.date(2026, 1, 1), feature="x", count=2)
        )
    assert isinstance(raised.value, IntegrityError) or (
        book.on_server and isinstance(raised.value.__cause__, IntegrityError)
    )
    with book.session() as session:
        assert session.scalar(select(func.count()).select_from(UsageEvent)) == 1


def test_foreign_keys_are_enforced(book: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises((IntegrityError, BadInput)) as raised, book.session() as session:
        session.add(UsageEvent(account_id=999, day=dt.date(2026, 1, 1), feature="x", count=1))
    assert isinstance(raised.value, IntegrityError) or (  # on a server: its one line
        book.on_server and isinstance(raised.value.__cause__, IntegrityError)
    )


def test_book_from_a_newer_version_is_refused_and_left_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.write_text("Account,Date\nNorthwind,2026-01-01\n", encoding="utf-8")
    with pytest.raises(DatabaseUnreadable, match="not a CSM Desktop book"):
        open_database(db_path)
    assert db_path.read_text(encoding="utf-8").startswith("Account,Date")


def test_another_programs_sqlite_database_is_refused(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseUnreadable, match="not a CSM Desktop book"):
        open_database(db_path)


def test_schema_revisions_list_matches_the_migration_scripts() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from csm_desktop.store.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    in_order = [rev.revision for rev in reversed(list(scripts.walk_revisions()))]
    assert in_order == list(SCHEMA_REVISIONS)


def test_migrations_build_exactly_the_models(book: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from csm_desktop.store.models import Base

    with book.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
