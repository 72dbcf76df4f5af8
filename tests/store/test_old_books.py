"""A book saved by the first released schema (revision 0001) opens with today's app.

``tests/fixtures/book-schema-0001.sqlite3`` was written by ``make_schema_0001_book.py`` with
the 0001 tables and plain SQL. Opening a copy migrates it to the current head, keeps a copy
of the old file aside first, and every row reads back through today's services.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.backups import backups_of
from csm_desktop.services.metrics import book_rows, value_changes
from csm_desktop.store.backups import integrity_ok
from csm_desktop.store.database import open_database
from csm_desktop.store.queries.features import criterion_features
from csm_desktop.store.schema import SCHEMA_HEAD

FIXTURE = Path(__file__).parents[1] / "fixtures" / "book-schema-0001.sqlite3"
TODAY = dt.date(2026, 2, 10)


def revision(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()


def test_a_book_of_the_first_schema_is_upgraded_to_the_current_one(tmp_path: Path) -> None:
    """Northwind: K 2026-01-05; SSO achieved 2026-01-10; First workflow in progress, due
    2026-02-04, so on 2026-02-10 it is overdue: 1 of 2 achieved (50 %), 1 overdue. Zoë Ødegård
    Design has only a signed-on date (2026-01-02) and no ladder. Hours on reports: baseline 12,
    latest 9, lower is better: 25 % better."""
    assert revision(FIXTURE) == "0001"
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, path)

    database = open_database(path)
    try:
        assert revision(path) == SCHEMA_HEAD
        northwind, zoe = book_rows(database, TODAY)
        assert (northwind.name, northwind.completion, northwind.overdue) == (
            "Northwind Traders",
            0.5,
            1,
        )
        assert (northwind.next_milestone, northwind.next_due_on) == (
            "First workflow live",
            dt.date(2026, 2, 4),
        )
        assert (zoe.name, zoe.kickoff_on, zoe.completion) == (
            "Zoë Ødegård Design",
            dt.date(2026, 1, 2),
            None,
        )
        detail = account_detail(database, northwind.account_id, TODAY)
        assert [(s.title, s.status, s.due_on) for s in detail.ladder] == [
            ("SSO configured", Status.ACHIEVED, dt.date(2026, 1, 12)),
            ("First workflow live", Status.IN_PROGRESS, dt.date(2026, 2, 4)),
        ]
        assert [c.name for c in detail.contacts] == ["Ana García"]
        assert detail.kickoff is not None
        assert detail.kickoff.success_statement == "Reports run without us"
        assert len([e for e in detail.timeline if e.kind == "status"]) == 3
        (hours,) = value_changes(database, northwind.account_id, TODAY)
        assert (hours.baseline, hours.latest, hours.change_percent) == (12.0, 9.0, 25.0)
    finally:
        database.close()

    assert integrity_ok(path)
    (kept,) = backups_of(path)
    assert "before-migration-from-0001" in kept.path.name
    assert revision(kept.path) == "0001"  # the copy aside is the old book as it was


def test_an_upgraded_old_book_finds_its_criterion_features_by_the_new_index(
    tmp_path: Path,
) -> None:
    """The 0001 book's milestones name sso_login and workflow_run: the upgrade (0010) builds
    ``ix_account_milestone_success_feature`` over them, and the vocabulary reads both."""
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURE, path)
    database = open_database(path)
    try:
        with database.session() as session:
            assert criterion_features(session) == ["sso_login", "workflow_run"]
    finally:
        database.close()
    connection = sqlite3.connect(path)
    try:
        indexed = connection.execute(
            "SELECT success_feature FROM account_milestone "
            "INDEXED BY ix_account_milestone_success_feature "
            "WHERE success_feature IS NOT NULL ORDER BY success_feature"
        ).fetchall()
    finally:
        connection.close()
    assert indexed == [("sso_login",), ("workflow_run",)]
