"""An account's risks and asks with the title of the milestone each is linked to.

The account page lists them all; the QBR shows those open on its day. One query serves both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.store.models import AccountAsk, AccountMilestone


@dataclass(frozen=True, slots=True)
class AskRow:
    id: int
    kind: str
    """"ask" or "risk"."""
    text: str
    owner: str
    due_on: dt.date | None
    milestone_id: int | None
    milestone: str
    """The linked milestone's title; "" when none is linked."""
    created_on: dt.date | None
    resolved_on: dt.date | None


def asks(session: Session, account_id: int, *, open_on: dt.date | None = None) -> list[AskRow]:
    """The account's risks and asks, in the order they were kept; given ``open_on``, only
    those already kept (or of unknown date) and not yet resolved on that day."""
    query = (
        select(AccountAsk, AccountMilestone.title)
        .outerjoin(AccountMilestone, AccountMilestone.id == AccountAsk.milestone_id)
        .where(AccountAsk.account_id == account_id)
        .order_by(AccountAsk.id)
    )
    if open_on is not None:
        query = query.where(
            AccountAsk.resolved_on.is_(None) | (AccountAsk.resolved_on > open_on),
            AccountAsk.created_on.is_(None) | (AccountAsk.created_on <= open_on),
        )
    return [
        AskRow(a.id, a.kind, a.text, a.owner, a.due_on, a.milestone_id, title or "",
               a.created_on, a.resolved_on)
        for a, title in session.execute(query)
    ]  # fmt: skip
