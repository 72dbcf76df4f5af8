"""Playbook versioning, shared templates, reordering and rolling out to accounts, on SQLite."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput, Cancelled
from csm_desktop.services import playbooks as pb
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.services.progress import progress_of
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, MilestoneTemplate, Playbook, Role

TODAY = dt.date(2026, 6, 1)
KICKOFF = dt.date(2026, 3, 2)


@pytest.fixture
def two_playbooks(book: Database) -> dict[str, int]:
    """Standard v1 (SSO, workflow, dashboard) and Enterprise v1 sharing the SSO template."""
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(key="sso", title="SSO", role=roles["Administrator"], target_day=7,
                              purpose="Access follows joiners and leavers."),
            MilestoneTemplate(key="flow", title="First workflow", role=roles["Power user"],
                              target_day=14, first_value=True, definition_of_done="10 runs"),
            MilestoneTemplate(key="dash", title="Dashboard", role=roles["Operator"],
                              target_day=30),
            MilestoneTemplate(key="audit", title="Audit export", role=roles["Administrator"],
                              target_day=60),
        ]  # fmt: skip
        session.add_all(templates)
        session.flush()
        ids = {t.key: t.id for t in templates}
    standard = pb.create_playbook(
        book, "Standard", today=TODAY, template_ids=[ids["sso"], ids["flow"], ids["dash"]]
    )
    enterprise = pb.create_playbook(
        book, "Enterprise", today=TODAY, template_ids=[ids["sso"], ids["audit"]]
    )
    return {"Standard": standard, "Enterprise": enterprise, **ids}


def put_account_on(book: Database, playbook_id: int, name: str = "Northwind") -> int:
    with book.session() as session:
        account = Account(name=name, kickoff_on=KICKOFF)
        session.add(account)
        playbook = session.get(Playbook, playbook_id)
        assert playbook is not None
        apply_playbook(session, account, playbook)
        return account.id


def titles(book: Database, playbook_id: int) -> list[str]:
    return [step.title for step in pb.playbook_detail(book, playbook_id).steps]


def test_a_version_with_accounts_is_locked_and_a_new_version_copies_its_steps(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    v1 = two_playbooks["Standard"]
    put_account_on(book, v1)
    with pytest.raises(pb.PlaybookLocked, match="1 account is on Standard v1"):
        pb.reorder_steps(book, v1, [two_playbooks["dash"], two_playbooks["sso"]])

    v2 = pb.new_version(book, v1, "  Dashboard earlier  ", today=TODAY)

    summaries = {s.label: s for s in pb.list_playbooks(book)}
    assert summaries["Standard v2"].change_note == "Dashboard earlier"
    assert summaries["Standard v2"].locked is False
    assert summaries["Standard v2"].step_count == 3
    assert summaries["Standard v1"].locked_reason == (
        "Standard v1 is an older version and stays as it was; edit Standard v2."
    )
    assert titles(book, v2) == ["SSO", "First workflow", "Dashboard"]


def test_a_new_version_needs_a_change_note(book: Database, two_playbooks: dict[str, int]) -> None:
    with pytest.raises(BadInput, match="change note"):
        pb.new_version(book, two_playbooks["Standard"], "   ", today=TODAY)


def test_reordering_stores_the_new_ladder_order(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    pb.reorder_steps(book, ids["Standard"], [ids["dash"], ids["sso"], ids["flow"]])
    assert titles(book, ids["Standard"]) == ["Dashboard", "SSO", "First workflow"]
    with pytest.raises(BadInput, match="does not hold"):
        pb.reorder_steps(book, ids["Standard"], [ids["dash"], ids["sso"]])


def test_added_templates_are_placed_by_target_day_and_removing_keeps_the_template(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    pb.add_template(book, ids["Enterprise"], ids["flow"])
    assert titles(book, ids["Enterprise"]) == ["SSO", "First workflow", "Audit export"]
    with pytest.raises(BadInput, match="already in this playbook"):
        pb.add_template(book, ids["Enterprise"], ids["flow"])
    pb.remove_step(book, ids["Enterprise"], ids["flow"])
    assert titles(book, ids["Enterprise"]) == ["SSO", "Audit export"]
    assert titles(book, ids["Standard"]) == ["SSO", "First workflow", "Dashboard"]
    new_id = pb.new_milestone(book, ids["Enterprise"], "Security review", "Administrator", 20)
    assert titles(book, ids["Enterprise"]) == ["SSO", "Security review", "Audit export"]
    assert pb.playbook_detail(book, ids["Enterprise"]).steps[1].id == new_id


def test_reuse_offers_templates_of_other_playbooks(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    offered = pb.templates_for_reuse(book, two_playbooks["Enterprise"])
    assert [(t.title, t.used_in) for t in offered] == [
        ("First workflow", ("Standard v1",)),
        ("Dashboard", ("Standard v1",)),
    ]


def test_saving_a_shared_template_needs_a_choice(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    sso = pb.playbook_detail(book, ids["Standard"]).steps[0]
    assert pb.template_sharing(book, ids["Standard"], sso.id) == pb.TemplateSharing(
        other_playbooks=("Enterprise v1",), locked=()
    )
    edited = dataclasses.replace(sso.step, target_day=10)
    with pytest.raises(pb.TemplateShared) as raised:
        pb.save_template(book, ids["Standard"], sso.id, edited)
    assert raised.value.playbooks == ("Enterprise v1",)


def test_edit_for_all_playbooks_changes_the_shared_module_in_place(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    sso = pb.playbook_detail(book, ids["Standard"]).steps[0]
    saved = pb.save_template(
        book, ids["Standard"], sso.id, dataclasses.replace(sso.step, target_day=10),
        pb.Scope.EVERY_PLAYBOOK,
    )  # fmt: skip
    assert saved == pb.TemplateSaved(sso.id, False, ("Standard v1", "Enterprise v1"))
    assert pb.playbook_detail(book, ids["Enterprise"]).steps[0].target_day == 10


def test_make_a_copy_leaves_the_other_playbook_untouched(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    sso = pb.playbook_detail(book, ids["Standard"]).steps[0]
    saved = pb.save_template(
        book, ids["Standard"], sso.id, dataclasses.replace(sso.step, title="SSO enforced"),
        pb.Scope.THIS_PLAYBOOK,
    )  # fmt: skip
    assert saved.copied and saved.template_id != sso.id
    copy = pb.playbook_detail(book, ids["Standard"]).steps[0]
    assert (copy.title, copy.step.key, copy.step.purpose) == (
        "SSO enforced", "sso@Standard v1", "Access follows joiners and leavers.",
    )  # fmt: skip
    assert pb.playbook_detail(book, ids["Enterprise"]).steps[0].title == "SSO"


def test_a_locked_older_version_keeps_its_text_and_the_history_says_what_changed(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    put_account_on(book, ids["Standard"])
    v2 = pb.new_version(book, ids["Standard"], "Workflow later", today=TODAY)
    flow = pb.playbook_detail(book, v2).steps[1]
    # Only older Standard v1 shares it: no question, but v1 keeps the original (a copy is made).
    assert pb.template_sharing(book, v2, flow.id).other_playbooks == ()
    saved = pb.save_template(book, v2, flow.id, dataclasses.replace(flow.step, target_day=21))
    assert saved.copied
    pb.reorder_steps(book, v2, [ids["dash"], ids["sso"], saved.template_id])

    assert [s.target_day for s in pb.playbook_detail(book, ids["Standard"]).steps] == [7, 14, 30]
    history = pb.version_history(book, "Standard")
    assert [(n.version, n.change_note, n.lines) for n in history] == [
        (1, "First version", ("First version: 3 milestones.",)),
        (2, "Workflow later", (
            "Moved “Dashboard” from position 3 to 1.",
            "Changed “First workflow”: target day 14 → 21.",
        )),
    ]  # fmt: skip


def test_applying_a_new_version_updates_open_milestones_and_never_touches_achieved_ones(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    account_id = put_account_on(book, ids["Standard"])
    with book.session() as session:
        sso = session.scalars(select(AccountMilestone).where(AccountMilestone.title == "SSO")).one()
        change_status(session, sso, Status.ACHIEVED, on=dt.date(2026, 3, 8))
    v2 = pb.new_version(book, ids["Standard"], "Later, stricter", today=TODAY)
    for step in pb.playbook_detail(book, v2).steps:
        if step.title in ("SSO", "First workflow"):
            pb.save_template(
                book, v2, step.id,
                dataclasses.replace(step.step, target_day=step.target_day + 7,
                                    definition_of_done="20 runs"),
                pb.Scope.THIS_PLAYBOOK,  # SSO is shared with Enterprise: a copy, same lineage
            )  # fmt: skip
    pb.add_template(book, v2, ids["audit"])
    assert pb.accounts_on_older_versions(book, v2) == [
        pb.AccountOnVersion(account_id, "Northwind", 1)
    ]

    preview = pb.apply_to_accounts(book, v2, [account_id], dry_run=True)
    updates = pb.apply_to_accounts(book, v2, [account_id])

    assert preview == updates
    assert updates[0].lines == [
        "Add “Audit export” due 2026-05-01",
        "Update “First workflow”: target day 14 → 21, due 2026-03-16 → 2026-03-23; "
        "definition of done",
        "Keep “SSO” as achieved (history is not rewritten)",
    ]
    with book.session() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.playbook is not None
        assert account.playbook.version == 2
        ladder = {
            m.title: (m.status, m.target_day, m.due_on, m.definition_of_done)
            for m in account.milestones
        }
    assert ladder == {
        "SSO": ("achieved", 7, dt.date(2026, 3, 9), ""),
        "First workflow": ("not started", 21, dt.date(2026, 3, 23), "20 runs"),
        "Dashboard": ("not started", 30, dt.date(2026, 4, 1), ""),
        "Audit export": ("not started", 60, dt.date(2026, 5, 1), ""),
    }
    assert pb.accounts_on_older_versions(book, v2) == []


def test_a_dry_run_stores_nothing(book: Database, two_playbooks: dict[str, int]) -> None:
    ids = two_playbooks
    account_id = put_account_on(book, ids["Standard"])
    v2 = pb.new_version(book, ids["Standard"], "Audit too", today=TODAY)
    pb.add_template(book, v2, ids["audit"])
    pb.apply_to_accounts(book, v2, [account_id], dry_run=True)
    with book.session() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.playbook is not None
        assert (account.playbook.version, len(account.milestones)) == (1, 3)


def test_cancel_up_to_the_commit_leaves_every_account_as_it_was(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    ids = two_playbooks
    accounts = [put_account_on(book, ids["Standard"], name) for name in ("Northwind", "Contoso")]
    v2 = pb.new_version(book, ids["Standard"], "Audit too", today=TODAY)
    pb.add_template(book, v2, ids["audit"])
    heard: list[tuple[int, int, str]] = []

    def last_step() -> bool:  # Cancel pressed once the evidence was judged, before the commit
        return bool(heard) and heard[-1][2] == "Judging the usage evidence again"

    cancelling = progress_of(lambda *step: heard.append(step), last_step)
    with pytest.raises(Cancelled, match="Applying Standard v2 cancelled; no account was changed"):
        pb.apply_to_accounts(book, v2, accounts, progress=cancelling)

    assert [text for _done, _total, text in heard] == [
        "Reading the accounts' ladders",
        "Judging the usage evidence again",
    ]
    assert {total for _done, total, _text in heard} == {len(accounts) + 2}
    assert [a.version for a in pb.accounts_on_older_versions(book, v2)] == [1, 1]
    with book.session() as session:
        counts = [len(session.get(Account, a).milestones) for a in accounts]  # type: ignore[union-attr]
    assert counts == [3, 3]


def test_applying_to_an_account_of_another_playbook_is_refused(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    account_id = put_account_on(book, two_playbooks["Enterprise"], "Contoso")
    v2 = pb.new_version(book, two_playbooks["Standard"], "Anything", today=TODAY)
    with pytest.raises(BadInput, match="Contoso is not on a version of Standard"):
        pb.apply_to_accounts(book, v2, [account_id])


def test_template_fields_are_checked(book: Database, two_playbooks: dict[str, int]) -> None:
    sso = pb.playbook_detail(book, two_playbooks["Enterprise"]).steps[1]
    half_criterion = dataclasses.replace(sso.step, success_feature="audit_export")
    with pytest.raises(BadInput, match="a feature, a threshold and a window"):
        pb.save_template(book, two_playbooks["Enterprise"], sso.id, half_criterion)
    with pytest.raises(BadInput, match="Give the milestone a title"):
        pb.save_template(
            book, two_playbooks["Enterprise"], sso.id, dataclasses.replace(sso.step, title=" ")
        )
    with pytest.raises(BadInput, match="exists; choose another name"):
        pb.create_playbook(book, "Standard", today=TODAY)


def test_a_playbook_is_found_by_name_newest_version_first(
    book: Database, two_playbooks: dict[str, int]
) -> None:
    v2 = pb.new_version(book, two_playbooks["Standard"], "Second", today=TODAY)
    assert pb.find_playbook(book, " standard ").id == v2
    assert pb.find_playbook(book, "Standard", 1).id == two_playbooks["Standard"]
    with pytest.raises(BadInput, match=r"no playbook “Standard v3”. Known: Enterprise v1, "):
        pb.find_playbook(book, "Standard", 3)
