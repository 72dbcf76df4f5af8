"""The metrics service on a real book: past dates, feature case, evidence after a move."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.services.metrics import portfolio_metrics
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import (
    Account,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    UsageEvent,
)
from csm_desktop.store.queries.usage_rows import usage_features

K = dt.date(2026, 1, 5)


def one_account_book(book: Database) -> int:
    """Setup (day 5, criterion login ≥ 3 in 2 days) unlocking feat_x; achieved on day 6."""
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        template = MilestoneTemplate(key="setup", title="Setup", role=role, target_day=5,
                                     unlocks="feat_x", first_value=True, success_feature="login",
                                     success_threshold=3, success_window_days=2)  # fmt: skip
        playbook = Playbook(name="Standard", version=1)
        playbook.steps = [PlaybookStep(template=template, position=1)]
        account = Account(name="Alpha", kickoff_on=K)
        session.add_all([playbook, account])
        session.flush()
        apply_playbook(session, account, playbook)
        change_status(session, account.milestones[0], Status.ACHIEVED, on=K + dt.timedelta(6))
        for day, feature, count in ((4, "login", 1), (5, "login", 2), (18, "feat_x", 4)):
            session.add(UsageEvent(account_id=account.id, day=K + dt.timedelta(day),
                                   feature=feature, count=count))  # fmt: skip
        return account.id


def test_imported_features_take_the_ladders_spelling_so_adoption_counts(
    book: Database, tmp_path: Path
) -> None:
    from csm_desktop.services.import_usage import import_usage

    one_account_book(book)
    with book.session() as session:  # only an export spelled differently shows the use
        session.query(UsageEvent).filter(UsageEvent.feature == "feat_x").delete()
    assert portfolio_metrics(book, K + dt.timedelta(60)).adoption.part == 0
    export = tmp_path / "usage.csv"
    export.write_text("Account,Date,Event,Count\nalpha ,2026-01-23, FEAT_X ,4\n", "utf-8")
    import_usage(book, export)
    with book.session() as session:
        features = usage_features(session)
    assert features == {"login", "feat_x"}
    metrics = portfolio_metrics(book, K + dt.timedelta(60))
    assert (metrics.adoption.part, metrics.adoption.counted) == (1, 1)


def test_a_past_reporting_date_ignores_what_was_achieved_later(book: Database) -> None:
    one_account_book(book)
    on_day_6 = portfolio_metrics(book, K + dt.timedelta(6))
    on_day_5 = portfolio_metrics(book, K + dt.timedelta(5))
    assert on_day_6.ttfv_median_days == 6
    assert on_day_5.ttfv_median_days is None
    assert on_day_5.by_account[0].completion == 0.0


def test_a_book_import_records_when_usage_criteria_were_met(book: Database, tmp_path: Path) -> None:
    one_account_book(book)
    export_book(book, tmp_path / "book.xlsx")
    fresh = open_database(tmp_path / "fresh.sqlite3")
    try:
        import_book(fresh, tmp_path / "book.xlsx")
        with fresh.session() as session:
            account_id = session.scalars(select(Account.id)).one()
        met = account_detail(fresh, account_id, K + dt.timedelta(60)).ladder[0].criterion_met_on
    finally:
        fresh.close()
    assert met == K + dt.timedelta(5)  # login 1 + 2 over days 4–5
