"""Applying playbooks, changing statuses and moving kickoff, on a real SQLite book."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.ladder import apply_playbook, change_status, move_kickoff
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, MilestoneTemplate, Playbook, PlaybookStep, Role

KICKOFF = dt.date(2026, 3, 2)


def make_playbook(session, roles) -> Playbook:  # type: ignore[no-untyped-def]
    templates = [
        MilestoneTemplate(key="sso", title="SSO", role=roles["Administrator"], target_day=7),
        MilestoneTemplate(
            key="flow", title="First workflow", role=roles["Power user"], target_day=14,
            first_value=True, definition_of_done="10 runs in a week",
        ),
        MilestoneTemplate(key="dash", title="Dashboard", role=roles["Operator"], target_day=30),
    ]  # fmt: skip
    playbook = Playbook(name="Standard", version=1)
    playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates, 1)]
    session.add(playbook)
    session.flush()
    return playbook


def test_applying_a_playbook_snapshots_templates_due_at_kickoff_plus_target_day(
    book: Database,
) -> None:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        playbook = make_playbook(session, roles)
        account = Account(name="Northwind", kickoff_on=KICKOFF)
        session.add(account)
        apply_playbook(session, account, playbook)
        # Editing the template afterwards must not rewrite the account's snapshot.
        playbook.steps[1].template.title = "Renamed later"
        playbook.steps[1].template.target_day = 21
    with book.session() as session:
        account = session.scalars(select(Account)).one()
        ladder = [(m.title, m.role.name, m.due_on, m.status) for m in account.milestones]
        assert account.milestones[1].definition_of_done == "10 runs in a week"
        assert account.milestones[1].first_value is True
    assert ladder == [
        ("SSO", "Administrator", dt.date(2026, 3, 9), "not started"),
        ("First workflow", "Power user", dt.date(2026, 3, 16), "not started"),
        ("Dashboard", "Operator", dt.date(2026, 4, 1), "not started"),
    ]


def test_custom_ordering_reorders_the_ladder(book: Database) -> None:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        playbook = make_playbook(session, roles)
        account = Account(name="Northwind", kickoff_on=KICKOFF)
        session.add(account)
        apply_playbook(session, account, playbook, ordering=["dash", "sso"])
        assert [m.title for m in account.milestones] == ["Dashboard", "SSO", "First workflow"]


def test_an_account_without_any_date_cannot_get_a_ladder(book: Database) -> None:
    with pytest.raises(BadInput, match="no kickoff"), book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        playbook = make_playbook(session, roles)
        account = Account(name="Dateless")
        session.add(account)
        apply_playbook(session, account, playbook)


def test_status_changes_are_logged_and_blocked_needs_a_reason(book: Database) -> None:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        account = Account(name="Northwind", kickoff_on=KICKOFF)
        session.add(account)
        apply_playbook(session, account, make_playbook(session, roles))
        sso = account.milestones[0]
        with pytest.raises(BadInput, match="reason"):
            change_status(session, sso, Status.BLOCKED, on=dt.date(2026, 3, 4), reason="  ")
        change_status(session, sso, Status.IN_PROGRESS, on=dt.date(2026, 3, 3))
        change_status(session, sso, Status.BLOCKED, on=dt.date(2026, 3, 4), reason="IT freeze")
        change_status(session, sso, Status.ACHIEVED, on=dt.date(2026, 3, 8))
    with book.session() as session:
        sso = session.scalars(select(Account)).one().milestones[0]
        history = [(c.changed_on.day, c.from_status, c.to_status, c.reason) for c in sso.history]
        assert (sso.status, sso.started_on, sso.achieved_on, sso.evidence, sso.status_reason) == (
            "achieved", dt.date(2026, 3, 3), dt.date(2026, 3, 8), "manual", "",
        )  # fmt: skip
    assert history == [
        (3, "not started", "in progress", ""),
        (4, "in progress", "blocked", "IT freeze"),
        (8, "blocked", "achieved", ""),
    ]


def test_moving_kickoff_shifts_only_open_due_dates(book: Database) -> None:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        account = Account(name="Northwind", kickoff_on=KICKOFF)
        session.add(account)
        apply_playbook(session, account, make_playbook(session, roles))
        change_status(session, account.milestones[0], Status.ACHIEVED, on=dt.date(2026, 3, 8))
        moved = move_kickoff(session, account, dt.date(2026, 3, 9), move_open_due_dates=True)
        dues = [m.due_on for m in account.milestones]
    assert moved == 2
    assert dues == [dt.date(2026, 3, 9), dt.date(2026, 3, 23), dt.date(2026, 4, 8)]


def test_moving_kickoff_without_moving_due_dates_keeps_them(book: Database) -> None:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        account = Account(name="Northwind", kickoff_on=KICKOFF)
        session.add(account)
        apply_playbook(session, account, make_playbook(session, roles))
        moved = move_kickoff(session, account, dt.date(2026, 3, 9), move_open_due_dates=False)
        assert moved == 0
        assert account.kickoff_on == dt.date(2026, 3, 9)
        assert account.milestones[2].due_on == dt.date(2026, 4, 1)
