"""Edits on one account through the services the window uses, on a real SQLite book."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import (
    AccountFields,
    ContactFields,
    KickoffFields,
)
from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    StatusChange,
)

TODAY = dt.date(2026, 4, 1)
KICKOFF = dt.date(2026, 3, 2)


@pytest.fixture
def account_id(book: Database) -> int:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(key="sso", title="SSO", role=roles["Administrator"], target_day=7),
            MilestoneTemplate(key="flow", title="Workflow", role=roles["Power user"],
                              target_day=14, first_value=True),
            MilestoneTemplate(key="dash", title="Dashboard", role=roles["Operator"], target_day=30),
        ]  # fmt: skip
        playbook = Playbook(name="Standard", version=1)
        playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates)]
        session.add(playbook)
        session.flush()
        playbook_id = playbook.id
    return account_edits.create_account(
        book,
        AccountFields(name="Zoë's <Bakery> & Co", external_id="Z-1", segment="SMB",
                      kickoff_on=KICKOFF, signed_on=KICKOFF),
        playbook_id,
    )  # fmt: skip


def ladder(book: Database, account_id: int) -> list[tuple[str, str, dt.date | None]]:
    detail = account_detail(book, account_id, TODAY)
    return [(s.title, s.status.value, s.due_on) for s in detail.ladder]


def test_new_account_gets_its_ladder_due_from_kickoff(book: Database, account_id: int) -> None:
    assert ladder(book, account_id) == [
        ("SSO", "not started", dt.date(2026, 3, 9)),
        ("Workflow", "not started", dt.date(2026, 3, 16)),
        ("Dashboard", "not started", dt.date(2026, 4, 1)),
    ]
    assert account_edits.playbook_choices(book) == [(1, "Standard v1")]


def test_duplicate_account_names_and_external_ids_are_refused(
    book: Database, account_id: int
) -> None:
    with pytest.raises(BadInput, match="already exists"):
        account_edits.create_account(book, AccountFields(name=" zoë's <bakery> & co "), None)
    with pytest.raises(BadInput, match="External ID Z-1"):
        account_edits.create_account(book, AccountFields(name="Other", external_id="Z-1"), None)
    with pytest.raises(BadInput, match="name"):
        account_edits.create_account(book, AccountFields(name="  "), None)


def test_status_edit_and_its_undo_are_both_logged(book: Database, account_id: int) -> None:
    sso = account_detail(book, account_id, TODAY).ladder[0].id
    before = account_edits.set_status(book, sso, Status.ACHIEVED, on=dt.date(2026, 3, 8))
    assert before.status is Status.NOT_STARTED
    assert ladder(book, account_id)[0][1] == "achieved"
    account_edits.restore_milestone(book, sso, before)
    state = account_edits.milestone_state(book, sso)
    assert (state.status, state.achieved_on, state.evidence) == (Status.NOT_STARTED, None, None)
    with book.session() as session:
        log = session.execute(
            select(StatusChange.from_status, StatusChange.to_status, StatusChange.reason)
            .where(StatusChange.milestone_id == sso).order_by(StatusChange.id)
        ).all()  # fmt: skip
    assert [tuple(row) for row in log] == [
        ("not started", "achieved", ""),
        ("achieved", "not started", "undone"),
    ]


def test_due_date_override_is_kept_and_undoable(book: Database, account_id: int) -> None:
    dash = account_detail(book, account_id, TODAY).ladder[2].id
    before = account_edits.set_due_date(book, dash, dt.date(2026, 4, 15))
    assert ladder(book, account_id)[2][2] == dt.date(2026, 4, 15)
    account_edits.restore_milestone(book, dash, before)
    assert ladder(book, account_id)[2][2] == dt.date(2026, 4, 1)


def test_contacts_can_be_added_edited_and_removed_with_new_roles(
    book: Database, account_id: int
) -> None:
    contact, _version = account_edits.add_contact(
        book, account_id, ContactFields("Łucja Nowak", "Administrator", "l@x.example", "CIO")
    )
    account_edits.update_contact(book, contact, ContactFields("Łucja Nowak", "Executive sponsor"))
    detail = account_detail(book, account_id, TODAY)
    assert [(c.name, c.role, c.email) for c in detail.contacts] == [
        ("Łucja Nowak", "Executive sponsor", None)
    ]
    assert "Executive sponsor" in account_edits.role_names(book)
    account_edits.remove_contact(book, contact)
    assert account_detail(book, account_id, TODAY).contacts == ()


def test_kickoff_is_saved_and_criteria_can_be_ticked(book: Database, account_id: int) -> None:
    account_edits.save_kickoff(
        book,
        account_id,
        KickoffFields(
            held_on=KICKOFF,
            attendees="Ana Smith, Kenji Tanaka",
            success_statement="Reports run themselves",
            answers={"Administrator": "No tickets for access", "Operator": ""},
            done_criteria=(("Users can sign in", None), ("", None), ("First workflow", None)),
        ),
    )
    kickoff = account_detail(book, account_id, TODAY).kickoff
    assert kickoff is not None
    assert kickoff.answers == (("Administrator", "No tickets for access"),)
    assert [text for _id, text, _met in kickoff.done_criteria] == [
        "Users can sign in",
        "First workflow",
    ]
    account_edits.tick_done_criterion(book, kickoff.done_criteria[1][0], TODAY)
    kickoff = account_detail(book, account_id, TODAY).kickoff
    assert kickoff is not None
    assert [met for _id, _text, met in kickoff.done_criteria] == [None, TODAY]


def test_moving_the_kickoff_moves_open_due_dates(book: Database, account_id: int) -> None:
    sso = account_detail(book, account_id, TODAY).ladder[0].id
    account_edits.set_status(book, sso, Status.ACHIEVED, on=dt.date(2026, 3, 8))
    moved = account_edits.move_account_kickoff(
        book, account_id, dt.date(2026, 3, 9), move_open_due_dates=True
    )
    assert moved == 2
    assert [due for _t, _s, due in ladder(book, account_id)] == [
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 23),
        dt.date(2026, 4, 8),
    ]


def test_editing_a_deleted_milestone_is_a_clear_error(book: Database, account_id: int) -> None:
    sso = account_detail(book, account_id, TODAY).ladder[0].id
    with book.session() as session:
        session.delete(session.get(AccountMilestone, sso))
    with pytest.raises(BadInput) as refused:
        account_edits.set_status(book, sso, Status.IN_PROGRESS, on=TODAY)
    assert str(refused.value) == f"Milestone #{sso} no longer exists; refresh the account."


def test_applying_a_playbook_again_adds_only_missing_milestones(
    book: Database, account_id: int
) -> None:
    assert account_edits.apply_playbook_to_account(book, account_id, 1) == 0
    other = account_edits.create_account(book, AccountFields(name="Bare", kickoff_on=KICKOFF), None)
    assert account_edits.apply_playbook_to_account(book, other, 1) == 3
    assert [t for t, _s, _d in ladder(book, other)] == ["SSO", "Workflow", "Dashboard"]


def test_account_details_can_be_edited_but_names_stay_unique(
    book: Database, account_id: int
) -> None:
    account_edits.create_account(book, AccountFields(name="Northwind"), None)
    fields = AccountFields(name="Zoë's Bakery", external_id="Z-9", segment="Mid-market",
                           owner="Maya Chen", arr=12000.0)  # fmt: skip
    account_edits.update_account(book, account_id, fields)
    detail = account_detail(book, account_id, TODAY)
    assert (detail.name, detail.external_id, detail.segment, detail.arr) == (
        "Zoë's Bakery", "Z-9", "Mid-market", 12000.0,
    )  # fmt: skip
    assert detail.kickoff_on == KICKOFF  # kickoff moves only through the kickoff dialog
    with pytest.raises(BadInput, match="already exists"):
        account_edits.update_account(book, account_id, AccountFields(name="NORTHWIND"))


def test_moving_the_kickoff_finds_the_usage_criterion_again(book: Database) -> None:
    from csm_desktop.store.models import Account, UsageEvent

    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Operator")).one()
        template = MilestoneTemplate(key="daily", title="Daily use", role=role, target_day=14,
                                     success_feature="login", success_threshold=3,
                                     success_window_days=2)  # fmt: skip
        playbook = Playbook(name="Tiny", version=1)
        playbook.steps = [PlaybookStep(template=template, position=1)]
        account = Account(name="Early bird", kickoff_on=KICKOFF)
        session.add_all([playbook, account])
        session.flush()
        from csm_desktop.services.ladder import apply_playbook

        apply_playbook(session, account, playbook)
        for day, count in ((2, 2), (3, 1), (20, 2), (21, 2)):  # met on day 3, again day 21
            session.add(UsageEvent(account_id=account.id, day=KICKOFF + dt.timedelta(day),
                                   feature="Login", count=count))  # fmt: skip
        account_id = account.id
    from csm_desktop.services.evidence import refresh_usage_evidence

    with book.session() as session:
        refresh_usage_evidence(session, [account_id])
    met = account_detail(book, account_id, TODAY).ladder[0].criterion_met_on
    assert met == KICKOFF + dt.timedelta(3)
    account_edits.save_kickoff(book, account_id, KickoffFields(held_on=KICKOFF + dt.timedelta(10)))
    detail = account_detail(book, account_id, TODAY)
    assert detail.kickoff_on == KICKOFF + dt.timedelta(10)
    assert detail.ladder[0].criterion_met_on == KICKOFF + dt.timedelta(21)  # days ≥ new K only
    assert detail.ladder[0].due_on == KICKOFF + dt.timedelta(24)  # moved with the kickoff
