"""What happened on accounts lately: status changes, touchpoints, use of unlocked features,
contacts and the messages of their milestones' templates (what the Today list reads).

Each query covers the whole book (None), one account (its id) or a page of a large book
(an ``IdRange`` of account ids: the Today list reads a 50,000-account book in pages).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from csm_desktop.domain.templates import MessageTemplate
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    MilestoneTemplate,
    Role,
    StatusChange,
    Touchpoint,
)
from csm_desktop.store.queries.usage_rows import used_after

ContactRow = tuple[int, str, str | None, str | None, str | None]
"""(contact id, name, role, email, title)."""


class IdRange(NamedTuple):
    """Accounts whose id is ``first`` … ``last`` (both included)."""

    first: int
    last: int


Accounts = int | IdRange | None
"""One account's id, a range of ids, or None for every account."""


def of(column: Any, accounts: Accounts) -> ColumnElement[bool]:
    """The condition "``column`` (an account id) is among ``accounts``"."""
    if accounts is None:
        return true()
    if isinstance(accounts, IdRange):
        return column.between(accounts.first, accounts.last)  # type: ignore[no-any-return]
    return column == accounts  # type: ignore[no-any-return]


def _of(accounts: Accounts) -> ColumnElement[bool]:
    return of(AccountMilestone.account_id, accounts)


def active_account_ids(session: Session) -> list[int]:
    """The ids of the accounts that are not archived, in id order."""
    return list(
        session.scalars(select(Account.id).where(Account.archived.is_(False)).order_by(Account.id))
    )


def last_status_changes(
    session: Session, today: dt.date, account_id: Accounts = None
) -> dict[int, dt.date]:
    """Per account, the day of its latest status change on or before ``today``."""
    rows = session.execute(
        select(AccountMilestone.account_id, func.max(StatusChange.changed_on))
        .join(AccountMilestone, AccountMilestone.id == StatusChange.milestone_id)
        .where(StatusChange.changed_on <= today, _of(account_id))
        .group_by(AccountMilestone.account_id)
    )
    return {changed_account: on for changed_account, on in rows}


def last_touchpoints(
    session: Session, today: dt.date, account_id: Accounts = None
) -> tuple[dict[int, dt.date], dict[int, dict[int, dt.date]]]:
    """Per account, the latest touchpoint on or before ``today``, and per milestone the
    latest one about it."""
    query = (
        select(Touchpoint.account_id, Touchpoint.milestone_id, func.max(Touchpoint.happened_on))
        .where(Touchpoint.happened_on <= today)
        .where(of(Touchpoint.account_id, account_id))
        .group_by(Touchpoint.account_id, Touchpoint.milestone_id)
    )
    last: dict[int, dt.date] = {}
    by_milestone: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for touched_account, milestone_id, on in session.execute(query):
        if touched_account not in last or on > last[touched_account]:
            last[touched_account] = on
        if milestone_id is not None:
            by_milestone[touched_account][milestone_id] = on
    return last, dict(by_milestone)


def unlocks_used(
    session: Session,
    since: dt.date,
    today: dt.date,
    account_id: Accounts = None,
    *,
    until: dt.date | None = None,
) -> dict[int, set[int]]:
    """Per account, the milestones achieved since ``since`` (and by ``until``, when given)
    whose unlocked feature was used after the unlock and by ``today`` (one index seek per
    recent unlock)."""
    m = AccountMilestone
    used = used_after(m.account_id, m.unlocks, m.achieved_on, today)
    found: dict[int, set[int]] = defaultdict(set)
    for used_account, milestone_id in session.execute(
        select(m.account_id, m.id).where(
            m.status == Status.ACHIEVED.value,
            m.unlocks.is_not(None),
            m.achieved_on >= since,
            true() if until is None else m.achieved_on <= until,
            used,
            _of(account_id),
        )
    ):
        found[used_account].add(milestone_id)
    return dict(found)


def account_contacts(session: Session, account_id: Accounts = None) -> dict[int, list[ContactRow]]:
    """Per account, its contacts in the order they were added."""
    query = (
        select(
            Contact.account_id, Contact.id, Contact.name, Role.name, Contact.email, Contact.title
        )
        .outerjoin(Role, Role.id == Contact.role_id)
        .where(of(Contact.account_id, account_id))
        .order_by(Contact.account_id, Contact.id)
    )
    contacts: dict[int, list[ContactRow]] = defaultdict(list)
    for row in session.execute(query):
        contacts[row[0]].append((row[1], row[2], row[3], row[4], row[5]))
    return dict(contacts)


def message_templates(
    session: Session, template_ids: Collection[int]
) -> dict[int, MessageTemplate]:
    """The messages of these milestone templates, by template id."""
    return {
        row.id: MessageTemplate(
            name=row.key,
            in_app=row.message_in_app,
            email_subject=row.message_email_subject,
            email_body=row.message_email_body,
            help_article=row.help_article,
        )
        for row in session.scalars(
            select(MilestoneTemplate).where(MilestoneTemplate.id.in_(template_ids))
        )
    }
