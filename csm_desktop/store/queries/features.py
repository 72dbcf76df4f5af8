"""The book's feature vocabulary as stored: named features, the features ladders measure, and
renaming a feature key in every ladder and template.

``services.features`` and ``services.feature_catalog`` give these rows their meaning
(matching and naming rules live in ``domain.features``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select, update
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
    keys: set[str] = set()
    for column in (milestone_template.c.success_feature, account_milestone.c.success_feature):
        keys.update(k.strip() for k in session.scalars(select(column).distinct()) if k)
    return sorted(keys)


def rename_in_ladders(session: Session, old_key: str, into_key: str) -> None:
    """Criteria and unlocks naming ``old_key`` (templates and account milestones) name
    ``into_key`` instead."""
    for model in (MilestoneTemplate, AccountMilestone):
        for column in ("success_feature", "unlocks"):
            attribute = getattr(model, column)
            session.execute(update(model).where(attribute == old_key).values({column: into_key}))
