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

This module defines, lists and finds experiments; assigning and starting live in
``services.experiment_assignment`` (re-exported here, so callers import one module), what
each kind of arm changes in ``services.experiment_variants``, and the results read in
``services.experiment_results``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from csm_desktop.domain.experiment_changes import (
    BadChange,
    Change,
    VariantKind,
    change_to_json,
    check_change,
    describe,
)
from csm_desktop.domain.text import name_key
from csm_desktop.errors import BadInput
from csm_desktop.services.experiment_assignment import (
    AssignmentPlan,
    StartReport,
    assign_accounts,
    get_experiment,
    ordering_keys,
    preview_assignment,
    reorder_open_milestones,
    start_experiment,
)
from csm_desktop.services.experiment_variants import (
    check_templates,
    variant_change,
    variant_kind,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import Experiment, Playbook, Variant
from csm_desktop.store.queries.experiments import (
    active_segments,
    experiment_name_taken,
    experiments_newest_first,
    variant_counts,
)
from csm_desktop.store.queries.playbooks import (
    active_playbooks_with_steps,
    playbook_labels,
    template_keys,
    template_titles,
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
            tuple(ordering_keys(v.ordering)),
            counts.get(v.id, 0),
            kind,
            change,
            describe(kind, change, titles),
            tuple((titles or {}).get(key, key) for key in ordering_keys(v.ordering)),
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


def list_experiments(database: Database) -> list[ExperimentSummary]:
    """Every experiment, newest first, with its variants and how many accounts each has."""
    with database.session() as session:
        counts = variant_counts(session)
        experiments = experiments_newest_first(session)
        labels = playbook_labels(session)
        titles = template_titles(session)
        return [_summary(e, counts, labels, titles) for e in experiments]


def experiment_summary(database: Database, experiment_id: int) -> ExperimentSummary:
    with database.session() as session:
        return _summary(
            get_experiment(session, experiment_id),
            variant_counts(session),
            playbook_labels(session),
            template_titles(session),
        )


def playbook_choices(database: Database) -> list[PlaybookChoice]:
    """Active playbooks with their steps, for the variant editor."""
    with database.session() as session:
        playbooks = active_playbooks_with_steps(session)
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
        found = active_segments(session)
    return sorted(s for s in found if s)


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
        if experiment_name_taken(session, name):
            raise BadInput(f"An experiment named “{name}” already exists; choose another name.")
        known = template_keys(session)
        key_sets: list[tuple[str, frozenset[str]]] = []
        for variant, variant_name in zip(variants, names, strict=True):
            if variant.playbook_id is None and not variant.ordering:
                raise BadInput(f"Variant “{variant_name}” needs a playbook or an ordering.")
            if (
                variant.playbook_id is not None
                and session.get(Playbook, variant.playbook_id) is None
            ):
                raise BadInput.gone(
                    "playbook", variant.playbook_id, f"pick another for variant “{variant_name}”"
                )
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


def find_experiment(database: Database, name: str) -> int:
    """An experiment's id by name (ignoring case and surrounding space)."""
    wanted = name_key(name)
    found = [e for e in list_experiments(database) if name_key(e.name) == wanted]
    if not found:
        known = ", ".join(sorted(e.name for e in list_experiments(database))) or "none"
        raise BadInput(f"There is no experiment “{name.strip()}”. Known: {known}.")
    return found[0].id


__all__ = [
    "COMPLETION_AT_DAY_30",
    "FIRST_VALUE_WITHIN_TARGET",
    "MEDIAN_TTFV",
    "PRIMARY_METRICS",
    "AssignmentPlan",
    "ExperimentSummary",
    "PlaybookChoice",
    "StartReport",
    "VariantInfo",
    "VariantSpec",
    "assign_accounts",
    "create_experiment",
    "experiment_summary",
    "find_experiment",
    "get_experiment",
    "list_experiments",
    "playbook_choices",
    "preview_assignment",
    "reorder_open_milestones",
    "segments",
    "start_experiment",
]
