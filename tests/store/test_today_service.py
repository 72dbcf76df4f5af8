"""The Today list, touchpoints and celebrations over a hand-built book on real SQLite."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.nudges import NudgeKind
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.services.today import celebration, log_touchpoint, role_progress_of, today_list
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    Contact,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    UsageEvent,
)

TODAY = dt.date(2026, 11, 26)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def build(book: Database) -> dict[str, int]:
    """Northwind: two overdue (first value one included), never changed. Contoso: SSO achieved
    16 days ago (unlock unused), workflow criterion met yesterday, dashboard due in 5 days.
    Archived Oldco: overdue but never listed."""
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        sso = MilestoneTemplate(
            key="sso",
            title="SSO",
            role=roles["Administrator"],
            target_day=7,
            unlocks="sso_login",
            cue="Book the IdP change.",
            message_in_app="{role}s at {account}: {milestone} by {due_date}. {cue}",
            message_email_subject="{account}: {milestone}",
            message_email_body="Hi {contact},\n{milestone} is due {due_date}.\n{csm}",
            help_article="https://help.example.com/sso",
        )
        flow = MilestoneTemplate(
            key="flow",
            title="First workflow",
            role=roles["Power user"],
            target_day=14,
            first_value=True,
            help_article="https://help.example.com/flow",
        )
        dash = MilestoneTemplate(
            key="dash", title="Dashboard", role=roles["Operator"], target_day=30,
            message_in_app="Hi {contact}: {milestone} due {due_date}",
        )  # fmt: skip
        playbook = Playbook(name="Standard", version=1)
        playbook.steps = [
            PlaybookStep(template=t, position=i) for i, t in enumerate((sso, flow, dash), 1)
        ]
        north = Account(name="Northwind", kickoff_on=ago(20), owner="Maya Chen")
        north.contacts = [
            Contact(name="Björn García", role=roles["Administrator"], email="b@n.example"),
            Contact(name="Ana Nowak", role=roles["Power user"]),
        ]
        contoso = Account(name="Contoso", kickoff_on=ago(25), owner="Jonas Keller")
        contoso.contacts = [Contact(name="Zoë Ødegård", role=roles["Administrator"])]
        oldco = Account(name="Oldco", kickoff_on=ago(100), archived=True)
        session.add_all([playbook, north, contoso, oldco])
        session.flush()
        for account in (north, contoso, oldco):
            apply_playbook(session, account, playbook)
        c_sso, c_flow, _c_dash = contoso.milestones
        change_status(session, c_sso, Status.ACHIEVED, on=ago(16))
        change_status(session, c_flow, Status.IN_PROGRESS, on=ago(3))
        c_flow.criterion_met_on = ago(1)
        session.add(UsageEvent(account_id=contoso.id, day=ago(16), feature="sso_login", count=4))
        session.flush()
        return {
            "north": north.id,
            "contoso": contoso.id,
            "c_sso": c_sso.id,
            "c_flow": c_flow.id,
            "n_flow": north.milestones[1].id,
            "north_ana": north.contacts[1].id,
            "contoso_zoe": contoso.contacts[0].id,
        }


def summary(book: Database) -> list[tuple[str, str, str | None, str]]:
    return [
        (i.nudge.kind.value, i.nudge.account, i.nudge.milestone, i.nudge.reason)
        for i in today_list(book, TODAY)
    ]


def test_today_list_ranks_what_needs_the_csm_across_the_active_book(book: Database) -> None:
    build(book)
    assert summary(book) == [
        ("overdue", "Northwind", "First workflow",
         "Overdue by 6 days, first value; 1 more overdue"),
        ("due soon", "Contoso", "Dashboard", "Due in 5 days"),
        ("criterion met", "Contoso", "First workflow",
         "Usage criterion met on 2026-11-25: confirm it as achieved"),
        ("stalled", "Northwind", "SSO", "No status change for 20 days (none since kickoff)"),
        ("unlock unused", "Contoso", "SSO", "Sso login unlocked 16 days ago and not used since"),
    ]  # fmt: skip


def test_a_template_is_filled_for_the_contact_in_the_milestones_role_signed_by_the_owner(
    book: Database,
) -> None:
    build(book)
    overdue = today_list(book, TODAY)[0]
    filled = overdue.filled
    # The workflow template has no messages of its own: the built-in next-step one is used.
    assert filled.template.name == "Next milestone nudge"
    assert filled.contact is not None and filled.contact.name == "Ana Nowak"
    assert filled.message.email_subject.text == "Northwind: next step — First workflow"
    assert filled.message.email_body.text.startswith("Hi Ana,\n\n")
    assert filled.message.email_body.text.endswith("Best,\nMaya Chen")
    assert filled.message.help_article.text == "https://help.example.com/flow"
    assert filled.message.warnings == ()


def test_a_missing_contact_leaves_the_placeholder_visible_with_a_warning(book: Database) -> None:
    build(book)
    due_soon = today_list(book, TODAY)[1].filled
    assert due_soon.contact is None  # Contoso has no Operator
    assert due_soon.message.in_app.text == "Hi {contact}: Dashboard due 1 December 2026"
    assert due_soon.message.warnings == (
        "{contact} has no value for this account: it stays in the text as typed; "
        "fill it in before sending.",
    )


def test_criterion_met_offers_the_congratulations_message(book: Database) -> None:
    build(book)
    item = today_list(book, TODAY)[2]
    assert item.nudge.kind is NudgeKind.CRITERION_MET
    assert item.filled.template.name == "Congratulations / what's next"
    assert item.filled.values["next_milestone"] == "Dashboard"


def test_using_the_unlocked_feature_after_the_unlock_clears_the_nudge(book: Database) -> None:
    ids = build(book)
    with book.session() as session:
        session.add(UsageEvent(account_id=ids["contoso"], day=ago(2), feature="sso_login", count=1))
    assert "unlock unused" not in [kind for kind, *_ in summary(book)]


def test_logging_a_touchpoint_lands_in_the_timeline_and_sinks_the_nudge(book: Database) -> None:
    ids = build(book)
    touchpoint = log_touchpoint(
        book, ids["north"], "e-mail", TODAY, "Next milestone nudge",
        contact_id=ids["north_ana"], milestone_id=ids["n_flow"], note="Sent from Today",
    )  # fmt: skip
    assert touchpoint > 0
    detail = account_detail(book, ids["north"], TODAY)
    assert detail.timeline[0].on == TODAY
    assert detail.timeline[0].text == "e-mail: Next milestone nudge — Sent from Today"
    # Both Northwind items (the milestone's and the account's) count as handled today.
    last_two = [
        (i.nudge.kind, i.nudge.account, i.nudge.contacted_on) for i in today_list(book, TODAY)[-2:]
    ]
    assert last_two == [
        (NudgeKind.OVERDUE, "Northwind", TODAY),
        (NudgeKind.STALLED, "Northwind", TODAY),
    ]


def test_log_touchpoint_refuses_an_unknown_channel_and_a_stranger(book: Database) -> None:
    ids = build(book)
    with pytest.raises(BadInput, match="Unknown channel “fax”"):
        log_touchpoint(book, ids["north"], "fax", TODAY, "x")
    with pytest.raises(BadInput, match="not a contact of this account"):
        log_touchpoint(book, ids["north"], "call", TODAY, "x", contact_id=ids["contoso_zoe"])


def test_celebration_fills_congratulations_with_whats_next(book: Database) -> None:
    ids = build(book)
    result = celebration(book, ids["c_sso"], TODAY)
    assert (result.account, result.milestone, result.achieved_on) == ("Contoso", "SSO", ago(16))
    assert result.filled.message.in_app.text == (
        "Congratulations, Contoso: SSO is done! Next up: First workflow."
    )
    body = result.filled.message.email_body.text
    assert body.startswith("Hi Zoë,")
    assert 'What\'s next: "First workflow", planned for 15 November 2026.' in body


def test_role_progress_of_an_account_shows_roles_behind(book: Database) -> None:
    ids = build(book)
    progress = role_progress_of(account_detail(book, ids["north"], TODAY), TODAY)
    assert [(p.role, p.behind, [m.title for m in p.holding_back]) for p in progress] == [
        ("Administrator", True, ["SSO"]),
        ("Power user", True, ["First workflow"]),
        ("Operator", False, ["Dashboard"]),
    ]


def test_today_list_over_the_demo_book_is_ranked(open_demo) -> None:  # type: ignore[no-untyped-def]
    """Its speed is bench/'s business (a timed assertion here failed under load)."""
    database = open_demo(TODAY)
    items = today_list(database, TODAY)
    scores = [(i.nudge.handled, -i.nudge.score) for i in items]
    assert scores == sorted(scores)
    assert items[0].nudge.kind is NudgeKind.OVERDUE
