"""Re-plan and risks & asks as services: what is refused, what is logged, what stays."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.errors import BadInput
from csm_desktop.services.account_story import (
    add_ask,
    blocked_reasons,
    list_asks,
    replan_candidates,
    replan_milestones,
    resolve_ask,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Role, StatusChange

TODAY = dt.date(2026, 4, 15)


def _account(book: Database) -> tuple[int, list[int]]:
    """Kickoff 1 Mar: A due 10 Mar (open), B due 20 Mar (achieved), C due 1 May (open),
    D due 1 Apr re-planned to 10 Apr (open, so past its plan again), E blocked, due 1 Jun."""
    with book.session() as session:
        role = session.scalars(select(Role)).first()
        account = Account(name="Acme", kickoff_on=dt.date(2026, 3, 1))
        session.add(account)
        session.flush()
        rows = [
            ("A", dt.date(2026, 3, 10), "not started", None, ""),
            ("B", dt.date(2026, 3, 20), "achieved", None, ""),
            ("C", dt.date(2026, 5, 1), "in progress", None, ""),
            ("D", dt.date(2026, 4, 1), "in progress", dt.date(2026, 4, 10), ""),
            ("E", dt.date(2026, 6, 1), "blocked", None, "Waiting for legal"),
        ]
        ids = []
        for position, (title, due, status, replanned, reason) in enumerate(rows):
            milestone = AccountMilestone(
                account_id=account.id, position=position, title=title, role=role, target_day=9,
                due_on=due, status=status, replanned_on=replanned, status_reason=reason,
            )  # fmt: skip
            session.add(milestone)
            session.flush()
            ids.append(milestone.id)
        return account.id, ids


def test_candidates_are_open_milestones_whose_plan_date_passed(book: Database) -> None:
    account_id, _ids = _account(book)
    found = replan_candidates(book, account_id, TODAY)
    assert [(c.title, c.planned_on) for c in found] == [
        ("A", dt.date(2026, 3, 10)),
        ("D", dt.date(2026, 4, 10)),
    ]


def test_replan_sets_the_new_date_keeps_due_on_and_logs(book: Database) -> None:
    account_id, ids = _account(book)
    left = replan_milestones(book, [ids[0], ids[3]], dt.date(2026, 5, 5), today=TODAY)
    assert sorted(left) == sorted([ids[0], ids[3]])
    with book.session() as session:
        a = session.get(AccountMilestone, ids[0])
        assert a is not None and (a.due_on, a.replanned_on) == (
            dt.date(2026, 3, 10),
            dt.date(2026, 5, 5),
        )
        reasons = list(session.scalars(select(StatusChange.reason).order_by(StatusChange.id)))
    assert reasons == [
        "re-planned from 10 Mar 2026 to 5 May 2026 (due date stays 10 Mar 2026)",
        "re-planned from 10 Apr 2026 to 5 May 2026 (due date stays 1 Apr 2026)",
    ]
    assert replan_candidates(book, account_id, TODAY) == []


def test_replan_refuses_a_past_date_and_a_closed_milestone(book: Database) -> None:
    _account_id, ids = _account(book)
    with pytest.raises(BadInput, match="is in the past"):
        replan_milestones(book, [ids[0]], dt.date(2026, 4, 14), today=TODAY)
    with pytest.raises(BadInput, match="“B” is no longer open"):
        replan_milestones(book, [ids[0], ids[1]], dt.date(2026, 5, 5), today=TODAY)
    with book.session() as session:
        a = session.get(AccountMilestone, ids[0])
        assert a is not None and a.replanned_on is None  # nothing changed


def test_replan_refuses_a_deleted_milestone_by_its_id_and_moves_none(book: Database) -> None:
    _account_id, ids = _account(book)
    with book.session() as session:
        session.delete(session.get(AccountMilestone, ids[3]))
    with pytest.raises(BadInput) as refused:
        replan_milestones(book, [ids[0], ids[3]], dt.date(2026, 5, 5), today=TODAY)
    assert str(refused.value) == f"Milestone #{ids[3]} no longer exists; refresh the account."
    with book.session() as session:
        a = session.get(AccountMilestone, ids[0])
        assert a is not None and a.replanned_on is None


def test_asks_start_from_blocked_reasons_and_list_open_first(book: Database) -> None:
    account_id, ids = _account(book)
    assert [(b.title, b.reason) for b in blocked_reasons(book, account_id)] == [
        ("E", "Waiting for legal")
    ]
    first, _version = add_ask(
        book, account_id, "ask", " Sign the DPA ", owner="Legal",
        due_on=dt.date(2026, 4, 30), milestone_id=ids[4], created_on=TODAY,
    )  # fmt: skip
    second, _version = add_ask(book, account_id, "risk", "Budget freeze", created_on=TODAY)
    resolve_ask(book, first, TODAY)
    assert [(e.id, e.text, e.milestone, e.resolved_on) for e in list_asks(book, account_id)] == [
        (second, "Budget freeze", "", None),
        (first, "Sign the DPA", "E", TODAY),
    ]
    with pytest.raises(BadInput, match="text is empty"):
        add_ask(book, account_id, "ask", "   ", created_on=TODAY)
    with pytest.raises(BadInput, match="neither an ask nor a risk"):
        add_ask(book, account_id, "wish", "x", created_on=TODAY)
