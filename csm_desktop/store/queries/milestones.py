"""One account's milestones as the account page's tools read them: the ladder to re-plan, the
blocked ones with their reasons, and the ladder lines the account's charts draw.

Due dates are not decided here: callers apply ``domain.ladder.due_on`` to what they read
(``store.queries.ladders`` is the loader of ladders as domain milestones for every figure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.models import Account, AccountMilestone, Role


def account_milestones(session: Session, account_id: int) -> Sequence[AccountMilestone]:
    """The account's milestones in ladder order, with their roles loaded."""
    return session.scalars(
        select(AccountMilestone)
        .where(AccountMilestone.account_id == account_id)
        .order_by(AccountMilestone.position)
        .options(selectinload(AccountMilestone.role))
    ).all()


def milestones_by_id(session: Session, ids: Collection[int]) -> Sequence[AccountMilestone]:
    """The milestones with these ids that exist, with their accounts loaded."""
    return session.scalars(
        select(AccountMilestone)
        .where(AccountMilestone.id.in_(list(ids)))
        .options(selectinload(AccountMilestone.account))
    ).all()


def blocked_milestones(session: Session, account_id: int) -> list[tuple[int, str, str]]:
    """(id, title, reason) of the account's blocked milestones, in ladder order."""
    rows = session.execute(
        select(AccountMilestone.id, AccountMilestone.title, AccountMilestone.status_reason)
        .where(AccountMilestone.account_id == account_id)
        .where(AccountMilestone.status == Status.BLOCKED.value)
        .order_by(AccountMilestone.position)
    )
    return [(milestone_id, title, reason or "") for milestone_id, title, reason in rows]


@dataclass(frozen=True, slots=True)
class ChartLine:
    """One milestone as the account's charts read it."""

    title: str
    role: str
    target_day: int
    due_on: dt.date | None
    """Its own due date, if it has one (``domain.ladder.due_on`` decides the rest)."""
    status: str
    achieved_on: dt.date | None
    unlocks: str | None
    success_feature: str | None


@dataclass(frozen=True, slots=True)
class ChartLadder:
    name: str
    kickoff_on: dt.date | None
    signed_on: dt.date | None
    lines: tuple[ChartLine, ...]
    """In ladder order; empty when the account has no ladder."""


def chart_ladder(session: Session, account_id: int) -> ChartLadder | None:
    """The account's name, dates and ladder lines in one query; None when it does not exist."""
    rows = session.execute(
        select(
            Account.name,
            Account.kickoff_on,
            Account.signed_on,
            AccountMilestone.title,
            Role.name,
            AccountMilestone.target_day,
            AccountMilestone.due_on,
            AccountMilestone.status,
            AccountMilestone.achieved_on,
            AccountMilestone.unlocks,
            AccountMilestone.success_feature,
        )
        .select_from(Account)
        .outerjoin(AccountMilestone, AccountMilestone.account_id == Account.id)
        .outerjoin(Role, Role.id == AccountMilestone.role_id)
        .where(Account.id == account_id)
        .order_by(AccountMilestone.position, AccountMilestone.id)
    ).all()
    if not rows:
        return None
    name, kickoff_on, signed_on = rows[0][0], rows[0][1], rows[0][2]
    lines = tuple(ChartLine(*row[3:]) for row in rows if row[3] is not None)
    return ChartLadder(name, kickoff_on, signed_on, lines)


def milestones_with_evidence(session: Session, evidence: str) -> Sequence[AccountMilestone]:
    """Every milestone whose evidence is ``evidence`` (a ``domain.vocabulary.Evidence`` value)."""
    return session.scalars(
        select(AccountMilestone).where(AccountMilestone.evidence == evidence)
    ).all()


def milestone_owner(session: Session, milestone_id: int) -> tuple[int, str, dt.date | None] | None:
    """(account id, title, achieved on) of a milestone, or None when it no longer exists."""
    found = session.execute(
        select(
            AccountMilestone.account_id, AccountMilestone.title, AccountMilestone.achieved_on
        ).where(AccountMilestone.id == milestone_id)
    ).first()
    return None if found is None else (found.account_id, found.title, found.achieved_on)
