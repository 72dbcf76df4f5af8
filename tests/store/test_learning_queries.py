"""store.queries.renewals and the feedback-workbook queries of store.queries.feedback, on a
real book.

Hand-made book: "Acme" with milestone "Setup" and contact "Zoë"; "Globex" with nothing.
Acme's renewals were entered 2027-03-01 then 2026-03-01; its advocacy 2026-05-01 "review",
2026-04-01 "reference", 2026-04-01 "case study" (same day, entered after the reference).
Feedback: Acme 2026-02-01 "Great" on Setup by Zoë (positive), Acme 2026-02-01 "Slow" with
neither, Globex 2026-02-02 "Hm".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Advocacy,
    Contact,
    Feedback,
    Renewal,
    Role,
)
from csm_desktop.store.queries.feedback import citable_names, feedback_entries, feedback_given
from csm_desktop.store.queries.renewals import (
    account_advocacy,
    account_renewals,
    all_renewals,
    renewal_on_date,
)

D = dt.date


def _book(database: Database) -> tuple[int, int]:
    with database.session() as session:
        admin = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        acme, globex = Account(name="Acme"), Account(name="Globex")
        session.add_all([acme, globex])
        session.flush()
        setup = AccountMilestone(account=acme, position=0, title="Setup", role=admin, target_day=7)
        zoe = Contact(account=acme, name="Zoë")
        session.add_all([setup, zoe])
        session.flush()
        session.add_all(
            [
                Renewal(account_id=acme.id, renewal_on=D(2027, 3, 1), outcome="pending"),
                Renewal(account_id=acme.id, renewal_on=D(2026, 3, 1), outcome="renewed"),
                Advocacy(account_id=acme.id, kind="review", happened_on=D(2026, 5, 1)),
                Advocacy(account_id=acme.id, kind="reference", happened_on=D(2026, 4, 1)),
                Advocacy(account_id=acme.id, kind="case study", happened_on=D(2026, 4, 1)),
                Feedback(account_id=acme.id, given_on=D(2026, 2, 1), text="Great",
                         sentiment="positive", milestone_id=setup.id, contact_id=zoe.id),
                Feedback(account_id=acme.id, given_on=D(2026, 2, 1), text="Slow"),
                Feedback(account_id=globex.id, given_on=D(2026, 2, 2), text="Hm"),
            ]
        )  # fmt: skip
        return acme.id, globex.id


def test_renewals_and_advocacy_of_one_account_oldest_first(book: Database) -> None:
    acme, globex = _book(book)
    with book.session() as session:
        assert [r.renewal_on for r in account_renewals(session, acme)] == [
            D(2026, 3, 1),
            D(2027, 3, 1),
        ]
        assert account_renewals(session, globex) == []
        assert [a.kind for a in account_advocacy(session, acme)] == [
            "reference",
            "case study",
            "review",
        ]
        assert len(all_renewals(session)) == 2


def test_renewal_on_a_date_is_found_only_on_that_account_and_date(book: Database) -> None:
    acme, globex = _book(book)
    with book.session() as session:
        found = renewal_on_date(session, acme, D(2026, 3, 1))
        assert found is not None and found.outcome == "renewed"
        assert renewal_on_date(session, acme, D(2026, 3, 2)) is None
        assert renewal_on_date(session, globex, D(2026, 3, 1)) is None


def test_feedback_entries_carry_milestone_and_contact_names(book: Database) -> None:
    _book(book)
    with book.session() as session:
        rows = sorted(
            (f.text, milestone, contact) for f, milestone, contact in feedback_entries(session)
        )
    assert rows == [("Great", "Setup", "Zoë"), ("Hm", None, None), ("Slow", None, None)]


def test_feedback_given_matches_account_date_and_exact_text(book: Database) -> None:
    acme, globex = _book(book)
    with book.session() as session:
        found = feedback_given(session, acme, D(2026, 2, 1), "Slow")
        assert found is not None and found.sentiment == "neutral"
        assert feedback_given(session, acme, D(2026, 2, 1), "slow") is None
        assert feedback_given(session, globex, D(2026, 2, 1), "Slow") is None


def test_citable_names_pair_each_account_with_its_milestones_and_contacts(book: Database) -> None:
    _book(book)
    with book.session() as session:
        milestones, contacts = citable_names(session)
    assert milestones == [("Acme", "Setup")]
    assert contacts == [("Acme", "Zoë")]
