"""Invariants of the bundled demo book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.demo import VETERANS, create_demo_book
from csm_desktop.services.long_term import long_term, long_term_summary
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Advocacy,
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


def test_demo_book_has_forty_first_year_accounts_and_last_years_cohort(demo: Database) -> None:
    """40 accounts kicked off over the last nine months, in three segments, and the 8 of
    last year's cohort, each kicked off within two weeks of the others, over a year ago."""
    with demo.session() as session:
        segments = dict(
            session.execute(select(Account.segment, func.count()).group_by(Account.segment)).all()
        )
        kickoffs = dict(session.execute(select(Account.name, Account.kickoff_on)).all())
    assert sum(segments.values()) == 48
    assert set(segments) == {"SMB", "Mid-market", "Enterprise"}
    veterans = {veteran.name for veteran in VETERANS}
    first_year = [on for name, on in kickoffs.items() if name not in veterans]
    assert len(first_year) == 40 and len(veterans) == 8
    assert min(first_year) >= TODAY - dt.timedelta(days=280)
    assert max(first_year) <= TODAY
    last_year = sorted(kickoffs[name] for name in veterans)
    assert last_year[0] >= TODAY - dt.timedelta(days=406)
    assert last_year[-1] <= TODAY - dt.timedelta(days=394)


def test_last_years_cohort_renewed_or_churned_by_first_value(demo: Database) -> None:
    """On time first value renewed, most with expansion; late renewed flat or churned; the
    first-year accounts renewing within 120 days are pending. What ``metrics`` prints."""
    metrics = long_term(demo, TODAY)
    assert long_term_summary(metrics) == (
        "  Renewals decided: 8; renewal rate 75.0 %, NRR 105.8 %\n"
        "    first value on time: 5 decided, renewal rate 100.0 %, NRR 127.0 %\n"
        "    first value late: 3 decided, renewal rate 33.3 %, NRR 95.8 %"
    )
    on_time, late = metrics.by_first_value["on time"], metrics.by_first_value["late"]
    assert [(r.account, r.arr_before, r.arr_after) for r in on_time.renewals] == [
        ("Bellwether Labs", 67400.0, 84200.0),
        ("Copperfield Analytics", 33100.0, 38100.0),
        ("Harbor & Pine Logistics", 347000.0, 451100.0),
        ("Lakeside Veterinary", 14000.0, 14000.0),
        ("Orchard Lane Pharmacy", 16900.0, 20300.0),
    ]
    assert [(r.account, r.outcome.value, r.arr_after) for r in late.renewals] == [
        ("Granite Peak Builders", "churned", None),
        ("Kestrel Aviation", "renewed", 963300.0),
        ("Sundial Insurance", "churned", None),
    ]
    assert not metrics.neither.renewals
    assert [(r.account, r.renewal_on.isoformat(), r.outcome.value) for r in metrics.pending] == [
        ("Contoso Health", "2027-03-07", "pending"),
        ("Fabrikam Manufacturing", "2027-03-16", "pending"),
        ("Northwind Traders", "2027-03-04", "pending"),
        ("Tailspin Freight", "2027-03-18", "pending"),
    ]
    with demo.session() as session:
        archived = session.scalars(select(Account.name).where(Account.archived)).all()
        renewed = session.execute(
            select(Account.arr, Account.renewal_on).where(Account.name == "Bellwether Labs")
        ).one()
    assert sorted(archived) == ["Granite Peak Builders", "Sundial Insurance"]  # churned
    # A renewed account's ARR and next renewal are those of its new contract.
    assert renewed == (84200.0, dt.date(2027, 10, 28))


def test_happy_renewed_customers_gave_references_a_case_study_and_reviews(
    demo: Database,
) -> None:
    with demo.session() as session:
        acts = session.execute(
            select(Account.name, Advocacy.kind, Advocacy.happened_on)
            .join(Advocacy, Advocacy.account_id == Account.id)
            .order_by(Account.name)
        ).all()
    assert [(name, kind, on.isoformat()) for name, kind, on in acts] == [
        ("Bellwether Labs", "reference", "2026-08-24"),
        ("Copperfield Analytics", "review", "2026-11-02"),
        ("Harbor & Pine Logistics", "case study", "2026-11-05"),
        ("Lakeside Veterinary", "review", "2026-11-09"),
        ("Orchard Lane Pharmacy", "reference", "2026-05-06"),
    ]


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
    assert accounts_with_usage == 48
    assert metrics == 96
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
