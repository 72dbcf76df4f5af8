"""The evidence refresh reads and writes milestones as plain rows (``store.queries.evidence``)
and still behaves as the ORM update it replaced: the version goes up by one, the change names
who made it, an ORM object already in the session sees the new date and saves afterwards,
and a row changed by someone else since it was read is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.store.authorship import sign_as
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountMilestone, Role
from csm_desktop.store.queries.evidence import MetDate, criterion_rows, set_criterion_met_on
from csm_desktop.store.queries.usage_rows import store_usage

KICKOFF = dt.date(2026, 3, 1)
# "export used 5 times within 7 days"; usage 2 + 1 + 1 + 1 on 1, 3, 6 and 7 March: the window
# ending 6 March holds 4, the one ending 7 March holds 5 ≥ 5, so the criterion is met on 7 March.
MET = dt.date(2026, 3, 7)


def make_book(book: Database) -> tuple[int, int, int]:
    """Acme (kickoff 1 March) with an "export" criterion milestone and a "dashboard" one that
    no usage meets; the export usage above. Returns (account, export, dashboard) ids."""
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Operator")).one()  # seeded
        account = Account(name="Acme", kickoff_on=KICKOFF)
        session.add(account)
        session.flush()
        for position, feature in enumerate(("export", "dashboard"), start=1):
            account.milestones.append(
                AccountMilestone(
                    position=position,
                    title=feature.title(),
                    role_id=role.id,
                    target_day=14,
                    success_feature=feature,
                    success_threshold=5,
                    success_window_days=7,
                )
            )
        session.flush()
        days = [dt.date(2026, 3, d) for d in (1, 3, 6, 7)]
        store_usage(session, [account.id] * 4, days, ["export"] * 4, [2, 1, 1, 1], [None] * 4)
        export, dashboard = (m.id for m in account.milestones)
        return account.id, export, dashboard


def stored(book: Database, milestone_id: int) -> tuple[dt.date | None, int, str | None]:
    with book.session() as session:
        m = session.get_one(AccountMilestone, milestone_id)
        return m.criterion_met_on, m.version, m.changed_by


def test_a_new_met_date_is_an_edit_one_version_up_naming_its_author(book: Database) -> None:
    """The export milestone goes from no date to 7 March: version 1 → 2, changed by the
    signed-in CSM; the dashboard milestone stays without a date and keeps version 1."""
    account_id, export, dashboard = make_book(book)
    sign_as(book.engine, "Maya Chen")
    with book.session() as session:
        update = refresh_usage_evidence(session, [account_id])
    assert (update.milestones_checked, update.criteria_met, update.met_dates_changed) == (2, 1, 1)
    assert stored(book, export) == (MET, 2, "Maya Chen")
    assert stored(book, dashboard)[:2] == (None, 1)
    with book.session() as session:  # nothing new: nothing written, no version bumped
        again = refresh_usage_evidence(session)
    assert again.met_dates_changed == 0
    assert stored(book, export)[:2] == (MET, 2)


def test_an_object_loaded_before_the_refresh_reads_the_new_date_and_still_saves(
    book: Database,
) -> None:
    """A milestone object read before the refresh (version 1) shows 7 March and version 2
    after it, and an edit of it then saves (version 3) instead of failing on version 1."""
    account_id, export, _dashboard = make_book(book)
    with book.session() as session:
        milestone = session.get_one(AccountMilestone, export)
        assert (milestone.criterion_met_on, milestone.version) == (None, 1)
        refresh_usage_evidence(session, [account_id])
        assert (milestone.criterion_met_on, milestone.version) == (MET, 2)
        milestone.cue = "Ask for the export owner"
        session.flush()
    assert stored(book, export)[:2] == (MET, 3)


def test_a_row_changed_by_someone_else_since_it_was_read_is_refused(book: Database) -> None:
    """Rows read at version 1; the export milestone is saved elsewhere (version 2) before the
    met dates are written: StaleDataError, as the ORM raises, and the date is not stored."""
    account_id, export, _dashboard = make_book(book)
    with book.session() as session:
        rows = criterion_rows(session, [account_id])
        assert [(r.id, r.version) for r in rows] == [(export, 1), (_dashboard, 1)]
        with book.session() as someone_else:
            someone_else.get_one(AccountMilestone, export).cue = "Changed elsewhere"
        with pytest.raises(StaleDataError):
            set_criterion_met_on(session, [MetDate(export, 1, MET)])
        session.rollback()
    assert stored(book, export)[:2] == (None, 2)


def test_no_accounts_reads_nothing(book: Database) -> None:
    """An empty list of accounts means none (not all): no rows, nothing checked."""
    make_book(book)
    with book.session() as session:
        assert criterion_rows(session, []) == []
        assert refresh_usage_evidence(session, []).milestones_checked == 0


@pytest.mark.parametrize(
    "when", [dt.datetime(2026, 3, 20, 9, 0), dt.datetime(2026, 3, 20, 9, 0, 1, 5)]
)
def test_the_sqlite_fast_path_stores_what_core_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: dt.datetime
) -> None:
    """The same two met dates (7 March, and none) written into two copies of one book, once
    through the raw SQLite cursor and once through Core: the stored rows are equal, text for
    text (a time on the whole second included, which Python's own adapter writes shorter)."""
    import csm_desktop.store.queries.evidence as evidence_rows

    monkeypatch.setattr(evidence_rows, "utc_now", lambda: when)
    dumps = []
    for portable in (False, True):
        database = open_database(tmp_path / f"book-{portable}.sqlite3")
        try:
            sign_as(database.engine, "Maya Chen")
            _account, export, dashboard = make_book(database)
            with database.session() as session:
                set_criterion_met_on(
                    session,
                    [MetDate(export, 1, MET), MetDate(dashboard, 1, None)],
                    portable=portable,
                )
            with database.session() as session:
                dumps.append(
                    session.connection()
                    .exec_driver_sql("SELECT * FROM account_milestone ORDER BY id")
                    .all()
                )
        finally:
            database.close()
    assert dumps[0] == dumps[1]
    assert [tuple(row)[-3:-1] for row in dumps[0]] == [(2, "Maya Chen"), (2, "Maya Chen")]
