"""Assigning accounts to an experiment's variants and starting it.

Accounts are assigned at random, balanced by segment (seeded, so the draw can be repeated
and checked), as often as needed while the experiment is a draft; starting locks the
assignment and gives each account its variant's ladder order (see ``services.experiments``
for what happens to ladders that already exist). Defining and listing experiments lives in
``services.experiments``, which re-exports these names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from csm_desktop.domain.assignment import Candidate, assign, balance
from csm_desktop.domain.ladder import reference_date
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.experiment_variants import apply_change
from csm_desktop.services.ladder import apply_playbook
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Experiment, Playbook, Variant
from csm_desktop.store.queries.experiments import (
    active_accounts_with_milestones,
    variant_members,
    variant_members_with_ladders,
)


@dataclass(frozen=True, slots=True)
class AssignmentPlan:
    """Who would go (or went) to which variant, and the balance per segment."""

    assignment: dict[int, str]
    """Account id → variant name."""
    balance: dict[str, dict[str, int]]
    """Segment → variant → accounts."""
    in_other_experiments: int
    """Eligible by segment but already in another experiment: left out."""
    already_progressing: int
    """Left out because they have achieved a milestone (when only fresh accounts count)."""


@dataclass(frozen=True, slots=True)
class StartReport:
    accounts: int
    ladders_created: int
    ladders_reordered: int
    without_ladder: int
    """Accounts with neither a ladder nor a playbook (or no kickoff date): nothing to order."""


def get_experiment(session: Session, experiment_id: int) -> Experiment:
    """The experiment, or a refusal saying it is gone."""
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise BadInput.gone("experiment", experiment_id)
    return experiment


def ordering_keys(ordering: str) -> list[str]:
    """The template keys of a variant's stored ordering (one per line)."""
    return [line.strip() for line in ordering.splitlines() if line.strip()]


def _plan(
    session: Session,
    experiment: Experiment,
    chosen_segments: Collection[str] | None,
    only_fresh: bool,
) -> tuple[AssignmentPlan, dict[str, Variant]]:
    own = {v.id for v in experiment.variants}
    candidates: list[Candidate] = []
    account_segments: dict[int, str | None] = {}
    elsewhere = progressing = 0
    for account in active_accounts_with_milestones(session):
        if chosen_segments is not None and account.segment not in chosen_segments:
            continue
        if account.variant_id is not None and account.variant_id not in own:
            elsewhere += 1
            continue
        if only_fresh and any(m.status == Status.ACHIEVED.value for m in account.milestones):
            progressing += 1
            continue
        candidates.append(Candidate(account.id, account.segment))
        account_segments[account.id] = account.segment
    variant_names = [v.name for v in experiment.variants]
    assignment = assign(candidates, variant_names, experiment.seed) if candidates else {}
    plan = AssignmentPlan(
        assignment,
        balance(assignment, account_segments, variant_names),
        elsewhere,
        progressing,
    )
    return plan, {v.name: v for v in experiment.variants}


def _refuse_if_locked(experiment: Experiment) -> None:
    if experiment.locked:
        started = experiment.started_on.isoformat() if experiment.started_on else "already"
        raise BadInput(
            f"“{experiment.name}” started ({started}) and its assignment is locked, so the "
            "results stay fair. Create a new experiment to test something else."
        )


def preview_assignment(
    database: Database,
    experiment_id: int,
    chosen_segments: Collection[str] | None = None,
    *,
    only_fresh: bool = True,
) -> AssignmentPlan:
    """The assignment ``assign_accounts`` would make, without storing anything."""
    with database.session() as session:
        experiment = get_experiment(session, experiment_id)
        plan, _variants = _plan(session, experiment, chosen_segments, only_fresh)
        return plan


def assign_accounts(
    database: Database,
    experiment_id: int,
    chosen_segments: Collection[str] | None = None,
    *,
    only_fresh: bool = True,
) -> AssignmentPlan:
    """Assign the eligible accounts at random, balanced by segment; replaces a draft's draw.

    Eligible: active, in ``chosen_segments`` (None: any), not in another experiment and,
    with ``only_fresh``, with no milestone achieved yet. Refused once the experiment started.
    """
    with database.session() as session:
        experiment = get_experiment(session, experiment_id)
        _refuse_if_locked(experiment)
        plan, variants = _plan(session, experiment, chosen_segments, only_fresh)
        own = [v.id for v in experiment.variants]
        for member in variant_members(session, own):
            member.variant_id = None
        for account_id, variant_name in plan.assignment.items():
            chosen = session.get(Account, account_id)
            assert chosen is not None
            chosen.variant_id = variants[variant_name].id
        return plan


def start_experiment(database: Database, experiment_id: int, on: dt.date) -> StartReport:
    """Lock the assignment, record the start date, and put each ladder in its variant's order."""
    with database.session() as session:
        experiment = get_experiment(session, experiment_id)
        _refuse_if_locked(experiment)
        own = {v.id: v for v in experiment.variants}
        accounts = variant_members_with_ladders(session, list(own))
        if not accounts:
            raise BadInput(f"No accounts are assigned to “{experiment.name}”; assign them first.")
        created = reordered = without = 0
        for account in accounts:
            assert account.variant_id is not None
            variant = own[account.variant_id]
            playbook = (
                session.get(Playbook, variant.playbook_id)
                if variant.playbook_id is not None
                else account.playbook
            )
            keys = ordering_keys(variant.ordering) or (
                [step.template.key for step in playbook.steps] if playbook else []
            )
            if not account.milestones:
                if (
                    playbook is None
                    or reference_date(account.kickoff_on, account.signed_on) is None
                ):
                    without += 1
                    continue
                apply_playbook(session, account, playbook, ordering=keys)
                created += 1
            else:
                reorder_open_milestones(account.milestones, keys)
                reordered += 1
            apply_change(session, account, variant)
        experiment.locked = True
        experiment.started_on = on
        session.flush()
        return StartReport(len(accounts), created, reordered, without)


def reorder_open_milestones(milestones: Sequence[AccountMilestone], keys: Sequence[str]) -> None:
    """Put the open milestones in the order of ``keys``, in the positions open ones hold.

    Achieved and skipped milestones keep their positions; milestones whose template is not
    in ``keys`` follow the listed ones in their current order.
    """
    rank = {key: index for index, key in enumerate(keys)}
    open_ones = sorted(
        (m for m in milestones if Status(m.status).is_open), key=lambda m: m.position
    )
    slots = [m.position for m in open_ones]
    wanted = sorted(
        open_ones,
        key=lambda m: (rank.get(m.template.key if m.template else "", len(rank)), m.position),
    )
    for milestone, position in zip(wanted, slots, strict=True):
        milestone.position = position
