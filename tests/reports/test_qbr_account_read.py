"""The QBR reads the account page's data itself: the same milestones, people and kickoff as
the account page's view (``services.accounts.account_detail``) gives, without its module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from csm_desktop.services.accounts import account_detail
from csm_desktop.services.qbr_story import _prepared_for, qbr_story
from csm_desktop.store.database import open_database
from csm_desktop.store.queries.accounts import account_names, account_page

TODAY = dt.date(2026, 6, 30)


def test_the_qbr_shows_the_account_pages_ladder_people_and_kickoff(
    demo_copy: Callable[[dt.date], Path],
) -> None:
    database = open_database(demo_copy(TODAY))
    try:
        with database.session() as session:
            ids = sorted(account_names(session))
        assert len(ids) > 5
        for account_id in ids:
            data = qbr_story(database, account_id, TODAY)
            page = account_detail(database, account_id, TODAY, with_timeline=False)
            assert (data.account, data.external_id, data.csm, data.playbook) == (
                page.name, page.external_id, page.owner, page.playbook
            )  # fmt: skip
            assert (data.seats, data.segment) == (page.seats, page.segment)
            assert [
                (m.title, m.role, m.target_day, m.due_on, m.status, m.achieved_on, m.evidence,
                 m.first_value, m.definition_of_done, m.status_reason, m.replanned_on)
                for m in data.milestones
            ] == [
                (s.title, s.role, s.target_day, s.due_on, s.status, s.achieved_on, s.evidence,
                 s.first_value, s.definition_of_done, s.status_reason, s.replanned_on)
                for s in page.ladder
            ]  # fmt: skip
            kickoff = page.kickoff
            assert data.success_statement == (kickoff.success_statement if kickoff else "")
            assert [(c.text, c.met_on) for c in data.done_criteria] == [
                (text, met_on) for _id, text, met_on in (kickoff.done_criteria if kickoff else ())
            ]
            assert data.prepared_for == _prepared_for(page.contacts)
    finally:
        database.close()


def test_the_page_without_answers_is_the_page_with_them_but_the_answers(
    demo_copy: Callable[[dt.date], Path],
) -> None:
    database = open_database(demo_copy(TODAY))
    try:
        with database.session() as session:
            answered = 0
            for account_id in sorted(account_names(session)):
                full = account_page(session, account_id)
                lean = account_page(session, account_id, with_answers=False)
                assert full is not None and lean is not None
                if full.kickoff is None:
                    assert lean.kickoff is None
                    continue
                answered += bool(full.kickoff.answers)
                assert lean.kickoff is not None and lean.kickoff.answers == ()
                assert lean._replace(kickoff=None) == full._replace(kickoff=None)
                assert lean.kickoff._replace(answers=()) == full.kickoff._replace(answers=())
            assert answered > 0  # the demo book's kickoffs have answers: the check has teeth
    finally:
        database.close()
