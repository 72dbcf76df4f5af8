"""A/B experiments on milestone sequencing: define, assign accounts, start, read the results.

The life of an experiment: create it (hypothesis, two or more variants, primary metric,
start date); assign accounts at random, balanced by segment (seeded, so the draw can be
repeated and checked), as often as needed while it is a draft; start it, which locks the
assignment and gives each account its variant's ladder order; read the results per DESIGN §3
with a verdict in plain words.

When an experiment starts, each assigned account with no ladder yet gets its variant's
playbook (or its own playbook) applied in the variant's order; an account that already has
a ladder keeps its milestones and dates, and only its open milestones are put in the
variant's order (achieved and skipped ones keep their places: they are history). A variant
that names a different playbook than an account's existing ladder does not swap that
ladder's milestones.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.domain.assignment import Candidate, assign, balance
from csm_desktop.domain.experiment_changes import (
    BadChange,
    Change,
    VariantKind,
    change_to_json,
    check_change,
    describe,
)
from csm_desktop.domain.ladder import reference_date
from csm_desktop.domain.text import name_key
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.services.experiment_variants import (
    apply_change,
    check_templates,
    variant_change,
    variant_kind,
)
from csm_desktop.services.ladder import apply_playbook
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Experiment,
    MilestoneTemplate,
    Playbook,
    Variant,
)

FIRST_VALUE_WITHIN_TARGET = "first value within target"
MEDIAN_TTFV = "median TTFV"
COMPLETION_AT_DAY_30 = "completion at day 30"
PRIMARY_METRICS = (FIRST_VALUE_WITHIN_TARGET, MEDIAN_TTFV, COMPLETION_AT_DAY_30)


@dataclass(frozen=True, slots=True)
class VariantSpec:
    """A variant as the CSM defines it: a playbook, an ordering of template keys, or both;
    and what else the arm changes (``kind`` and ``change``, see ``domain.experiment_changes``).
    """

    name: str
    playbook_id: int | None = None
    ordering: tuple[str, ...] = ()
    kind: VariantKind = VariantKind.ORDER
    change: Change = None


@dataclass(frozen=True, slots=True)
class VariantInfo:
    id: int
    name: str
    playbook_id: int | None
    playbook: str | None
    ordering: tuple[str, ...]
    accounts: int
    kind: VariantKind = VariantKind.ORDER
    change: Change = None
    description: str = "milestone order"
    """What the arm changes, in words."""
    ordering_titles: tuple[str, ...] = ()
    """The ordering as the milestones' titles, for people (``ordering`` holds the keys)."""


@dataclass(frozen=True, slots=True)
class ExperimentSummary:
    id: int
    name: str
    hypothesis: str
    primary_metric: str
    started_on: dt.date | None
    seed: int
    locked: bool
    variants: tuple[VariantInfo, ...]
    read_on: dt.date | None = None
    """The date the CSM planned to read the results (no peeking before it)."""

    @property
    def accounts(self) -> int:
        return sum(v.accounts for v in self.variants)


@dataclass(frozen=True, slots=True)
class PlaybookChoice:
    """A playbook the dialog can offer, with its steps as (template key, title)."""

    id: int
    name: str
    version: int
    steps: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


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


def _summary(
    experiment: Experiment,
    counts: dict[int, int],
    playbooks: dict[int, str],
    titles: dict[str, str] | None = None,
) -> ExperimentSummary:
    def info(v: Variant) -> VariantInfo:
        kind, change = variant_kind(v), variant_change(v)
        return VariantInfo(
            v.id,
            v.name,
            v.playbook_id,
            playbooks.get(v.playbook_id) if v.playbook_id is not None else None,
            tuple(_keys(v.ordering)),
            counts.get(v.id, 0),
            kind,
            change,
            describe(kind, change, titles),
            tuple((titles or {}).get(key, key) for key in _keys(v.ordering)),
        )

    return ExperimentSummary(
        id=experiment.id,
        name=experiment.name,
        hypothesis=experiment.hypothesis,
        primary_metric=experiment.primary_metric,
        started_on=experiment.started_on,
        seed=experiment.seed,
        locked=experiment.locked,
        variants=tuple(info(v) for v in experiment.variants),
        read_on=experiment.read_on,
    )


def _template_titles(session: Session) -> dict[str, str]:
    return dict(session.execute(select(MilestoneTemplate.key, MilestoneTemplate.title)).all())


def _playbook_labels(session: Session) -> dict[int, str]:
    return {p.id: f"{p.name} v{p.version}" for p in session.scalars(select(Playbook))}


def _keys(ordering: str) -> list[str]:
    return [line.strip() for line in ordering.splitlines() if line.strip()]


def _variant_counts(session: Session) -> dict[int, int]:
    counts: dict[int, int] = {}
    for variant_id in session.scalars(
        select(Account.variant_id).where(Account.variant_id.is_not(None))
    ):
        if variant_id is not None:
            counts[variant_id] = counts.get(variant_id, 0) + 1
    return counts


def list_experiments(database: Database) -> list[ExperimentSummary]:
    """Every experiment, newest first, with its variants and how many accounts each has."""
    with database.session() as session:
        counts = _variant_counts(session)
        experiments = session.scalars(
            select(Experiment)
            .options(selectinload(Experiment.variants))
            .order_by(Experiment.id.desc())
        ).all()
        labels = _playbook_labels(session)
        titles = _template_titles(session)
        return [_summary(e, counts, labels, titles) for e in experiments]


def experiment_summary(database: Database, experiment_id: int) -> ExperimentSummary:
    with database.session() as session:
        return _summary(
            get_experiment(session, experiment_id),
            _variant_counts(session),
            _playbook_labels(session),
            _template_titles(session),
        )


def playbook_choices(database: Database) -> list[PlaybookChoice]:
    """Active playbooks with their steps, for the variant editor."""
    with database.session() as session:
        playbooks = session.scalars(
            select(Playbook)
            .where(Playbook.archived.is_(False))
            .options(selectinload(Playbook.steps))
            .order_by(Playbook.name, Playbook.version)
        ).all()
        return [
            PlaybookChoice(
                p.id,
                p.name,
                p.version,
                tuple((step.template.key, step.template.title) for step in p.steps),
            )
            for p in playbooks
        ]


def segments(database: Database) -> list[str]:
    """The segments of active accounts, in name order."""
    with database.session() as session:
        found = session.scalars(
            select(Account.segment).where(Account.archived.is_(False)).distinct()
        ).all()
    return sorted(s for s in found if s)


def get_experiment(session: Session, experiment_id: int) -> Experiment:
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise BadInput(f"Experiment #{experiment_id} no longer exists; refresh the list.")
    return experiment


def create_experiment(
    database: Database,
    name: str,
    hypothesis: str,
    variants: Sequence[VariantSpec],
    *,
    primary_metric: str = FIRST_VALUE_WITHIN_TARGET,
    started_on: dt.date | None = None,
    seed: int | None = None,
    read_on: dt.date | None = None,
) -> int:
    """Store a new (draft) experiment and return its id; a seed is drawn when none is given.

    ``read_on`` is the date the CSM plans to read the results; before it the results come
    with a no-peeking warning.
    """
    name = name.strip()
    if not name:
        raise BadInput("Give the experiment a name.")
    if primary_metric not in PRIMARY_METRICS:
        raise BadInput(
            f"Unknown primary metric “{primary_metric}”; "
            f"choose one of {', '.join(PRIMARY_METRICS)}."
        )
    if len(variants) < 2:
        raise BadInput("An experiment needs at least two variants to compare.")
    names = [v.name.strip() for v in variants]
    if any(not n for n in names):
        raise BadInput("Every variant needs a name (e.g. “A: workflow first”).")
    if len(set(names)) != len(names):
        raise BadInput("Two variants have the same name; give each a different one.")
    if read_on is not None and started_on is not None and read_on <= started_on:
        raise BadInput(
            f"Plan to read the results after the start ({started_on.isoformat()}), not on "
            f"{read_on.isoformat()}: first values need time to come in."
        )
    for variant, variant_name in zip(variants, names, strict=True):
        try:
            check_change(variant.kind, variant.change)
        except BadChange as exc:
            raise BadInput(f"Variant “{variant_name}”: {exc}") from None
    with database.session() as session:
        if session.scalar(select(Experiment.id).where(Experiment.name == name)) is not None:
            raise BadInput(f"An experiment named “{name}” already exists; choose another name.")
        known = set(session.scalars(select(MilestoneTemplate.key)))
        key_sets: list[tuple[str, frozenset[str]]] = []
        for variant, variant_name in zip(variants, names, strict=True):
            if variant.playbook_id is None and not variant.ordering:
                raise BadInput(f"Variant “{variant_name}” needs a playbook or an ordering.")
            if (
                variant.playbook_id is not None
                and session.get(Playbook, variant.playbook_id) is None
            ):
                raise BadInput(f"The playbook of variant “{variant_name}” no longer exists.")
            unknown = [key for key in variant.ordering if key not in known]
            if unknown:
                raise BadInput(
                    f"Variant “{variant_name}” names milestone templates that do not exist: "
                    f"{', '.join(unknown)}. Use template keys, one per line."
                )
            if len(set(variant.ordering)) != len(variant.ordering):
                raise BadInput(f"Variant “{variant_name}” lists a milestone twice.")
            if variant.ordering:
                key_sets.append((variant_name, frozenset(variant.ordering)))
            check_templates(session, variant_name, variant.change)
        for other_name, keys in key_sets[1:]:
            if keys != key_sets[0][1]:
                raise BadInput(
                    f"Variant “{other_name}” orders different milestones than "
                    f"“{key_sets[0][0]}”; an ordering experiment compares the same milestones "
                    "in another order."
                )
        experiment = Experiment(
            name=name,
            hypothesis=hypothesis.strip(),
            primary_metric=primary_metric,
            started_on=started_on,
            seed=secrets.randbelow(2**31) if seed is None else seed,
            locked=False,
            read_on=read_on,
        )
        experiment.variants = [
            Variant(
                name=n,
                playbook_id=v.playbook_id,
                ordering="\n".join(v.ordering),
                kind=v.kind.value,
                change=change_to_json(v.change),
            )
            for v, n in zip(variants, names, strict=True)
        ]
        session.add(experiment)
        session.flush()
        return experiment.id


def _plan(
    session: Session,
    experiment: Experiment,
    chosen_segments: Collection[str] | None,
    only_fresh: bool,
) -> tuple[AssignmentPlan, dict[str, Variant]]:
    own = {v.id for v in experiment.variants}
    query = (
        select(Account)
        .where(Account.archived.is_(False))
        .options(selectinload(Account.milestones))
        .order_by(Account.id)
    )
    candidates: list[Candidate] = []
    account_segments: dict[int, str | None] = {}
    elsewhere = progressing = 0
    for account in session.scalars(query):
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
        for member in session.scalars(select(Account).where(Account.variant_id.in_(own))):
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
        accounts = session.scalars(
            select(Account)
            .where(Account.variant_id.in_(list(own)))
            .options(selectinload(Account.milestones).selectinload(AccountMilestone.template))
            .order_by(Account.id)
        ).all()
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
            keys = _keys(variant.ordering) or (
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


def find_experiment(database: Database, name: str) -> int:
    """An experiment's id by name (ignoring case and surrounding space)."""
    wanted = name_key(name)
    found = [e for e in list_experiments(database) if name_key(e.name) == wanted]
    if not found:
        known = ", ".join(sorted(e.name for e in list_experiments(database))) or "none"
        raise BadInput(f"There is no experiment “{name.strip()}”. Known: {known}.")
    return found[0].id
