"""Accounts with their ladders as domain ``Milestone``s: the one loader every figure reads.

The Book, Today, the charts, the metrics and the reports ask this module for an account's
ladder, so a milestone's due date (``domain.ladder.due_on``) and status are decided once.
A milestone with neither a due date of its own nor a K cannot be scheduled: it counts in
``statuses`` but is not among ``milestones``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.domain.ladder import Milestone, due_on
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    Variant,
)
from csm_desktop.store.queries.fast_path import day, raw_rows, use_fast_path
from csm_desktop.store.queries.selection import ACTIVE_ACCOUNTS, AccountFilter

_ACCOUNTS = """
SELECT a.id, a.name, a.segment, a.owner, p.name, v.name, a.kickoff_on, a.signed_on,
       a.arr, a.renewal_on, a.external_id
FROM account a
LEFT JOIN playbook p ON p.id = a.playbook_id
LEFT JOIN variant v ON v.id = a.variant_id
WHERE {where}
ORDER BY a.name
"""

_MILESTONES = """
SELECT m.account_id, m.id, m.title, r.name, m.target_day, m.due_on, m.status, m.achieved_on,
       m.first_value, m.unlocks, m.success_feature, m.success_threshold,
       m.success_window_days, m.criterion_met_on, m.version
FROM account a
CROSS JOIN account_milestone m ON m.account_id = a.id
JOIN role r ON r.id = m.role_id
{playbook_join}
WHERE {where}
ORDER BY a.id, m.position, m.id
"""


@dataclass(slots=True)
class AccountLadder:
    """One account as the figures read it, with its schedulable ladder in ladder order."""

    id: int
    name: str
    segment: str | None
    owner: str | None
    playbook: str | None
    variant: str | None
    kickoff: dt.date | None
    """K: the kickoff date, else the signed-on date (``domain.ladder.reference_date``)."""
    arr: float | None
    renewal_on: dt.date | None
    external_id: str | None
    statuses: list[Status] = field(default_factory=list)
    """Every milestone's status, scheduled or not."""
    milestones: list[Milestone] = field(default_factory=list)


def account_ladders(
    session: Session, chosen: AccountFilter = ACTIVE_ACCOUNTS, *, portable: bool = False
) -> list[AccountLadder]:
    """The chosen accounts in name order with their ladders (two queries in all)."""
    if use_fast_path(session, portable):
        params = chosen.where()[1]
        return _assemble(
            raw_rows(session, chosen.sql(_ACCOUNTS), params),
            raw_rows(session, chosen.sql(_MILESTONES), params),
            day,
        )
    accounts = (
        select(
            Account.id,
            Account.name,
            Account.segment,
            Account.owner,
            Playbook.name,
            Variant.name,
            Account.kickoff_on,
            Account.signed_on,
            Account.arr,
            Account.renewal_on,
            Account.external_id,
        )
        .outerjoin(Playbook, Playbook.id == Account.playbook_id)
        .outerjoin(Variant, Variant.id == Account.variant_id)
        .where(chosen.clause())
        .order_by(Account.name)
    )
    m = AccountMilestone
    milestones = (
        select(
            m.account_id,
            m.id,
            m.title,
            Role.name,
            m.target_day,
            m.due_on,
            m.status,
            m.achieved_on,
            m.first_value,
            m.unlocks,
            m.success_feature,
            m.success_threshold,
            m.success_window_days,
            m.criterion_met_on,
            m.version,
        )
        .join(Role, Role.id == m.role_id)
        .where(m.account_id.in_(chosen.account_ids()))
        .order_by(m.account_id, m.position, m.id)
    )
    return _assemble(
        [tuple(row) for row in session.execute(accounts)],
        [tuple(row) for row in session.execute(milestones)],
        _same_date,
    )


def _same_date(value: Any) -> dt.date | None:
    return value  # type: ignore[no-any-return]


def _assemble(
    account_rows: Iterable[Sequence[Any]],
    milestone_rows: Iterable[Sequence[Any]],
    date: Callable[[Any], dt.date | None],
) -> list[AccountLadder]:
    accounts: dict[int, AccountLadder] = {}
    for row in account_rows:
        accounts[row[0]] = AccountLadder(
            row[0], row[1], row[2], row[3], row[4], row[5], date(row[6]) or date(row[7]),
            row[8], date(row[9]), row[10],
        )  # fmt: skip
    statuses = {status.value: status for status in Status}
    for row in milestone_rows:
        account = accounts[row[0]]
        status = statuses.get(row[6], Status.NOT_STARTED)
        account.statuses.append(status)
        due = due_on(date(row[5]), account.kickoff, row[4])
        if due is None:
            continue  # no K and no due date: the ladder cannot be scheduled yet
        account.milestones.append(
            # Positional, in field order: 60,000 keyword calls cost a tenth of a second.
            Milestone(
                row[2], row[3], row[4], due, status, date(row[7]), bool(row[8]),
                row[9], row[10], row[11], row[12], date(row[13]), row[1], row[14],
            )
        )  # fmt: skip
    return list(accounts.values())


def ladder_orders(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Each playbook's ladder as (title, role) in its newest version's order (the funnel's)."""
    rows = session.execute(
        select(Playbook.name, Playbook.version, MilestoneTemplate.title, Role.name)
        .select_from(PlaybookStep)
        .join(Playbook, Playbook.id == PlaybookStep.playbook_id)
        .join(MilestoneTemplate, MilestoneTemplate.id == PlaybookStep.template_id)
        .join(Role, Role.id == MilestoneTemplate.role_id)
        .order_by(Playbook.name, Playbook.version.desc(), PlaybookStep.position)
    )
    newest: dict[str, list[tuple[str, str]]] = {}
    version_seen: dict[str, int] = {}
    for name, version, title, role in rows:
        if version_seen.setdefault(name, version) == version:
            newest.setdefault(name, []).append((title, role))
    return newest


def milestone_messages(
    session: Session, account_ids: Sequence[int] | None
) -> dict[int, tuple[int | None, str]]:
    """Per milestone id: its template id (whose messages a nudge fills) and its cue."""
    query = select(AccountMilestone.id, AccountMilestone.template_id, AccountMilestone.cue)
    if account_ids is not None:
        query = query.where(AccountMilestone.account_id.in_(account_ids))
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}
