"""Write ``csm_desktop/store/schema_head.py``: a new book's schema and seed rows at head.

A new book used to run every alembic migration (importing alembic and replaying eight
migrations: about 0.3 s of CPU, 6 % of a 5,000-account import-book). The migrations stay
the one definition of the schema: this script runs them on an empty file and writes down
what they built (every ``sqlite_master`` statement and every row), so that a new book can
be made from that record. ``tests/store/test_schema_head.py`` builds a book both ways and
compares them; it fails, naming this script, when a migration is added and the record is
not written again:

    python scripts/write_schema_head.py
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "csm_desktop" / "store" / "schema_head.py"
ORDER = {"table": 0, "index": 1, "trigger": 2, "view": 3}

HEADER = '''# ruff: noqa: E501 (the statements' lines are SQLite's own)
"""A new book's schema at head, as the migrations build it. GENERATED, do not edit:
run ``python scripts/write_schema_head.py`` after adding a migration.

``store.database`` makes a new book from these statements and rows instead of replaying every
migration (issue 17: importing alembic and running eight migrations cost about 0.3 s of a
5,000-account import-book). ``tests/store/test_schema_head.py`` proves a book made from here
equal to one made by the migrations: every table, column, type, index, constraint, trigger
and seeded row. When ``REVISION`` is not the app's head, new books run the migrations.
"""

from typing import Any

'''


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from csm_desktop.store.database import create_by_migrations

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "head.sqlite3"
        create_by_migrations(path)
        TARGET.write_text(render(path), encoding="utf-8")
    ruff = Path(sys.executable).with_name("ruff")  # the project's format, when ruff is there
    if ruff.exists():
        subprocess.run([str(ruff), "format", "--quiet", str(TARGET)], check=True)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


def render(path: Path) -> str:
    """The module's text: ``REVISION``, ``STATEMENTS`` (tables, then indexes, triggers and
    views, each kind in the order the migrations left them) and ``ROWS`` (every non-empty
    table's rows in rowid order, or key order WITHOUT ROWID)."""
    connection = sqlite3.connect(path)
    try:
        objects = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        objects.sort(key=lambda found: ORDER[found[0]])
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        rows = []
        for kind, name, sql in objects:
            if kind != "table":
                continue
            without_rowid = "WITHOUT ROWID" in sql.upper()  # read in its key's order
            order = "" if without_rowid else " ORDER BY rowid"
            cursor = connection.execute(f'SELECT * FROM "{name}"{order}')
            found = cursor.fetchall()
            if found:
                columns = tuple(column[0] for column in cursor.description)
                rows.append((name, columns, tuple(found)))
    finally:
        connection.close()
    out = [HEADER, f"REVISION = {revision!r}\n\n", "STATEMENTS: tuple[str, ...] = (\n"]
    for _kind, _name, sql in objects:
        lines = sql.splitlines(keepends=True)
        out.append("    (\n" + "".join(f"        {line!r}\n" for line in lines) + "    ),\n")
    out.append(")\n\n# (table, columns, rows) of every table the migrations fill\n")
    out.append("ROWS: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = (\n")
    for name, columns, found in rows:
        out.append(f"    (\n        {name!r},\n        {columns!r},\n        (\n")
        out += [f"            {row!r},\n" for row in found]
        out.append("        ),\n    ),\n")
    out.append(")\n")
    return "".join(out)


if __name__ == "__main__":
    sys.exit(main())
