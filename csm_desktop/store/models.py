"""SQLAlchemy 2 typed models for the whole data model of DESIGN §2.

Account milestones are snapshots of their template (title, role, target day, definition of
done, criterion): editing a playbook later never rewrites an account's history. Usage events
are unique per (account, day, feature) so re-importing the same data changes nothing; they
are stored compactly (day numbers, feature ids), see ``UsageEvent``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, cast

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

from csm_desktop.store.day_numbers import DayNumber

# Stable constraint names so alembic batch migrations on SQLite can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        str: String(),
        dt.date: Date(),
        dt.datetime: DateTime(),
        float: Float(),
        bool: Boolean(),
    }


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

    steps: Mapped[list[PlaybookStep]] = relationship(
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

    role: Mapped[Role] = relationship()


class PlaybookStep(Base):
    """One template at one position of a playbook's ladder."""

    __tablename__ = "playbook_step"
    __table_args__ = (UniqueConstraint("playbook_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbook.id", ondelete="CASCADE"))
    template_id: Mapped[int] = mapped_column(ForeignKey("milestone_template.id"))
    position: Mapped[int]

    playbook: Mapped[Playbook] = relationship(back_populates="steps")
    template: Mapped[MilestoneTemplate] = relationship()


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

    variants: Mapped[list[Variant]] = relationship(
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

    experiment: Mapped[Experiment] = relationship(back_populates="variants")


class Account(Base):
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

    playbook: Mapped[Playbook | None] = relationship()
    variant: Mapped[Variant | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Contact.id"
    )
    milestones: Mapped[list[AccountMilestone]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="AccountMilestone.position"
    )
    kickoff: Mapped[Kickoff | None] = relationship(
        back_populates="account", cascade="all, delete-orphan"
    )
    value_metrics: Mapped[list[ValueMetric]] = relationship(
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

    account: Mapped[Account] = relationship(back_populates="contacts")
    role: Mapped[Role | None] = relationship()


class Kickoff(Base):
    """What the customer agreed "done" looks like, in their own words."""

    __tablename__ = "kickoff"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), unique=True
    )
    held_on: Mapped[dt.date | None]
    attendees: Mapped[str] = mapped_column(Text, default="")
    success_statement: Mapped[str] = mapped_column(Text, default="")

    account: Mapped[Account] = relationship(back_populates="kickoff")
    answers: Mapped[list[KickoffAnswer]] = relationship(
        cascade="all, delete-orphan", order_by="KickoffAnswer.id"
    )
    done_criteria: Mapped[list[DoneCriterion]] = relationship(
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

    role: Mapped[Role] = relationship()


class DoneCriterion(Base):
    """One line of the first phase's definition of done, ticked when met."""

    __tablename__ = "done_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    kickoff_id: Mapped[int] = mapped_column(ForeignKey("kickoff.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    met_on: Mapped[dt.date | None]


class AccountMilestone(Base):
    """A template applied to one account: a snapshot plus status, dates and evidence."""

    __tablename__ = "account_milestone"
    __table_args__ = (Index("ix_account_milestone_account_position", "account_id", "position"),)

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

    account: Mapped[Account] = relationship(back_populates="milestones")
    role: Mapped[Role] = relationship()
    template: Mapped[MilestoneTemplate | None] = relationship()
    history: Mapped[list[StatusChange]] = relationship(
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

    milestone: Mapped[AccountMilestone] = relationship(back_populates="history")


class UsageFeature(Base):
    """A feature key as usage rows store it, interned: rows hold this id, never the text.

    Not the vocabulary (``Feature``): every key ever imported gets a row here, known or not,
    so the Features page can still tell unknown spellings from named features."""

    __tablename__ = "usage_feature"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(unique=True)


class UsageEvent(Base):
    """One row of imported product usage: (account, day, feature) → count.

    Stored compactly (DESIGN §9, ≤ 60 bytes a row): the day as a day number, the feature as
    an id into ``usage_feature``, and on SQLite a table without rowid whose primary key is
    the only index. ``feature`` reads the key (a correlated lookup, for small reads; the
    queries in ``store.queries.usage_rows`` join instead); an object created with
    ``feature="key"`` gets its ``feature_id`` when it is inserted (``_intern_feature``).
    """

    __tablename__ = "usage_event"
    __table_args__ = ({"sqlite_with_rowid": False},)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(DayNumber, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("usage_feature.id"), primary_key=True)
    count: Mapped[int]
    active_users: Mapped[int | None]
    # Reads the key with a correlated lookup. Select it beside another usage_event column
    # (``select(UsageEvent.feature)`` alone has no usage_event to correlate with); code
    # that reads many rows uses ``store.queries.usage_rows``, which joins instead.
    feature: Mapped[str] = column_property(
        select(UsageFeature.key)
        .where(UsageFeature.id == feature_id)
        .correlate_except(UsageFeature)
        .scalar_subquery()
    )


@event.listens_for(UsageEvent, "before_insert")
def _intern_feature(_mapper: Any, connection: Connection, target: UsageEvent) -> None:
    """``UsageEvent(feature="sso_login", …)``: find or add the key's id before the insert."""
    key = target.__dict__.get("feature")
    if target.__dict__.get("feature_id") is None and key is not None:
        target.feature_id = intern_feature_keys(connection, [key])[key]


def intern_feature_keys(connection: Connection, keys: Iterable[str]) -> dict[str, int]:
    """The ``usage_feature`` id of each key, adding the keys not seen before."""
    wanted = set(keys)
    table = cast(Table, UsageFeature.__table__)
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(wanted), 500):
        rows = connection.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk)))
        found.update((key, id_) for key, id_ in rows)
    missing = sorted(wanted - found.keys())
    if missing:
        connection.execute(insert(table), [{"key": key} for key in missing])
        for chunk in _chunks(missing, 500):
            rows = connection.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk)))
            found.update((key, id_) for key, id_ in rows)
    return found


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ValueMetric(Base):
    """A customer outcome measured against a baseline (e.g. hours on weekly reporting)."""

    __tablename__ = "value_metric"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str]
    unit: Mapped[str] = mapped_column(default="")
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    baseline: Mapped[float | None]
    baseline_on: Mapped[dt.date | None]
    target: Mapped[float | None]
    # DESIGN §9 value money: what one unit is worth in the book's currency (an hour = 60), and
    # the period the metric's value is a rate over ("week", "month", "quarter", "year"; None
    # for a level such as a score, whose money value is not accumulated over time).
    money_per_unit: Mapped[float | None]
    rate_per: Mapped[str | None] = mapped_column(String(8))

    account: Mapped[Account] = relationship(back_populates="value_metrics")
    measurements: Mapped[list[Measurement]] = relationship(
        cascade="all, delete-orphan", order_by="Measurement.measured_on"
    )


class Measurement(Base):
    __tablename__ = "measurement"

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(
        ForeignKey("value_metric.id", ondelete="CASCADE"), index=True
    )
    measured_on: Mapped[dt.date]
    value: Mapped[float]


class Touchpoint(Base):
    """A logged nudge or message to the customer."""

    __tablename__ = "touchpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_milestone.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(default="")
    happened_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text, default="")


class ImportRecord(Base):
    """What one import brought in, so a CSM can see where data came from."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "usage" or "book"
    file_name: Mapped[str]
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime]
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)


class Feature(Base):
    """One entry of the book's feature vocabulary (DESIGN §9): the key usage rows store, the
    name people read, and other spellings seen in exports (``;``-separated)."""

    __tablename__ = "feature"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(unique=True)
    display_name: Mapped[str] = mapped_column(default="")
    aliases: Mapped[str] = mapped_column(Text, default="")


class AccountAsk(Base):
    """A risk or an ask the CSM keeps for the customer ("what we need from you")."""

    __tablename__ = "account_ask"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8), default="ask")  # "ask" or "risk"
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(default="")
    due_on: Mapped[dt.date | None]
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_milestone.id", ondelete="SET NULL")
    )
    created_on: Mapped[dt.date | None]
    resolved_on: Mapped[dt.date | None]


class Feedback(Base):
    """The customer's own words about their onboarding, with sentiment and quote permission."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    given_on: Mapped[dt.date]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_milestone.id", ondelete="SET NULL")
    )
    sentiment: Mapped[str] = mapped_column(String(8), default="neutral")
    text: Mapped[str] = mapped_column(Text, default="")
    quotable: Mapped[bool] = mapped_column(default=False)


class Renewal(Base):
    """A renewal outcome after onboarding: renewed, churned or pending, with ARR either side."""

    __tablename__ = "renewal"
    __table_args__ = (UniqueConstraint("account_id", "renewal_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    renewal_on: Mapped[dt.date]
    outcome: Mapped[str] = mapped_column(String(8), default="pending")
    arr_before: Mapped[float | None]
    arr_after: Mapped[float | None]


class Advocacy(Base):
    """An advocacy act by the customer: a reference, a case study, a public review."""

    __tablename__ = "advocacy"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """A preference that belongs to the book, not to one machine (e.g. auto-confirm)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class AccountEvent(Base):
    """A change on an account that is neither a status change nor a touchpoint (a value metric
    added, measured, edited, deleted or put back), kept so the timeline shows it."""

    __tablename__ = "account_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    happened_on: Mapped[dt.date]
    recorded_at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(16))  # "value" for value metrics
    text: Mapped[str] = mapped_column(Text)
