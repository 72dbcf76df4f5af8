"""Invariants of the bundled demo book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.demo import create_demo_book
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    MilestoneTemplate,
    Role,
    UsageEvent,
    ValueMetric,
)
from csm_desktop.store.queries.usage_rows import usage_features

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from csm_desktop.store.database import open_database

    database = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    create_demo_book(database, today=TODAY)
    yield database
    database.close()


def test_demo_book_has_about_forty_accounts_in_three_segments(demo: Database) -> None:
    with demo.session() as session:
        segments = dict(
            session.execute(select(Account.segment, func.count()).group_by(Account.segment)).all()
        )
        kickoffs = session.scalars(select(Account.kickoff_on)).all()
    assert sum(segments.values()) == 40
    assert set(segments) == {"SMB", "Mid-market", "Enterprise"}
    assert min(kickoffs) >= TODAY - dt.timedelta(days=280)
    assert max(kickoffs) <= TODAY


def test_every_status_appears(demo: Database) -> None:
    with demo.session() as session:
        statuses = set(session.scalars(select(AccountMilestone.status).distinct()))
    assert statuses == {status.value for status in Status}


def test_every_account_has_contacts_and_a_ladder_in_all_three_roles(demo: Database) -> None:
    with demo.session() as session:
        for account in session.scalars(select(Account)):
            ladder_roles = {m.role.name for m in account.milestones}
            contact_roles = {c.role.name for c in account.contacts if c.role}
            assert ladder_roles == {"Administrator", "Power user", "Operator"}, account.name
            assert contact_roles == {"Administrator", "Power user", "Operator"}, account.name


def test_due_dates_are_kickoff_plus_target_day(demo: Database) -> None:
    with demo.session() as session:
        for account in session.scalars(select(Account)):
            for milestone in account.milestones:
                assert milestone.due_on == account.kickoff_on + dt.timedelta(
                    days=milestone.target_day
                )


def test_templates_carry_real_content(demo: Database) -> None:
    with demo.session() as session:
        templates = session.scalars(select(MilestoneTemplate)).all()
        roles = {t.role.name for t in templates}
    assert roles == {"Administrator", "Power user", "Operator"}
    for template in templates:
        assert template.purpose and template.expected_actions and template.risks
        assert template.success_feature and template.success_threshold
        assert "{account}" in template.message_email_subject
    assert sum(t.first_value for t in templates) == 1


def test_achieved_milestones_have_dates_and_blocked_ones_reasons(demo: Database) -> None:
    with demo.session() as session:
        for milestone in session.scalars(select(AccountMilestone)):
            if milestone.status == "achieved":
                assert milestone.achieved_on is not None and milestone.achieved_on <= TODAY
            if milestone.status in ("blocked", "skipped"):
                assert milestone.status_reason


def test_usage_values_and_contacts_exist(demo: Database) -> None:
    with demo.session() as session:
        usage = session.scalar(select(func.count()).select_from(UsageEvent))
        metrics = session.scalar(select(func.count()).select_from(ValueMetric))
        contacts = session.scalar(select(func.count()).select_from(Contact))
        accounts_with_usage = session.scalar(select(func.count(UsageEvent.account_id.distinct())))
        roles = session.scalar(select(func.count()).select_from(Role))
    assert usage > 20_000
    assert accounts_with_usage == 40
    assert metrics == 80
    assert contacts >= 120
    assert roles == 3


def test_the_same_day_gives_the_same_book(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from csm_desktop.store.database import open_database

    snapshots = []
    for name in ("a", "b"):
        database = open_database(tmp_path / f"{name}.sqlite3")
        create_demo_book(database, today=TODAY)
        with database.session() as session:
            snapshots.append(
                session.execute(
                    select(AccountMilestone.title, AccountMilestone.status,
                           AccountMilestone.achieved_on).order_by(AccountMilestone.id)
                ).all()
            )  # fmt: skip
        database.close()
    assert snapshots[0] == snapshots[1]


def test_demo_refuses_a_book_that_already_has_accounts(demo: Database) -> None:
    with pytest.raises(BadInput, match="already holds accounts"):
        create_demo_book(demo, today=TODAY)


def test_every_demo_feature_has_a_display_name_and_export_spellings_resolve(
    demo: Database,
) -> None:
    from csm_desktop.services.features import load_vocabulary

    vocabulary = load_vocabulary(demo)
    with demo.session() as session:
        used = usage_features(session)
    assert used <= set(vocabulary.keys())
    assert vocabulary.display_name("integration_dashboard") == "Integration dashboard"
    assert vocabulary.resolve("User Invited") == "user_invited"
    assert vocabulary.resolve("Dashboard Viewed") == "dashboard_view"
    assert vocabulary.resolve("saml login") == "sso_login"
