"""The book's feature vocabulary as stored: named features, the features ladders measure, and
renaming a feature key in every ladder and template.

``services.features`` and ``services.feature_catalog`` give these rows their meaning
(matching and naming rules live in ``domain.features``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.orm import Session

from csm_desktop.store.models import AccountMilestone, Feature, MilestoneTemplate
from csm_desktop.store.queries.tables import account_milestone, feature, milestone_template


def named_features(session: Session) -> Sequence[Row[str, str, str]]:
    """Every ``feature`` row (key, display name, aliases), by key. Plain Core (``tables``):
    the Today list reads the vocabulary before its first lines."""
    f = feature.c
    return session.execute(select(f.key, f.display_name, f.aliases).order_by(f.key)).all()


def feature_row(session: Session, key: str) -> Feature | None:
    """The ``feature`` row of exactly this key, if there is one."""
    return session.scalar(select(Feature).where(Feature.key == key))


def criterion_features(session: Session) -> list[str]:
    """Every feature a template's or a milestone's success criterion names (trimmed, sorted,
    each once)."""
    stored = [
        *session.scalars(select(milestone_template.c.success_feature).distinct()),
        *session.scalars(_each_milestone_criterion_feature()),
    ]
    return sorted({k.strip() for k in stored if k})


def _each_milestone_criterion_feature() -> Select[tuple[str]]:
    """Each milestone criterion's feature once, in the column's order (NULL left out): the
    smallest, then the smallest greater than that, and so on, each one index seek in
    ``ix_account_milestone_success_feature``, never a pass over every milestone (a DISTINCT
    read 600,000 rows of a 50,000-account book)."""
    column = account_milestone.c.success_feature
    found = select(func.min(column).label("key")).where(column.is_not(None))
    steps = found.cte("criterion_feature", recursive=True)
    following = select(func.min(column)).where(column > steps.c.key).scalar_subquery()
    steps = steps.union_all(select(following).where(steps.c.key.is_not(None)))
    return select(steps.c.key).where(steps.c.key.is_not(None))


def rename_in_ladders(session: Session, old_key: str, into_key: str) -> None:
    """Criteria and unlocks naming ``old_key`` (templates and account milestones) name
    ``into_key`` instead."""
    for model in (MilestoneTemplate, AccountMilestone):
        for column in ("success_feature", "unlocks"):
            attribute = getattr(model, column)
            session.execute(update(model).where(attribute == old_key).values({column: into_key}))
