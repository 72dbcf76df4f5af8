"""An account's risks and asks with the title of the milestone each is linked to.

The account page lists them all; the QBR shows those open on its day. One query serves both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.store.queries.tables import account_ask as _asks
from csm_desktop.store.queries.tables import account_milestone as _milestones


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
    a, m = _asks, _milestones
    query = (
        select(
            a.c.id,
            a.c.kind,
            a.c.text,
            a.c.owner,
            a.c.due_on,
            a.c.milestone_id,
            m.c.title,
            a.c.created_on,
            a.c.resolved_on,
        )
        .outerjoin_from(a, m, m.c.id == a.c.milestone_id)
        .where(a.c.account_id == account_id)
        .order_by(a.c.id)
    )
    if open_on is not None:
        query = query.where(
            a.c.resolved_on.is_(None) | (a.c.resolved_on > open_on),
            a.c.created_on.is_(None) | (a.c.created_on <= open_on),
        )
    return [
        AskRow(ask_id, kind, text, owner, due_on, milestone_id, title or "", created, resolved)
        for ask_id, kind, text, owner, due_on, milestone_id, title, created, resolved in (
            session.execute(query)
        )
    ]
