"""SQLAlchemy 2 typed models for the whole data model of DESIGN §2.

Account milestones are snapshots of their template (title, role, target day, definition of
done, criterion): editing a playbook later never rewrites an account's history. Usage events
are unique per (account, day, feature) so re-importing the same data changes nothing; they
are stored compactly (day numbers, feature ids), see ``UsageEvent``.

The models live by aggregate in this package's modules; every one is importable from here
(alembic's autogenerate and the migration test read ``Base.metadata`` with all of them).

The model modules do not postpone their annotations (no ``from __future__ import
annotations``): SQLAlchemy would evaluate each of the ~230 ``Mapped[...]`` strings with
``eval``, about 10 ms of the window's start-up (issue 17). Only the references to a
model (relationship targets) are quoted.
"""

from __future__ import annotations

from csm_desktop.store.models.account import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Kickoff,
    KickoffAnswer,
    StatusChange,
)
from csm_desktop.store.models.activity import (
    AccountAsk,
    AccountEvent,
    Advocacy,
    Feature,
    Feedback,
    ImportRecord,
    Renewal,
    Setting,
    TeamMember,
    Touchpoint,
)
from csm_desktop.store.models.base import (
    NAMING_CONVENTION,
    Base,
)
from csm_desktop.store.models.playbook import (
    Experiment,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    Variant,
)
from csm_desktop.store.models.usage import (
    UsageEvent,
    UsageFeature,
    intern_feature_keys,
)
from csm_desktop.store.models.values import (
    Measurement,
    ValueMetric,
)

# Importing the models installs the one listener that stamps who changed what (issue 16).
from csm_desktop.store import authorship as _authorship  # noqa: F401  isort: skip

__all__ = [
    "NAMING_CONVENTION",
    "Account",
    "AccountAsk",
    "AccountEvent",
    "AccountMilestone",
    "Advocacy",
    "Base",
    "Contact",
    "DoneCriterion",
    "Experiment",
    "Feature",
    "Feedback",
    "ImportRecord",
    "Kickoff",
    "KickoffAnswer",
    "Measurement",
    "MilestoneTemplate",
    "Playbook",
    "PlaybookStep",
    "Renewal",
    "Role",
    "Setting",
    "StatusChange",
    "TeamMember",
    "Touchpoint",
    "UsageEvent",
    "UsageFeature",
    "ValueMetric",
    "Variant",
    "intern_feature_keys",
]
