"""The statements of a usage import name tables, not mapped classes.

A one-shot ``import-usage`` pays for whatever the ORM sets up on first use: the first ORM
statement configures every mapper of the book (~0.05 s of CPU, issue 17). The import's own
reads and writes (``store.queries.usage_import``, the evidence's met dates) must not be
that first statement. Checked in a fresh interpreter, where nothing has configured them yet.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Role

ROOT = Path(__file__).resolve().parents[2]


def run_probe(script: str, *args: object) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter on this checkout, where nothing has configured the
    mappers yet."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


PROBE = """
import datetime as dt, sys
from pathlib import Path
from sqlalchemy import inspect
from csm_desktop.store.authorship import sign_as
from csm_desktop.store.database import open_database
from csm_desktop.store.models import AccountMilestone
from csm_desktop.store.queries.evidence import MetDate, set_criterion_met_on
from csm_desktop.store.queries.usage_import import (
    account_keys, insert_account, record_import, unlocked_feature_names,
)

book = open_database(Path(sys.argv[1]))
sign_as(book.engine, "Probe")  # the author, without reading the book's setting
with book.session() as session:
    assert unlocked_feature_names(session) == ["export"]
    assert [name for _id, name, _external in account_keys(session)] == ["Acme"]
    insert_account(session, "Globex", "G-1")
    record_import(session, kind="usage", file_name="u.csv", sha256="0" * 64,
                  imported_at=dt.datetime(2026, 3, 2), rows_read=1, rows_stored=1,
                  rows_rejected=0)
    set_criterion_met_on(session, [MetDate(int(sys.argv[2]), 1, dt.date(2026, 3, 7))])
    configured = inspect(AccountMilestone).configured
book.close()
print("configured" if configured else "not configured")
"""


def test_the_import_statements_configure_no_mapper(book: Database, db_path: Path) -> None:
    if book.path is None:
        pytest.skip("a fresh interpreter opens the book file; the statements are the same")
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Operator")).one()  # seeded
        account = Account(name="Acme")
        session.add(account)
        session.flush()
        milestone = AccountMilestone(
            account_id=account.id, position=1, title="Export", role_id=role.id, target_day=14,
            unlocks="export",
        )  # fmt: skip
        session.add(milestone)
        session.flush()
        milestone_id = milestone.id
    book.close()
    result = run_probe(PROBE, db_path, milestone_id)
    assert result.stdout.split() == ["not", "configured"], result.stderr


WHOLE_IMPORT = """
import sys
from pathlib import Path
from sqlalchemy import inspect
from csm_desktop.services.import_usage import import_usage
from csm_desktop.store.database import open_database
from csm_desktop.store.models import AccountMilestone

book = open_database(Path(sys.argv[1]))
report = import_usage(book, Path(sys.argv[2]))
configured = inspect(AccountMilestone).configured
book.close()
evidence = report.evidence
print(report.rows_stored, evidence.criteria_met, evidence.met_dates_changed,
      "configured" if configured else "not configured")
"""


def test_a_whole_usage_import_configures_no_mapper(
    book: Database, db_path: Path, tmp_path: Path
) -> None:
    """The whole import (settings, vocabulary, matching, storing, evidence, the import
    record) on a book with a ladder that measures the file's feature: 2 events stored, the
    criterion (2 exports within 7 days) met with its date set, and the mappers still
    unconfigured."""
    if book.path is None:
        pytest.skip("a fresh interpreter opens the book file; the statements are the same")
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Operator")).one()
        account = Account(name="Acme", signed_on=dt.date(2026, 2, 20))
        session.add(account)
        session.flush()
        session.add(
            AccountMilestone(
                account_id=account.id, position=1, title="Export", role_id=role.id,
                target_day=14, success_feature="export", success_threshold=2,
                success_window_days=7,
            )
        )  # fmt: skip
        session.commit()
    book.close()
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "Account,Date,Feature,Count\nAcme,2026-03-01,export,1\nAcme,2026-03-02,export,1\n"
    )
    result = run_probe(WHOLE_IMPORT, db_path, usage)
    assert result.stdout.split() == ["2", "1", "1", "not", "configured"], result.stderr
