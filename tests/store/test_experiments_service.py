"""Experiments end to end on real SQLite: define, assign, start (lock), results and verdict."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from csm_desktop.domain.metrics.experiments import accounts_needed
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.experiment_results import experiment_report
from csm_desktop.services.experiments import (
    MEDIAN_TTFV,
    VariantSpec,
    assign_accounts,
    create_experiment,
    experiment_summary,
    list_experiments,
    preview_assignment,
    start_experiment,
)
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, MilestoneTemplate, Playbook, PlaybookStep, Role

TODAY = dt.date(2026, 11, 26)
KEYS = ("users", "flow", "integration")
SWAPPED = ("users", "integration", "flow")


def make_playbook(book: Database) -> int:
    with book.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        templates = [
            MilestoneTemplate(
                key="users", title="Users", role=roles["Administrator"], target_day=7
            ),
            MilestoneTemplate(
                key="flow", title="First workflow", role=roles["Power user"], target_day=14,
                first_value=True,
            ),
            MilestoneTemplate(
                key="integration", title="Integration", role=roles["Administrator"], target_day=21
            ),
        ]  # fmt: skip
        playbook = Playbook(name="Standard", version=1)
        playbook.steps = [PlaybookStep(template=t, position=i) for i, t in enumerate(templates, 1)]
        session.add(playbook)
        session.flush()
        return playbook.id


def add_accounts(book: Database, segments: dict[str, int], kickoff: dt.date = TODAY) -> list[int]:
    ids = []
    with book.session() as session:
        for segment, count in segments.items():
            for n in range(count):
                account = Account(name=f"{segment} {n + 1}", segment=segment, kickoff_on=kickoff)
                session.add(account)
                session.flush()
                ids.append(account.id)
    return ids


def two_variants(playbook_id: int) -> list[VariantSpec]:
    return [
        VariantSpec("A: workflow first", playbook_id, KEYS),
        VariantSpec("B: integration first", playbook_id, SWAPPED),
    ]


def test_create_experiment_stores_variants_as_a_draft(book: Database) -> None:
    playbook_id = make_playbook(book)
    experiment_id = create_experiment(
        book, " Integration first ", "Integration early speeds up first value",
        two_variants(playbook_id), started_on=TODAY, seed=7,
    )  # fmt: skip
    (summary,) = list_experiments(book)
    assert summary.id == experiment_id
    assert (summary.name, summary.seed, summary.locked, summary.started_on) == (
        "Integration first", 7, False, TODAY,
    )  # fmt: skip
    assert [(v.name, v.playbook, v.ordering) for v in summary.variants] == [
        ("A: workflow first", "Standard v1", KEYS),
        ("B: integration first", "Standard v1", SWAPPED),
    ]


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ([VariantSpec("A", None, KEYS)], "at least two variants"),
        ([VariantSpec("A", None, KEYS), VariantSpec("A", None, SWAPPED)], "same name"),
        ([VariantSpec("A", None, KEYS), VariantSpec("B")], "needs a playbook or an ordering"),
        ([VariantSpec("A", None, KEYS), VariantSpec("B", None, ("users", "nope"))], "nope"),
        ([VariantSpec("A", None, KEYS), VariantSpec("B", None, ("users", "flow"))],
         "orders different milestones"),
    ],
)  # fmt: skip
def test_create_experiment_refuses_unfair_or_broken_variants(
    book: Database, variants: list[VariantSpec], message: str
) -> None:
    make_playbook(book)
    with pytest.raises(BadInput, match=message):
        create_experiment(book, "X", "", variants, seed=1)


def test_assignment_is_balanced_by_segment_and_repeatable(book: Database) -> None:
    playbook_id = make_playbook(book)
    add_accounts(book, {"SMB": 5, "Enterprise": 4, "Mid-market": 3})
    experiment_id = create_experiment(book, "X", "", two_variants(playbook_id), seed=11)
    preview = preview_assignment(book, experiment_id)
    plan = assign_accounts(book, experiment_id)
    assert plan.assignment == preview.assignment
    assert assign_accounts(book, experiment_id).assignment == plan.assignment  # re-draw, same
    for segment, row in plan.balance.items():
        assert abs(row["A: workflow first"] - row["B: integration first"]) <= 1, segment
    assert sorted(Counter(plan.assignment.values()).values()) == [6, 6]
    summary = experiment_summary(book, experiment_id)
    assert [v.accounts for v in summary.variants] == [6, 6]


def test_assignment_can_be_limited_to_segments_and_leaves_other_experiments_alone(
    book: Database,
) -> None:
    playbook_id = make_playbook(book)
    add_accounts(book, {"SMB": 4, "Enterprise": 2})
    first = create_experiment(book, "First", "", two_variants(playbook_id), seed=1)
    assign_accounts(book, first, ["Enterprise"])
    second = create_experiment(book, "Second", "", two_variants(playbook_id), seed=1)
    plan = assign_accounts(book, second)
    assert plan.in_other_experiments == 2
    assert list(plan.balance) == ["SMB"]
    assert experiment_summary(book, first).accounts == 2


def test_only_fresh_accounts_leaves_out_those_with_an_achieved_milestone(book: Database) -> None:
    playbook_id = make_playbook(book)
    (fresh, progressing) = add_accounts(book, {"SMB": 2})
    with book.session() as session:
        account = session.get(Account, progressing)
        assert account is not None
        apply_playbook(session, account, session.get(Playbook, playbook_id))  # type: ignore[arg-type]
        change_status(session, account.milestones[0], Status.ACHIEVED, on=TODAY)
    experiment_id = create_experiment(book, "X", "", two_variants(playbook_id), seed=3)
    plan = assign_accounts(book, experiment_id)
    assert (list(plan.assignment), plan.already_progressing) == ([fresh], 1)
    assert len(assign_accounts(book, experiment_id, only_fresh=False).assignment) == 2


def test_starting_locks_the_assignment_and_orders_each_ladder(book: Database) -> None:
    playbook_id = make_playbook(book)
    ids = add_accounts(book, {"SMB": 4})
    with book.session() as session:  # one account already has a ladder, first step achieved
        account = session.get(Account, ids[0])
        assert account is not None
        apply_playbook(session, account, session.get(Playbook, playbook_id))  # type: ignore[arg-type]
        change_status(session, account.milestones[0], Status.ACHIEVED, on=TODAY)
    experiment_id = create_experiment(book, "X", "", two_variants(playbook_id), seed=5)
    plan = assign_accounts(book, experiment_id, only_fresh=False)
    report = start_experiment(book, experiment_id, TODAY)
    assert (report.accounts, report.ladders_created, report.ladders_reordered) == (4, 3, 1)
    with book.session() as session:
        for account in session.scalars(select(Account)):
            keys = [m.template.key for m in sorted(account.milestones, key=lambda m: m.position)]
            expected = KEYS if plan.assignment[account.id].startswith("A") else SWAPPED
            assert tuple(keys) == expected, account.name
    summary = experiment_summary(book, experiment_id)
    assert (summary.locked, summary.started_on) == (True, TODAY)
    with pytest.raises(BadInput, match="assignment is locked"):
        assign_accounts(book, experiment_id)
    with pytest.raises(BadInput, match="assignment is locked"):
        start_experiment(book, experiment_id, TODAY)


def test_starting_without_accounts_is_refused(book: Database) -> None:
    playbook_id = make_playbook(book)
    experiment_id = create_experiment(book, "X", "", two_variants(playbook_id), seed=5)
    with pytest.raises(BadInput, match="No accounts are assigned"):
        start_experiment(book, experiment_id, TODAY)


def results_book(
    book: Database,
    per_variant: int,
    b_on_time: int,
    primary_metric: str = "first value within target",
) -> int:
    """Kickoff 60 days ago. A: first value on day 10 and integration on day 25 for every
    account. B: the first ``b_on_time`` accounts get first value on day 12, the rest on day 20
    (target 14); no integration."""
    playbook_id = make_playbook(book)
    experiment_id = create_experiment(
        book, "X", "", two_variants(playbook_id), seed=5, primary_metric=primary_metric
    )
    kickoff = TODAY - dt.timedelta(days=60)
    with book.session() as session:
        playbook = session.get(Playbook, playbook_id)
        assert playbook is not None
        variant_a, variant_b = experiment_summary(book, experiment_id).variants
        for arm, variant_id in (("A", variant_a.id), ("B", variant_b.id)):
            for n in range(per_variant):
                account = Account(name=f"{arm}{n}", kickoff_on=kickoff, variant_id=variant_id)
                session.add(account)
                session.flush()
                apply_playbook(session, account, playbook)
                _users, flow, integration = account.milestones
                fv_day = 10 if arm == "A" else (12 if n < b_on_time else 20)
                change_status(session, flow, Status.ACHIEVED, on=kickoff + dt.timedelta(fv_day))
                if arm == "A":
                    change_status(
                        session, integration, Status.ACHIEVED, on=kickoff + dt.timedelta(25)
                    )
    return experiment_id


def test_results_per_variant_with_fishers_p_and_a_verdict(book: Database) -> None:
    experiment_id = results_book(book, per_variant=5, b_on_time=0)
    report = experiment_report(book, experiment_id, TODAY)
    a, b = report.result.variants
    assert (a.accounts, a.first_value_within_target.part, a.ttfv_median_days) == (5, 5, 10.0)
    assert (b.accounts, b.first_value_within_target.part, b.ttfv_median_days) == (5, 0, 20.0)
    # Day 30: A has 2 of 3 milestones (flow, integration), B 1 of 3.
    assert a.completion_at_day_30 == pytest.approx(2 / 3)
    assert b.completion_at_day_30 == pytest.approx(1 / 3)
    (comparison,) = report.result.comparisons
    # Margins 5/5, 5 yes: only x = 0 and x = 5 are as unlikely as observed: 2 / C(10,5).
    assert comparison.p_value == pytest.approx(2 / 252)
    assert report.verdict.startswith(
        "“B: integration first” reached first value within target for 0 of 5 judged accounts "
        "(0%), against 5 of 5 (100%) for “A: workflow first”: 100 points lower: likely a real "
        "difference (p = 0.01 in Fisher's exact test"
    )


def test_a_small_sample_gets_no_p_value_and_says_so(book: Database) -> None:
    experiment_id = results_book(book, per_variant=4, b_on_time=2)
    report = experiment_report(book, experiment_id, TODAY)
    assert report.result.comparisons[0].p_value is None
    assert "Too few accounts to tell" in report.verdict
    assert "at least 5 accounts" in report.verdict


def test_an_unclear_result_carries_the_sample_size_caveat(book: Database) -> None:
    experiment_id = results_book(book, per_variant=6, b_on_time=4)
    report = experiment_report(book, experiment_id, TODAY)
    # A 6 of 6, B 4 of 6: weights C(10,x)·C(2,6−x) for x = 4, 5, 6 = 210, 504, 210 of 924.
    assert report.result.comparisons[0].p_value == pytest.approx(420 / 924)
    assert "no clear difference yet (p = 0.45" in report.verdict
    assert f"about {accounts_needed(4 / 6, 1.0)} judged accounts per variant" in report.verdict


def test_another_primary_metric_is_reported_first(book: Database) -> None:
    experiment_id = results_book(book, per_variant=5, b_on_time=0, primary_metric=MEDIAN_TTFV)
    first, second = experiment_report(book, experiment_id, TODAY).verdict.split("\n\n")
    assert first == (
        "Median time to first value: A: workflow first 10 days, B: integration first 20 days "
        "(lower is better). No significance test is computed for this metric; the test below "
        "is on first value within target."
    )
    assert second.startswith("“B: integration first” reached first value within target")


def test_an_experiment_without_accounts_says_what_to_do(book: Database) -> None:
    playbook_id = make_playbook(book)
    experiment_id = create_experiment(book, "X", "", two_variants(playbook_id), seed=1)
    assert experiment_report(book, experiment_id, TODAY).verdict == (
        "No accounts in this experiment yet: assign accounts and start it to see results."
    )


def test_accounts_needed_by_the_usual_two_proportion_formula() -> None:
    # p̄ = 0.5: (1.96·√0.5 + 0.8416·√(2·0.2222))² / (1/3)² = 34.1 → 35.
    assert accounts_needed(2 / 3, 1 / 3) == 35
    assert accounts_needed(0.5, 0.5) is None
