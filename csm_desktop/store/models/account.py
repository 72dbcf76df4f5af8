"""An account and what hangs off it: contacts, kickoff, milestones and their history.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csm_desktop.store.models.base import Base, Versioned

if TYPE_CHECKING:
    from csm_desktop.store.models.playbook import MilestoneTemplate, Playbook, Role, Variant
    from csm_desktop.store.models.values import ValueMetric


class Account(Versioned, Base):
    """A customer being onboarded."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    external_id: Mapped[str | None] = mapped_column(unique=True)
    segment: Mapped[str | None]
    industry: Mapped[str | None]
    seats: Mapped[int | None]
    arr: Mapped[float | None]
    owner: Mapped[str | None]
    signed_on: Mapped[dt.date | None]
    kickoff_on: Mapped[dt.date | None]
    renewal_on: Mapped[dt.date | None]
    playbook_id: Mapped[int | None] = mapped_column(ForeignKey("playbook.id"))
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant.id", ondelete="SET NULL"))
    archived: Mapped[bool] = mapped_column(default=False)
    logo_path: Mapped[str | None]  # the customer's logo for the QBR cover

    playbook: Mapped["Playbook | None"] = relationship()
    variant: Mapped["Variant | None"] = relationship()
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Contact.id"
    )
    milestones: Mapped[list["AccountMilestone"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="AccountMilestone.position"
    )
    kickoff: Mapped["Kickoff | None"] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )
    value_metrics: Mapped[list["ValueMetric"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="ValueMetric.id"
    )


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id"))
    name: Mapped[str]
    email: Mapped[str | None]
    title: Mapped[str | None]

    account: Mapped["Account"] = relationship(back_populates="contacts")
    role: Mapped["Role | None"] = relationship()


class Kickoff(Versioned, Base):
    """What the customer agreed "done" looks like, in their own words."""

    __tablename__ = "kickoff"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), unique=True
    )
    held_on: Mapped[dt.date | None]
    attendees: Mapped[str] = mapped_column(Text, default="")
    success_statement: Mapped[str] = mapped_column(Text, default="")

    account: Mapped["Account"] = relationship(back_populates="kickoff")
    answers: Mapped[list["KickoffAnswer"]] = relationship(
        cascade="all, delete-orphan", order_by="KickoffAnswer.id"
    )
    done_criteria: Mapped[list["DoneCriterion"]] = relationship(
        cascade="all, delete-orphan", order_by="DoneCriterion.position"
    )


class KickoffAnswer(Base):
    """The customer's answer to "what does success look like" for one role."""

    __tablename__ = "kickoff_answer"
    __table_args__ = (UniqueConstraint("kickoff_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kickoff_id: Mapped[int] = mapped_column(ForeignKey("kickoff.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    answer: Mapped[str] = mapped_column(Text, default="")

    role: Mapped["Role"] = relationship()


class DoneCriterion(Base):
    """One line of the first phase's definition of done, ticked when met."""

    __tablename__ = "done_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    kickoff_id: Mapped[int] = mapped_column(ForeignKey("kickoff.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    met_on: Mapped[dt.date | None]


class AccountMilestone(Versioned, Base):
    """A template applied to one account: a snapshot plus status, dates and evidence."""

    __tablename__ = "account_milestone"
    __table_args__ = (
        Index("ix_account_milestone_account_position", "account_id", "position"),
        # Only milestones with a criterion (store.queries.features.criterion_features). On
        # PostgreSQL too (migration 0010); not said here, since a postgresql_where would
        # import that dialect at every start-up (tests/architecture/test_startup_imports).
        Index(
            "ix_account_milestone_success_feature",
            "success_feature",
            sqlite_where=text("success_feature IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestone_template.id", ondelete="SET NULL")
    )
    position: Mapped[int]
    title: Mapped[str]
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    target_day: Mapped[int]
    due_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(16), default="not started")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[dt.date | None]
    achieved_on: Mapped[dt.date | None]
    evidence: Mapped[str | None]
    definition_of_done: Mapped[str] = mapped_column(Text, default="")
    first_value: Mapped[bool] = mapped_column(default=False)
    unlocks: Mapped[str | None]
    cue: Mapped[str] = mapped_column(Text, default="")
    success_feature: Mapped[str | None]
    success_threshold: Mapped[int | None]
    success_window_days: Mapped[int | None]
    criterion_met_on: Mapped[dt.date | None]
    # Re-plan (DESIGN §9): the new date an open, past-due milestone is planned for. ``due_on``
    # keeps the original date, so on-time rate and overdue counts never improve by re-planning.
    replanned_on: Mapped[dt.date | None]

    account: Mapped["Account"] = relationship(back_populates="milestones")
    role: Mapped["Role"] = relationship()
    template: Mapped["MilestoneTemplate | None"] = relationship()
    history: Mapped[list["StatusChange"]] = relationship(
        back_populates="milestone", cascade="all, delete-orphan", order_by="StatusChange.id"
    )


class StatusChange(Base):
    """One logged change of a milestone's status or dates."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("account_milestone.id", ondelete="CASCADE"), index=True
    )
    changed_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime]
    from_status: Mapped[str | None]
    to_status: Mapped[str]
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str | None]  # who made the change (a team member's name), when known

    milestone: Mapped["AccountMilestone"] = relationship(back_populates="history")
