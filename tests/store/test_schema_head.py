"""A new book is made from the record of the schema at head (``store/schema_head.py``), not by
replaying the migrations: the two must give the same book, to the last index and seeded row.

The record is for new SQLite files only; a server book's schema is built and upgraded by
the migrations (``store/server.py``, ``tests/team/test_server_schema.py``).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from csm_desktop.store import database as database_module
from csm_desktop.store import schema_head
from csm_desktop.store.database import create_by_migrations, open_database
from csm_desktop.store.schema import SCHEMA_HEAD

REWRITE = "python scripts/write_schema_head.py"
PRAGMAS = ("user_version", "application_id", "encoding", "page_size", "auto_vacuum")


def described(path: Path) -> dict[str, Any]:
    """Everything a book's schema is made of, and every row it holds."""
    connection = sqlite3.connect(path)
    try:
        objects = connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = [name for kind, name, _t, _s in objects if kind == "table"]
        found: dict[str, Any] = {"objects": objects}
        for pragma in PRAGMAS:
            found[pragma] = connection.execute(f"PRAGMA {pragma}").fetchall()
        for table in tables:
            found[f"{table} columns"] = connection.execute(
                f'PRAGMA table_xinfo("{table}")'
            ).fetchall()
            found[f"{table} keys"] = connection.execute(
                f'PRAGMA foreign_key_list("{table}")'
            ).fetchall()
            indexes = connection.execute(f'PRAGMA index_list("{table}")').fetchall()
            found[f"{table} indexes"] = sorted(indexes)
            for index in indexes:
                found[f"{index[1]} columns"] = connection.execute(
                    f'PRAGMA index_xinfo("{index[1]}")'
                ).fetchall()
            found[f"{table} rows"] = sorted(
                connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr
            )
        return found
    finally:
        connection.close()


def test_the_record_is_at_the_apps_head() -> None:
    assert schema_head.REVISION == SCHEMA_HEAD, (
        f"store/schema_head.py records schema {schema_head.REVISION}, the app is at "
        f"{SCHEMA_HEAD}: run `{REWRITE}` (new books run every migration until then)"
    )


def test_a_new_book_made_from_the_record_equals_one_made_by_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same tables, columns (type, null, default, key), indexes, foreign keys, triggers,
    statements, pragmas and seeded rows (the head revision and the three roles)."""
    migrated = tmp_path / "migrated.sqlite3"
    create_by_migrations(migrated)

    def no_migrations(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a new book ran the migrations")

    monkeypatch.setattr(database_module, "_migrate", no_migrations)
    recorded = tmp_path / "recorded.sqlite3"
    open_database(recorded).close()

    expected, got = described(migrated), described(recorded)
    assert got.keys() == expected.keys(), f"rewrite the record: `{REWRITE}`"
    for key in expected:
        assert got[key] == expected[key], f"{key} differs; rewrite the record: `{REWRITE}`"
    assert got["alembic_version rows"] == [(SCHEMA_HEAD,)]
    assert [row[1] for row in got["role rows"]] == ["Administrator", "Power user", "Operator"]


def test_a_record_behind_the_head_leaves_new_books_to_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_head, "REVISION", "0001")
    monkeypatch.setattr(schema_head, "STATEMENTS", ("CREATE TABLE wrong (id INTEGER)",))
    book = tmp_path / "book.sqlite3"
    open_database(book).close()
    assert described(book)["alembic_version rows"] == [(SCHEMA_HEAD,)]
    assert "wrong rows" not in described(book)


def test_a_failure_while_making_the_book_leaves_an_empty_file_that_opens_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statements and rows go in one transaction: a statement that fails (here a broken
    last one) leaves no table behind, so the file is still a new book next time."""
    broken = (*schema_head.STATEMENTS, "CREATE INDEX broken ON no_such_table (id)")
    monkeypatch.setattr(schema_head, "STATEMENTS", broken)
    book = tmp_path / "book.sqlite3"
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        open_database(book)
    assert described(book)["objects"] == []
    monkeypatch.undo()
    open_database(book).close()
    assert described(book)["alembic_version rows"] == [(SCHEMA_HEAD,)]


def test_making_a_new_book_does_not_import_alembic(tmp_path: Path) -> None:
    """Importing alembic alone cost about 0.2 s of CPU; only an old book's upgrade needs it."""
    code = (
        "import sys; from csm_desktop.store.database import open_database; "
        f"open_database({str(tmp_path / 'new.sqlite3')!r}).close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
