"""Diffing two playbook versions into the plain-language lines of the version history."""

from __future__ import annotations

from dataclasses import replace

from csm_desktop.domain.playbook_diff import (
    FieldChange,
    StepMove,
    StepSnapshot,
    copy_key,
    describe,
    describe_change,
    diff_steps,
    lineage_of,
)

SSO = StepSnapshot(key="admin-sso", title="SSO configured", role="Administrator", target_day=7)
USERS = StepSnapshot(key="admin-users", title="Users invited", role="Administrator", target_day=10)
FLOW = StepSnapshot(
    key="pu-flow", title="First workflow", role="Power user", target_day=14, first_value=True,
    success_feature="workflow_run", success_threshold=10, success_window_days=7,
)  # fmt: skip
DASH = StepSnapshot(key="op-dash", title="Dashboard", role="Operator", target_day=30)
V1 = [SSO, USERS, FLOW, DASH]


def test_a_copy_keeps_the_lineage_of_its_original() -> None:
    key = copy_key("admin-sso", "Standard", 2)
    assert key == "admin-sso@Standard v2"
    assert lineage_of(key) == "admin-sso"
    assert lineage_of(copy_key(key, "Enterprise", 3)) == "admin-sso"


def test_identical_versions_have_no_changes() -> None:
    diff = diff_steps(V1, list(V1))
    assert diff.is_empty
    assert describe(diff) == ["No changes to the milestones."]


def test_added_and_removed_steps_are_listed_with_role_and_day() -> None:
    extra = StepSnapshot(key="op-alerts", title="Alerts tuned", role="Operator", target_day=50)
    diff = diff_steps(V1, [SSO, FLOW, DASH, extra])
    assert [s.title for s in diff.added] == ["Alerts tuned"]
    assert [s.title for s in diff.removed] == ["Users invited"]
    assert diff.moved == ()
    assert describe(diff) == [
        "Added “Alerts tuned” (Operator, day 50).",
        "Removed “Users invited” (Administrator).",
    ]


def test_dragging_one_step_reports_one_move_not_every_step_it_passed() -> None:
    diff = diff_steps(V1, [DASH, SSO, USERS, FLOW])
    assert diff.moved == (StepMove("Dashboard", 4, 1),)
    assert describe(diff) == ["Moved “Dashboard” from position 4 to 1."]


def test_a_reworded_copy_shows_as_changed_not_as_removed_and_added() -> None:
    copy = replace(SSO, key=copy_key(SSO.key, "Standard", 2), title="SSO enforced", target_day=45)
    diff = diff_steps(V1, [copy, USERS, FLOW, DASH])
    assert diff.added == () and diff.removed == ()
    assert describe(diff) == [
        "Changed “SSO enforced”: title “SSO configured” → “SSO enforced”; "
        "target day 7 → 45 (phase early → mid)."
    ]


def test_criterion_first_value_and_long_texts_are_described_in_words() -> None:
    changed = replace(
        FLOW, success_threshold=20, first_value=False, purpose="x" * 80, risks="Slow IT"
    )
    diff = diff_steps([FLOW], [changed])
    assert describe(diff) == [
        "Changed “First workflow”: no longer the first-value milestone; "
        "purpose written; risks none → “Slow IT”; success criterion "
        "“workflow_run ≥ 10 in 7 days” → “workflow_run ≥ 20 in 7 days”."
    ]


def test_field_change_wording() -> None:
    assert describe_change(FieldChange("target_day", 10, 20)) == "target day 10 → 20"
    assert describe_change(FieldChange("first_value", False, True)) == (
        "now the first-value milestone"
    )
    assert describe_change(FieldChange("purpose", "a" * 70, "b" * 70)) == "purpose reworded"
    assert describe_change(FieldChange("cue", "Call them", "")) == (
        "instructional cue “Call them” → none"
    )
