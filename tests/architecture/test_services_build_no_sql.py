"""Services orchestrate and never build SQL: statements live in ``store/queries/``.

A module of ``csm_desktop/services`` may hold a ``Session``, ``get``/``add``/``delete`` ORM
objects and call store queries, but must not build a statement or run one. The check reads
each module's syntax tree and refuses:

- any import from ``sqlalchemy`` itself (``select``, ``insert``, ``update``, ``delete``,
  ``text``, ``func``…), from ``sqlalchemy.sql``, ``sqlalchemy.dialects`` or
  ``sqlalchemy.future``, and ``import sqlalchemy`` (or any of its modules);
- the ORM's loader options and aliases (``selectinload``, ``joinedload``, ``aliased``…);
- a call of ``.execute(``, ``.scalars(``, ``.scalar(``, ``.exec_driver_sql(`` or ``.query(``
  on anything (running a built statement, or the legacy query API).

``sqlalchemy.orm.Session`` and ``sqlalchemy.exc`` stay allowed. ``test_the_check_catches``
plants each kind of violation to prove the check fails when it should.
"""

from __future__ import annotations

import ast
from pathlib import Path

import csm_desktop.services

SERVICES = Path(csm_desktop.services.__file__).parent

STATEMENT_MODULES = ("sqlalchemy", "sqlalchemy.sql", "sqlalchemy.dialects", "sqlalchemy.future")
LOADER_OPTIONS = {
    "aliased",
    "contains_eager",
    "defer",
    "joinedload",
    "lazyload",
    "load_only",
    "noload",
    "raiseload",
    "selectin_polymorphic",
    "selectinload",
    "subqueryload",
    "undefer",
    "with_polymorphic",
}
RUNS_A_STATEMENT = {"execute", "scalars", "scalar", "exec_driver_sql", "query"}


def sql_built(source: str) -> list[str]:
    """Where ``source`` builds or runs SQL, as "line: what" strings (empty when clean)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [alias.name for alias in node.names]
            if node.module in STATEMENT_MODULES or node.module.startswith(
                tuple(f"{m}." for m in STATEMENT_MODULES[1:])
            ):
                found.append(f"{node.lineno}: from {node.module} import {', '.join(names)}")
            elif node.module == "sqlalchemy.orm":
                options = sorted(set(names) & LOADER_OPTIONS)
                if options:
                    found.append(f"{node.lineno}: from sqlalchemy.orm import {', '.join(options)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RUNS_A_STATEMENT
        ):
            found.append(f"{node.lineno}: .{node.func.attr}(…)")
    return sorted(found, key=lambda where: int(where.split(":")[0]))


def _offences() -> dict[str, list[str]]:
    return {
        str(path.relative_to(SERVICES)): found
        for path in sorted(SERVICES.rglob("*.py"))
        if (found := sql_built(path.read_text(encoding="utf-8")))
    }


def test_services_build_no_sql() -> None:
    """No service module builds or runs a statement."""
    offences = _offences()
    assert not offences, (
        "These services build SQL; move each statement into store/queries/<aggregate>.py "
        f"and call it: {offences}"
    )


def test_the_check_catches() -> None:
    """Each kind of violation is found, on its own line; a service that orchestrates is not."""
    planted = "\n".join(
        [
            "from sqlalchemy import select, func",  # 1
            "from sqlalchemy.orm import Session, selectinload",  # 2
            "import sqlalchemy",  # 3
            "from sqlalchemy.dialects.sqlite import insert",  # 4
            "rows = session.execute(select(Account))",  # 5
            "one = session.scalar(query)",  # 6
            "many = session.scalars(query).all()",  # 7
            "old = session.query(Account).all()",  # 8
            "from sqlalchemy.sql import text",  # 9
        ]
    )
    assert [where.split(":")[0] for where in sql_built(planted)] == [
        "1", "2", "3", "4", "5", "6", "7", "8", "9"
    ]  # fmt: skip
    assert sql_built(planted)[1] == "2: from sqlalchemy.orm import selectinload"
    clean = "\n".join(
        [
            "from sqlalchemy.orm import Session",
            "from sqlalchemy.exc import IntegrityError",
            "from csm_desktop.store.queries.asks import asks",
            "account = session.get(Account, 1)",
            "session.add(account); session.delete(account); session.flush()",
            "rows = asks(session, 1)",
        ]
    )
    assert sql_built(clean) == []
