"""Experiments, their arms and the accounts in them.

``services.experiments`` (define, list), ``services.experiment_assignment`` (assign, start)
and ``services.experiment_variants`` (what a message, timing or criterion arm changes and
measures) read experiments here; they edit the returned models inside their own transaction.
Arms' ladders are read with the one ladder loader, ``store.queries.ladders.account_ladders``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.domain.experiment_changes import VariantKind
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Experiment,
    MilestoneTemplate,
    Touchpoint,
    Variant,
)
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.tables import account, experiment, variant


def experiments_newest_first(session: Session) -> Sequence[Experiment]:
    """Every experiment, newest first, with its variants loaded."""
    return session.scalars(
        select(Experiment).options(selectinload(Experiment.variants)).order_by(Experiment.id.desc())
    ).all()


def experiment_name_taken(session: Session, name: str) -> bool:
    """Whether an experiment is named exactly ``name``."""
    return session.scalar(select(Experiment.id).where(Experiment.name == name)) is not None


def variant_counts(session: Session) -> dict[int, int]:
    """Variant id → how many accounts (archived ones too) are in it; empty arms are absent."""
    query = (
        select(Account.variant_id, func.count())
        .where(Account.variant_id.is_not(None))
        .group_by(Account.variant_id)
    )
    return {
        variant_id: count
        for variant_id, count in session.execute(query)
        if variant_id is not None  # the query leaves none out; says so to the type checker
    }


def active_segments(session: Session) -> list[str | None]:
    """The distinct segments of active accounts (None for accounts without one)."""
    query = select(Account.segment).where(Account.archived.is_(False)).distinct()
    return list(session.scalars(query))


def active_accounts_with_milestones(session: Session) -> Sequence[Account]:
    """Every active account, by id, with its milestones loaded (who could be assigned)."""
    return session.scalars(
        select(Account)
        .where(Account.archived.is_(False))
        .options(selectinload(Account.milestones))
        .order_by(Account.id)
    ).all()


def variant_members(session: Session, variant_ids: Collection[int]) -> Sequence[Account]:
    """The accounts (archived ones too) in any of ``variant_ids``."""
    return session.scalars(select(Account).where(Account.variant_id.in_(list(variant_ids)))).all()


def variant_members_with_ladders(
    session: Session, variant_ids: Collection[int]
) -> Sequence[Account]:
    """The accounts in any of ``variant_ids``, by id, with milestones and templates loaded."""
    return session.scalars(
        select(Account)
        .where(Account.variant_id.in_(list(variant_ids)))
        .options(selectinload(Account.milestones).selectinload(AccountMilestone.template))
        .order_by(Account.id)
    ).all()


def message_arm_texts(
    session: Session, account_ids: Collection[int] | None = None
) -> list[tuple[int, str | None]]:
    """(account id, the arm's stored change) of accounts in a message arm of a started
    experiment; only ``account_ids`` when given."""
    a, v, e = account.c, variant.c, experiment.c  # plain Core: read before Today's first lines
    query = (
        select(a.id, v.change)
        .join(variant, v.id == a.variant_id)
        .join(experiment, e.id == v.experiment_id)
        .where(v.kind == VariantKind.MESSAGE.value, e.locked.is_(True))
    )
    if account_ids is not None:
        query = query.where(a.id.in_(list(account_ids)))
    return [(account_id, change) for account_id, change in session.execute(query)]


def milestone_template_keys(session: Session, chosen: AccountFilter) -> dict[int, str | None]:
    """Milestone id → its template's key (None: made without a template), for the chosen
    accounts' milestones."""
    query = (
        select(AccountMilestone.id, MilestoneTemplate.key)
        .outerjoin(MilestoneTemplate, MilestoneTemplate.id == AccountMilestone.template_id)
        .where(AccountMilestone.account_id.in_(chosen.account_ids()))
    )
    return {milestone_id: key for milestone_id, key in session.execute(query)}


def first_touchpoints(
    session: Session, milestone_ids: Collection[int], since: dt.date, until: dt.date
) -> dict[int, dt.date]:
    """Milestone id → the day of its first touchpoint from ``since`` to ``until`` (both
    included); milestones without one are absent."""
    query = (
        select(Touchpoint.milestone_id, func.min(Touchpoint.happened_on))
        .where(
            Touchpoint.milestone_id.in_(list(milestone_ids)),
            Touchpoint.happened_on >= since,
            Touchpoint.happened_on <= until,
        )
        .group_by(Touchpoint.milestone_id)
    )
    return {
        milestone_id: first
        for milestone_id, first in session.execute(query)
        if milestone_id is not None and first is not None
    }


def variant_names(session: Session, experiment_id: int) -> list[str]:
    """The experiment's arms by name, in the order they were added (the first is control)."""
    return list(
        session.scalars(
            select(Variant.name).where(Variant.experiment_id == experiment_id).order_by(Variant.id)
        )
    )
