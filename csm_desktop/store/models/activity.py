"""What happens around an account: touchpoints, imports, features, asks, feedback,
renewals, advocacy, settings and account events.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from csm_desktop.store.models.base import Base


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
    changed_by: Mapped[str | None]  # who made the change (a CSM's name), when known


class TeamMember(Base):
    """On a team server: the name shown for a database role ("maya" → "Maya Chen").

    Who made a change is the signed-in role's name from this table; a role not listed here
    is shown as the account owner whose name it spells ("maya_chen"), else as the role itself.
    A file book leaves this table empty (``store.authorship``).
    """

    __tablename__ = "team_member"

    role: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
