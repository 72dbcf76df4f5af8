"""What happened on one account, as plain rows: status changes, touchpoints, logged events.

The account page's timeline reads all three; the QBR's internal edition reads the latest
touchpoints as notes. Rows come newest first, and within a day the latest recorded first
(an undo above what it undid), except events, which come in the order they were recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.store.models import AccountEvent, AccountMilestone, StatusChange, Touchpoint


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One status change of a milestone of the account."""

    changed_on: dt.date
    milestone: str
    """The milestone's title."""
    from_status: str | None
    to_status: str
    reason: str
    changed_by: str | None = None
    """Who made the change (a CSM's name), when known."""


@dataclass(frozen=True, slots=True)
class TouchpointRow:
    happened_on: dt.date
    channel: str
    template: str
    note: str


@dataclass(frozen=True, slots=True)
class EventRow:
    """Something logged on the account (a value measurement, an edit, …)."""

    happened_on: dt.date
    kind: str
    text: str
    changed_by: str | None = None


def status_changes(session: Session, account_id: int) -> list[ChangeRow]:
    """Every status change of the account's milestones, the latest recorded first."""
    rows = session.execute(
        select(
            StatusChange.changed_on,
            AccountMilestone.title,
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.reason,
            StatusChange.changed_by,
        )
        .join(AccountMilestone, AccountMilestone.id == StatusChange.milestone_id)
        .where(AccountMilestone.account_id == account_id)
        .order_by(StatusChange.id.desc())
    )
    return [ChangeRow(*row) for row in rows]


def touchpoints(
    session: Session, account_id: int, *, until: dt.date | None = None, limit: int | None = None
) -> list[TouchpointRow]:
    """The account's touchpoints (on or before ``until``), newest first and within a day the
    latest logged first; at most ``limit``."""
    query = (
        select(Touchpoint.happened_on, Touchpoint.channel, Touchpoint.template, Touchpoint.note)
        .where(Touchpoint.account_id == account_id)
        .order_by(Touchpoint.happened_on.desc(), Touchpoint.id.desc())
    )
    if until is not None:
        query = query.where(Touchpoint.happened_on <= until)
    if limit is not None:
        query = query.limit(limit)
    return [TouchpointRow(*row) for row in session.execute(query)]


def events(session: Session, account_id: int) -> list[EventRow]:
    """The account's logged events in the order they were recorded."""
    rows = session.execute(
        select(
            AccountEvent.happened_on, AccountEvent.kind, AccountEvent.text, AccountEvent.changed_by
        )
        .where(AccountEvent.account_id == account_id)
        .order_by(AccountEvent.recorded_at, AccountEvent.id)
    )
    return [EventRow(*row) for row in rows]
