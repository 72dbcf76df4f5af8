"""Playbooks, their milestone templates and steps, roles, experiments and variants.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csm_desktop.store.models.base import Base


class Role(Base):
    """A user role at the customer; each has its own ladder and success emphasis."""

    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    emphasis: Mapped[str] = mapped_column(default="")
    position: Mapped[int] = mapped_column(default=0)


class Playbook(Base):
    """A named, versioned, ordered set of milestone templates."""

    __tablename__ = "playbook"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    version: Mapped[int] = mapped_column(default=1)
    segment: Mapped[str | None]
    industry: Mapped[str | None]
    description: Mapped[str] = mapped_column(Text, default="")
    change_note: Mapped[str] = mapped_column(Text, default="")
    created_on: Mapped[dt.date | None]
    archived: Mapped[bool] = mapped_column(default=False)

    steps: Mapped[list["PlaybookStep"]] = relationship(
        back_populates="playbook", order_by="PlaybookStep.position", cascade="all, delete-orphan"
    )


class MilestoneTemplate(Base):
    """A reusable onboarding step; several playbooks may include it."""

    __tablename__ = "milestone_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(unique=True)
    title: Mapped[str]
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    target_day: Mapped[int]
    purpose: Mapped[str] = mapped_column(Text, default="")
    expected_actions: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    unlocks: Mapped[str | None]
    cue: Mapped[str] = mapped_column(Text, default="")
    definition_of_done: Mapped[str] = mapped_column(Text, default="")
    success_feature: Mapped[str | None]
    success_threshold: Mapped[int | None]
    success_window_days: Mapped[int | None]
    first_value: Mapped[bool] = mapped_column(default=False)
    message_in_app: Mapped[str] = mapped_column(Text, default="")
    message_email_subject: Mapped[str] = mapped_column(default="")
    message_email_body: Mapped[str] = mapped_column(Text, default="")
    help_article: Mapped[str] = mapped_column(Text, default="")
    story_example: Mapped[str] = mapped_column(Text, default="")

    role: Mapped["Role"] = relationship()


class PlaybookStep(Base):
    """One template at one position of a playbook's ladder."""

    __tablename__ = "playbook_step"
    __table_args__ = (UniqueConstraint("playbook_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbook.id", ondelete="CASCADE"))
    template_id: Mapped[int] = mapped_column(ForeignKey("milestone_template.id"))
    position: Mapped[int]

    playbook: Mapped["Playbook"] = relationship(back_populates="steps")
    template: Mapped["MilestoneTemplate"] = relationship()


class Experiment(Base):
    """An A/B test of milestone order or timing across accounts."""

    __tablename__ = "experiment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    primary_metric: Mapped[str] = mapped_column(default="first value within target")
    started_on: Mapped[dt.date | None]
    # The date the CSM plans to read the results (no peeking before it; issue 18).
    read_on: Mapped[dt.date | None]
    seed: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(default=False)

    variants: Mapped[list["Variant"]] = relationship(
        back_populates="experiment", order_by="Variant.id", cascade="all, delete-orphan"
    )


class Variant(Base):
    """One arm of an experiment: a playbook, or an ordering of the same milestones."""

    __tablename__ = "variant"
    __table_args__ = (UniqueConstraint("experiment_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiment.id", ondelete="CASCADE"))
    name: Mapped[str]
    playbook_id: Mapped[int | None] = mapped_column(ForeignKey("playbook.id"))
    ordering: Mapped[str] = mapped_column(Text, default="")  # template keys, one per line
    # What the arm changes besides its ordering: "order", "message", "timing" or "criterion".
    kind: Mapped[str] = mapped_column(String(16), default="order", server_default="order")
    # The change itself as JSON (e.g. another nudge text, a target-day shift, a threshold).
    change: Mapped[str] = mapped_column(Text, default="", server_default="")

    experiment: Mapped["Experiment"] = relationship(back_populates="variants")
