"""The Book: one row of plain values per account, for the table, filters and exports.

Rows are built with two queries (accounts, milestones) and the pure ladder rules, so the
window can refresh thousands of rows off the UI thread without ORM objects crossing threads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from csm_desktop.domain.ladder import (
    Milestone,
    completion,
    current_phase,
    next_open,
    overdue,
    reference_date,
)
from csm_desktop.domain.vocabulary import Phase, Status
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Playbook, Role


@dataclass(frozen=True, slots=True)
class BookRow:
    """What the Book table shows for one account."""

    account_id: int
    name: str
    external_id: str | None
    segment: str | None
    owner: str | None
    playbook: str | None
    kickoff_on: dt.date | None
    age_days: int | None
    phase: Phase | None
    completion: float | None
    next_milestone: str | None
    next_due_on: dt.date | None
    overdue_count: int
    arr: float | None
    renewal_on: dt.date | None


def load_ladders(
    database: Database, account_ids: list[int] | None = None
) -> dict[int, list[Milestone]]:
    """Every account's ladder (in ladder order) as domain milestones."""
    query = (
        select(
            AccountMilestone.id,
            AccountMilestone.account_id,
            AccountMilestone.title,
            Role.name,
            AccountMilestone.target_day,
            AccountMilestone.due_on,
            AccountMilestone.status,
            AccountMilestone.achieved_on,
            AccountMilestone.first_value,
            AccountMilestone.unlocks,
            AccountMilestone.success_feature,
            AccountMilestone.success_threshold,
            AccountMilestone.success_window_days,
            AccountMilestone.criterion_met_on,
        )
        .join(Role, Role.id == AccountMilestone.role_id)
        .order_by(AccountMilestone.account_id, AccountMilestone.position)
    )
    if account_ids is not None:
        query = query.where(AccountMilestone.account_id.in_(account_ids))
    ladders: dict[int, list[Milestone]] = defaultdict(list)
    with database.session() as session:
        for row in session.execute(query):
            ladders[row.account_id].append(
                Milestone(
                    id=row.id,
                    title=row.title,
                    role=row.name,
                    target_day=row.target_day,
                    due_on=row.due_on,
                    status=Status(row.status),
                    achieved_on=row.achieved_on,
                    first_value=row.first_value,
                    unlocks=row.unlocks,
                    success_feature=row.success_feature,
                    success_threshold=row.success_threshold,
                    success_window_days=row.success_window_days,
                    criterion_met_on=row.criterion_met_on,
                )
            )
    return ladders


def book_rows(
    database: Database, today: dt.date, *, include_archived: bool = False
) -> list[BookRow]:
    """One row per account, computed for ``today``."""
    query = select(
        Account.id,
        Account.name,
        Account.external_id,
        Account.segment,
        Account.owner,
        Playbook.name.label("playbook"),
        Account.kickoff_on,
        Account.signed_on,
        Account.arr,
        Account.renewal_on,
    ).outerjoin(Playbook, Playbook.id == Account.playbook_id)
    if not include_archived:
        query = query.where(Account.archived.is_(False))
    with database.session() as session:
        accounts = session.execute(query.order_by(Account.name)).all()
    ladders = load_ladders(database)
    rows = []
    for account in accounts:
        ladder = ladders.get(account.id, [])
        kickoff = reference_date(account.kickoff_on, account.signed_on)
        age = (today - kickoff).days if kickoff else None
        upcoming = next_open(ladder)
        rows.append(
            BookRow(
                account_id=account.id,
                name=account.name,
                external_id=account.external_id,
                segment=account.segment,
                owner=account.owner,
                playbook=account.playbook,
                kickoff_on=kickoff,
                age_days=age,
                phase=current_phase(age) if age is not None else None,
                completion=completion(ladder),
                next_milestone=upcoming.title if upcoming else None,
                next_due_on=upcoming.due_on if upcoming else None,
                overdue_count=len(overdue(ladder, today)),
                arr=account.arr,
                renewal_on=account.renewal_on,
            )
        )
    return rows
