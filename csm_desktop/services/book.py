"""The Book: one row of plain values per account, and the ladders behind them.

``book_rows`` (computed with the metrics, so health and time-to-first-value are live) and
``load_ladders`` hand plain values to the window, so thousands of rows refresh off the UI
thread without ORM objects crossing threads.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from csm_desktop.domain.ladder import (
    Milestone,
)
from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.metrics import BookRow, book_rows
from csm_desktop.store.database import Database
from csm_desktop.store.models import AccountMilestone, Role


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


__all__ = ["BookRow", "book_rows", "load_ladders"]
